"""Telegram's sending limits as a pure calculation: how long to wait before the next message.

About 1 message a second per chat, 20 a minute per group, and about 30 a second overall.
The caller passes the time; nothing here sleeps.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class SendLimits:
    overall_per_second: float = 25.0
    per_chat_seconds: float = 1.0
    group_per_minute: int = 20


@dataclass
class RateLimiter:
    limits: SendLimits = field(default_factory=SendLimits)

    def __post_init__(self) -> None:
        self._held_until: dict[int, float] = {}  # chats Telegram answered 429
        self._last_by_chat: dict[int, float] = {}
        self._group_window: dict[int, deque[float]] = {}
        self._overall: deque[float] = deque()

    def delay(self, chat_id: int, now: float) -> float:
        """Seconds to wait before a message to `chat_id` may go (0 when it may go now)."""
        return max(self.chat_delay(chat_id, now), self.overall_delay(now))

    def chat_delay(self, chat_id: int, now: float) -> float:
        """The wait that only this chat imposes (1 a second; 20 a minute for a group; a 429)."""
        waits = [self.hold_delay(chat_id, now)]
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            waits.append(last + self.limits.per_chat_seconds - now)
        if chat_id < 0:  # groups and supergroups have negative ids
            window = self._window(self._group_window.setdefault(chat_id, deque()), now, 60.0)
            if len(window) >= self.limits.group_per_minute:
                waits.append(window[0] + 60.0 - now)
        return max(waits)

    def hold(self, chat_id: int, until: float) -> None:
        """Telegram said 429 for this chat: nothing more to it before `until`."""
        self._held_until[chat_id] = max(until, self._held_until.get(chat_id, until))

    def hold_delay(self, chat_id: int, now: float) -> float:
        """How long this chat is still held by a 429 (0 when it is not)."""
        until = self._held_until.get(chat_id)
        if until is None:
            return 0.0
        if until <= now:
            del self._held_until[chat_id]
            return 0.0
        return until - now

    def overall_delay(self, now: float) -> float:
        overall = self._window(self._overall, now, 1.0)
        if len(overall) >= self.limits.overall_per_second:
            return overall[0] + 1.0 - now
        return 0.0

    def record(self, chat_id: int, now: float) -> None:
        self._last_by_chat[chat_id] = now
        if chat_id < 0:
            self._group_window.setdefault(chat_id, deque()).append(now)
        self._overall.append(now)

    @staticmethod
    def _window(times: deque[float], now: float, span: float) -> deque[float]:
        while times and times[0] <= now - span:
            times.popleft()
        return times
