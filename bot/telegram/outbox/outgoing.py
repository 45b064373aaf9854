"""What a notice becomes in Telegram, and the registry of render functions, one per kind.

A render function is pure: it reads the `Rendering` it is given (the notice's data, read by
bot.services.notices, and the reader's translator) and returns the message, or None when nothing
of it may be sent. It opens no session and writes nothing; `@renders(kind)` registers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.domain.notices import NoticeKind
from bot.domain.offices import Office
from bot.i18n import Translator
from bot.services.notices import NoticeData


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message. `kind` is text, photo, voice or document (then `text` is the
    caption); `on_sent` learns the id Telegram gave it (to map staff replies back)."""

    chat_id: int
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    kind: str = "text"
    file_id: str | None = None
    reply_to: int | None = None
    on_sent: Callable[[int], Awaitable[None]] | None = None


@dataclass(frozen=True, slots=True)
class Rendering:
    """A notice about to be sent: to `chat_id`, in `t` (the reader's language)."""

    kind: NoticeKind
    payload: Mapping[str, Any]
    data: NoticeData
    chat_id: int
    t: Translator
    offices: tuple[Office, ...]

    def office(self, office_id: str | None) -> Office | None:
        return next((o for o in self.offices if o.id == office_id), None)


Render = Callable[[Rendering], "Outgoing | None"]
RENDERERS: dict[NoticeKind, Render] = {}


def renders(*kinds: NoticeKind) -> Callable[[Render], Render]:
    def register(function: Render) -> Render:
        for kind in kinds:
            if kind in RENDERERS:
                raise ValueError(f"{kind} already has a renderer")
            RENDERERS[kind] = function
        return function

    return register
