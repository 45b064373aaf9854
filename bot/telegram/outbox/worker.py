"""Delivers the outbox: at Telegram's pace, retrying what failed, never sending twice.

- 429: that chat is held for `retry_after` (its messages wait, in order) and the others go on;
  everything pauses only when Telegram shows a global limit: several chats answered 429
  within a second. Telegram documents `retry_after` per request, not per bot.
- 403 from a person (they blocked the bot): they are marked unreachable; nothing more is sent.
- The staff chat unreachable (wrong id, bot removed): staff messages wait, with backoff, and go
  out once it is reachable; they never go to any other chat.
- 5xx, network errors: retry with backoff.
- A stop (SIGTERM): the message whose Telegram call is under way finishes; nothing new is taken,
  and what was claimed but not tried goes back to the queue. The process exits in seconds
  whatever the backlog (systemd's stop timeout never kills it mid-send).
- The staff group upgraded to a supergroup (400 with `migrate_to_chat_id`): the staff chat moves
  there, and what waited goes there in order. Nothing goes to a staff chat that its check
  (`bot.telegram.outbox.staff_chat`) has not found private, a group, and with the bot in it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message, ReplyParameters

from bot.domain.ratelimit import RateLimiter
from bot.services.outbox import OutboxService
from bot.services.ports import OutboxMessage
from bot.services.staff_chat import StaffChatUnavailableError
from bot.telegram.outbox.notifier import Outgoing, Renderer, StaffChatNotConfiguredError
from bot.telegram.outbox.staff_chat import StaffChatCheck

log = logging.getLogger(__name__)
BATCH = 50
STAFF_CHAT_WAIT = 60.0  # seconds between looks while no staff chat is configured
HOLD_LONGER_THAN = 2.0  # a chat's own wait beyond this is not slept: its message waits a round
POLL_SECONDS = 1.0
# Messages to the office's own chats (the staff group, the focal points for concerns) wait for
# a fix when Telegram refuses them; messages to a person are dropped instead.
WAITING_AUDIENCES = frozenset({"staff", "concerns"})
DAY_SECONDS = 24 * 3600.0
GLOBAL_429_CHATS = 3  # this many chats answered 429 within GLOBAL_429_WINDOW: pause everything
GLOBAL_429_WINDOW = 1.0


class OutboxWorker:
    def __init__(
        self,
        outbox: OutboxService,
        renderer: Renderer,
        bot: Bot,
        limiter: RateLimiter | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        before_round: Callable[[], Awaitable[object]] | None = None,
        is_sender: Callable[[], Awaitable[bool]] | None = None,
        on_stop: Callable[[], Awaitable[None]] | None = None,
        daily: Callable[[], Awaitable[object]] | None = None,
        staff_chat_check: StaffChatCheck | None = None,
    ) -> None:
        self._outbox = outbox
        self._renderer = renderer
        self._bot = bot
        self._limiter = limiter or RateLimiter()
        self._monotonic = monotonic
        self._sleep = sleep
        self._wake = asyncio.Event()
        self._before_round = before_round  # e.g. queue the check-ins that fell due
        self._is_sender = is_sender  # several processes: only the lease holder sends
        self._on_stop = on_stop  # e.g. give the lease back
        self._stop: asyncio.Event | None = None  # set by run_forever: a stop was asked
        self._daily = daily  # e.g. the retention purge; run by the sender, once a day
        self._daily_last: float | None = None
        self._staff_chat_check = staff_chat_check  # getChat: may the staff chat receive data?
        self._recent_429s: deque[tuple[float, int]] = deque()  # (when, chat id)

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    async def start(self) -> None:
        recovered = await self._outbox.recover()
        if recovered:
            log.warning(
                "%s outbox messages were interrupted by a stop; retrying each once", recovered
            )

    async def run_once(self) -> int:
        """Send every message due now; return how many went out."""
        sent = 0
        self._held = {}
        self._held_429: set[int] = set()  # chats held by a 429 in this round
        self._held_429_until = None
        await self._run_daily_if_due()
        if self._staff_chat_check is not None:
            await self._staff_chat_check()
        if self._before_round is not None:
            await self._before_round()
        while not self._stopping():
            batch = await self._outbox.claim(BATCH)
            if not batch:
                if await self._more_due():
                    continue
                return sent
            sent += await self._send_batch(batch)
        return sent

    async def _more_due(self) -> bool:
        """More fell due while this round was sending (check-ins come in batches), or a chat's
        429 is over and its messages are due now."""
        if self._before_round is not None and await self._before_round():
            return True
        return await self._wait_for_held_chats()

    async def _send_batch(self, batch: list[OutboxMessage]) -> int:
        sent = 0
        for index, message in enumerate(batch):
            if self._stopping():
                await self._outbox.unclaim(batch[index:])
                return sent
            try:
                outcome = await self._deliver(message)
            except Exception as error:  # one message must never strand the batch
                log.exception("outbox message %s failed: %s", message.id, type(error).__name__)
                await self._outbox.retry(message, type(error).__name__)
                continue
            if outcome == "sent":
                sent += 1
            elif outcome == "pause":
                for waiting in batch[index + 1 :]:
                    await self._outbox.postpone(waiting, self._pause_seconds, "paused (429)")
                await self._wait(self._pause_seconds)
                break  # Telegram's pause is over: claim again (postponed ones are due)
            elif outcome == "migrated":
                await self._after_migration(batch[index + 1 :])
                break  # claim again: what waited goes to the new chat, in order
        return sent

    async def run_forever(self, stop: asyncio.Event) -> None:
        self._stop = stop
        recovered = False
        while not stop.is_set():
            try:
                if self._is_sender is None or await self._is_sender():
                    if not recovered:  # only the sender may take back interrupted messages
                        await self.start()
                        recovered = True
                    if await self.run_once():
                        continue  # busy: look again at once
            except Exception:  # the worker must outlive any single failure
                log.exception("outbox worker round failed")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wait_any(stop), POLL_SECONDS)
        if self._on_stop is not None:
            await self._on_stop()

    async def _run_daily_if_due(self) -> None:
        """The daily job, at start and then every 24 hours; its failure never stops sending."""
        now = self._monotonic()
        if self._daily is None or (
            self._daily_last is not None and now - self._daily_last < DAY_SECONDS
        ):
            return
        self._daily_last = now
        try:
            await self._daily()
        except Exception as error:
            log.exception("daily job failed: %s", type(error).__name__)

    def _stopping(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    async def _wait(self, seconds: float) -> None:
        """Sleep, but wake at once for a stop (a 429 pause may last minutes)."""
        if self._stop is None:
            await self._sleep(seconds)
            return
        sleeping = asyncio.ensure_future(self._sleep(seconds))
        stopping = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait([sleeping, stopping], return_when=asyncio.FIRST_COMPLETED)
        for task in (sleeping, stopping):
            task.cancel()

    async def _wait_any(self, stop: asyncio.Event) -> None:
        _done, pending = await asyncio.wait(
            [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())],
            return_when=asyncio.FIRST_COMPLETED,
        )
        for task in pending:
            task.cancel()

    async def _deliver(self, message: OutboxMessage) -> str:  # noqa: PLR0912 - one per answer
        try:
            outgoing = await self._renderer.render(message)
        except StaffChatNotConfiguredError:
            await self._outbox.postpone(message, STAFF_CHAT_WAIT, "STAFF_CHAT_ID is not set")
            return "waiting"
        except StaffChatUnavailableError as error:  # not checked yet, or public: never sent
            await self._outbox.postpone(message, error.wait, error.reason)
            return "waiting"
        if outgoing is None:
            await self._outbox.give_up(message, "nothing to send (data erased)")
            return "dropped"
        if outgoing.chat_id in self._held:
            # An earlier message to this chat just failed: wait with it, so order is kept.
            await self._outbox.postpone(message, self._held[outgoing.chat_id], "held")
            return "held"
        now = self._monotonic()
        chat_wait = self._limiter.chat_delay(outgoing.chat_id, now)  # a 429's hold included
        if chat_wait > HOLD_LONGER_THAN or self._limiter.hold_delay(outgoing.chat_id, now):
            # This chat is at its own limit (20 a minute to a group) or held by a 429: the
            # others go on meanwhile.
            self._held[outgoing.chat_id] = chat_wait
            await self._outbox.postpone(message, chat_wait, "chat rate limit")
            return "held"
        if not await self._turn_came(message, max(chat_wait, self._limiter.overall_delay(now))):
            return "stopped"
        message = await self._outbox.sending(message)
        try:
            sent = await self._send(outgoing)
        except TelegramRetryAfter as error:
            return await self._too_many_requests(message, outgoing.chat_id, error.retry_after)
        except TelegramForbiddenError as error:
            return await self._unreachable(message, outgoing.chat_id, f"403 {error.message}")
        except TelegramMigrateToChat as error:  # the staff group became a supergroup
            return await self._migrated(message, outgoing.chat_id, error.migrate_to_chat_id)
        except (TelegramBadRequest, TelegramNotFound) as error:
            if message.audience in WAITING_AUDIENCES:  # wrong chat id or not a member: wait
                return await self._retry(message, outgoing.chat_id, f"staff chat: {error.message}")
            await self._outbox.give_up(message, f"400 {error.message}"[:80])
            return "dropped"
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as error:
            return await self._retry(message, outgoing.chat_id, type(error).__name__)
        finally:
            self._limiter.record(outgoing.chat_id, self._monotonic())
        if outgoing.on_sent is not None:
            await outgoing.on_sent(sent.message_id)
        await self._outbox.sent(message)
        return "sent"

    async def _turn_came(self, message: OutboxMessage, wait: float) -> bool:
        """Wait for the rate limits; False when a stop came first (the message, not tried,
        goes back to the queue as it was)."""
        if wait > 0:
            await self._wait(wait)
        if self._stopping():
            await self._outbox.unclaim([message])
            return False
        return True

    # -- 429: hold the chat; pause everything only on a global limit ------------------------
    async def _too_many_requests(self, message: OutboxMessage, chat_id: int, retry: float) -> str:
        seconds, now = float(retry), self._monotonic()
        await self._outbox.postpone(message, seconds, "429")
        if self._global_limit(chat_id, now):
            self._pause_seconds = seconds
            return "pause"
        self._limiter.hold(chat_id, now + seconds)
        self._held_429.add(chat_id)
        self._held_429_until = min(self._held_429_until or now + seconds, now + seconds)
        return "held"

    def _global_limit(self, chat_id: int, now: float) -> bool:
        """Several chats answered 429 within a second: Telegram limits the bot, not a chat."""
        recent = self._recent_429s
        recent.append((now, chat_id))
        while recent and recent[0][0] <= now - GLOBAL_429_WINDOW:
            recent.popleft()
        return len({chat for _when, chat in recent}) >= GLOBAL_429_CHATS

    async def _wait_for_held_chats(self) -> bool:
        """Nothing else to send: wait for the earliest chat held by a 429 in this round."""
        until, self._held_429_until = self._held_429_until, None
        if until is None:
            return False
        await self._wait(max(0.0, until - self._monotonic()))  # a stop wakes it at once
        for chat_id in self._held_429:  # their turn again, in order (the limiter says when)
            self._held.pop(chat_id, None)
        self._held_429.clear()
        return True

    async def _send(self, outgoing: Outgoing) -> Message:
        reply = (
            ReplyParameters(message_id=outgoing.reply_to, allow_sending_without_reply=True)
            if outgoing.reply_to
            else None
        )
        common = {"reply_markup": outgoing.reply_markup, "reply_parameters": reply}
        if outgoing.kind == "photo":
            return await self._bot.send_photo(
                outgoing.chat_id, outgoing.file_id, caption=outgoing.text, **common
            )
        if outgoing.kind == "voice":
            return await self._bot.send_voice(
                outgoing.chat_id, outgoing.file_id, caption=outgoing.text, **common
            )
        if outgoing.kind == "document":
            return await self._bot.send_document(
                outgoing.chat_id, outgoing.file_id, caption=outgoing.text, **common
            )
        return await self._bot.send_message(outgoing.chat_id, outgoing.text, **common)

    async def _retry(self, message: OutboxMessage, chat_id: int, error: str) -> str:
        delay = await self._outbox.retry(message, error[:80])
        if delay:
            self._held[chat_id] = delay
        return "retry"

    async def _unreachable(self, message: OutboxMessage, chat_id: int, error: str) -> str:
        if message.audience in WAITING_AUDIENCES:  # removed from the group, or a focal
            # point who has not pressed Start yet: wait
            return await self._retry(message, chat_id, error)
        await self._outbox.person_unreachable(message, error[:80])
        return "dropped"

    async def _migrated(self, message: OutboxMessage, old: int, new: int) -> str:
        if message.audience != "staff":
            await self._outbox.give_up(message, "chat migrated")  # never a person's chat
            return "dropped"
        if self._staff_chat_check is None:  # cannot follow it here: wait, never lose it
            return await self._retry(message, old, "staff chat migrated")
        await self._outbox.postpone(message, 0, "staff chat migrated")
        await self._staff_chat_check.staff_chat.migrated(old, new)
        return "migrated"

    async def _after_migration(self, rest: list[OutboxMessage]) -> None:
        for waiting in rest:
            await self._outbox.postpone(waiting, 0, "staff chat migrated")
        await self._staff_chat_check.staff_chat.release_waiting()  # type: ignore[union-attr]
        await self._staff_chat_check(force=True)  # type: ignore[misc]

    _pause_seconds: float = 0.0
    _held_429_until: float | None = None
    _held: dict[int, float]
