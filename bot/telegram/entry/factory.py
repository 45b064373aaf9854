"""Build the dispatcher and the bot. Tests build a fresh pair per test from the same code."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramRetryAfter
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    GetUpdates,
    Response,
    SendDocument,
    SendMessage,
    SetMyCommands,
)
from aiogram_dialog import setup_dialogs

from bot.app import App
from bot.telegram.entry.callbacks import OneAnswerPerCallback, answer_every_callback
from bot.telegram.entry.commands import MyDataAction, create_commands_router
from bot.telegram.entry.dialog_router import DialogsByIntent
from bot.telegram.entry.errors import register_error_handlers
from bot.telegram.entry.fallback import ForeignCallbackGuard, create_fallback_router
from bot.telegram.entry.filters import ButtonOf, CommandOrGroup
from bot.telegram.entry.intent_ids import use_unique_intent_ids
from bot.telegram.entry.membership import create_membership_router
from bot.telegram.entry.message_manager import ReplyKeyboardClosingManager
from bot.telegram.entry.middlewares import DialogStateBatch, PersonContextMiddleware
from bot.telegram.entry.reply_pace import (
    ChatPacer,
    ReplyContext,
    ReplyDeferredError,
    on_flood_limit,
)
from bot.telegram.entry.services import hand_services_to_handlers
from bot.telegram.outbox.announcements import StopAnnouncements
from bot.telegram.outbox.booking import BookStart
from bot.telegram.outbox.checkins import OpenCheckin
from bot.telegram.outbox.conversations import ConversationAction
from bot.telegram.outbox.notifier import Renderer
from bot.telegram.outbox.protection import UrgentAction
from bot.telegram.outbox.staff_chat import StaffChatCheck
from bot.telegram.outbox.worker import OutboxWorker
from bot.telegram.staff.case_view import CaseAction
from bot.telegram.staff.cases import RefusedStaffCommands, create_staff_router
from bot.telegram.staff.conversations import create_relay_router
from bot.telegram.staff.recordings import create_recording_router
from bot.telegram.staff.urgent import create_protection_router
from dialogs import create_dialogs
from dialogs.conversations.ack import BurstAck
from dialogs.widgets import OpenTalk
from storage.fsm import SqlStorage
from storage.locks import LocalPersonLock, SenderLease
from storage.repositories.users import PersonOnLoop

# pydantic caches `Response[T]` weakly: without a strong reference, aiogram's session rebuilds
# the type on every call (about 2 ms). Keep the ones every update uses alive.
_PINNED_RESPONSE_TYPES = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        SendMessage, EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery,
        DeleteMessage, SendDocument, GetUpdates, GetMe, SetMyCommands,
    )
)  # fmt: skip

# A syntactically valid token for the in-process Bot API (it never leaves the process).
# The buttons handled outside the dialogs: their callback data starts with one of these.
BUTTON_PREFIXES = (
    CaseAction.__prefix__,
    ConversationAction.__prefix__,
    BookStart.__prefix__,
    StopAnnouncements.__prefix__,
    OpenCheckin.__prefix__,
    UrgentAction.__prefix__,
    OpenTalk.__prefix__,
    MyDataAction.__prefix__,
)
LOCAL_TOKEN = "4242424242:LOCAL-terminal-chat-token-not-secret"


def build_dispatcher(
    app: App,
    events_isolation: BaseEventIsolation | None = None,
    dialogs: Sequence[Router] | None = None,
    burst_ack: BurstAck | None = None,
) -> Dispatcher:
    """The whole bot as one dispatcher. `dialogs` lets a caller that builds many dispatchers
    (the tests) reuse one set of Dialog objects: they hold no state of their own, and building
    them is most of this function's cost (aiogram inspects the signature of every handler).
    `burst_ack`: the acknowledgement of messages to the office, on a test's clock."""
    use_unique_intent_ids()
    storage = SqlStorage(
        app.session_factory,
        app.read_session_factory,
        cipher=app.cipher,
        gate=app.write_gate,
        cache=app.single_process,  # one process is the only writer
        cache_size=app.people_in_memory,  # people, each with all of their keys
        engine=app.engine,
        loop=app.loop_db,
    )
    services = {
        **app.dependencies(),
        "erase_dialog_state": storage.delete_user,
        # One acknowledgement per burst of messages to the office.
        "burst_ack": burst_ack or BurstAck(),
    }
    dp = Dispatcher(
        storage=storage,
        # One update at a time per person: dialog state is read, changed and written back.
        events_isolation=events_isolation or LocalPersonLock(),
    )
    app.retention.after_erase = storage.delete_user  # a purged person's cached dialog too
    # An update's writes in one transaction: its dialog state, the person's own row (SQLite,
    # one process), and whatever a unit of work of the update commits (storage/uow.py).
    app.uow.update_writes = storage
    storage.forget_people = app.users.forget
    if app.loop_db is not None:
        app.users.on_update = PersonOnLoop(app.loop_db, storage.defer)
    # The batch first: the person's row, written as they are seen, belongs to it.
    dp.update.outer_middleware(DialogStateBatch(storage.batch))
    dp.update.outer_middleware(
        PersonContextMiddleware(app.settings, app.catalogs, app.users, app.staff_chat)
    )
    dp.message.outer_middleware(RefusedStaffCommands(app.audit))
    dp.callback_query.outer_middleware(ForeignCallbackGuard(own_prefixes=BUTTON_PREFIXES))
    # Commands and the buttons made with a prefix; a dialog's button press skips them all at once.
    prefixed = Router(name="commands-and-prefixed-buttons")
    prefixed.callback_query.filter(ButtonOf(BUTTON_PREFIXES))
    prefixed.message.filter(CommandOrGroup())  # a typed answer skips them all at once
    prefixed.include_routers(
        create_membership_router(),
        create_commands_router(),
        create_staff_router(),
        create_relay_router(app.staff_chat),
        create_protection_router(),
        create_recording_router(),
    )
    dp.include_router(prefixed)
    dp.include_router(DialogsByIntent(create_dialogs() if dialogs is None else dialogs))
    dp.include_router(create_fallback_router())
    dp.update.outer_middleware(ReplyContext(app))
    # A flood limit is never answered with an apology (registered before the catch-all).
    dp.errors.register(on_flood_limit, ExceptionTypeFilter(ReplyDeferredError, TelegramRetryAfter))
    register_error_handlers(dp)
    # aiogram-dialog locks a person's dialog stack too: in this process, with a lock of its own
    # (its default keeps one for every person ever seen).
    setup_dialogs(
        dp, message_manager=ReplyKeyboardClosingManager(), events_isolation=LocalPersonLock()
    )
    hand_services_to_handlers(dp, services)  # services reach handlers only
    answer_every_callback(dp)
    return dp


def create_worker(
    app: App,
    bot: Bot,
    *,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> OutboxWorker:
    """The outbox worker as the bot runs it; `monotonic` and `sleep` are its pace (real time,
    or a test's virtual time)."""
    lease = SenderLease(app.engine)
    return OutboxWorker(
        app.outbox,
        Renderer(app),
        bot,
        monotonic=monotonic,
        sleep=sleep,
        before_round=app.checkins.dispatch,
        is_sender=lease.held,
        on_stop=lease.release,
        daily=app.retention.purge,
        staff_chat_check=StaffChatCheck(bot, app.staff_chat, monotonic, sleep),
    )


def create_bot(token: str, session: BaseSession, pacer: ChatPacer | None = None) -> Bot:
    """`pacer`: replies at Telegram's pace (one a second per chat); without one, only 429s are
    honoured (benchmarks)."""
    session.middleware(OneAnswerPerCallback())
    session.middleware(pacer or ChatPacer(per_chat_seconds=0.0))
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def create_telegram_session(api_url: str) -> AiohttpSession:
    return AiohttpSession(api=TelegramAPIServer.from_base(api_url))
