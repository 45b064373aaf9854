"""aiogram-dialog's `MessageInput`, with its content-type check made a coroutine.

aiogram runs a filter that is a plain function (aiogram-dialog's `F.content_type.in_(...)` is
one) on a worker thread: a hand-over to a thread and back for every typed message, costing far
more than the check itself. The check is the same; only where it runs changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from aiogram.dispatcher.event.handler import FilterObject
from aiogram.enums import ContentType
from aiogram.filters import BaseFilter
from aiogram.types import Message
from aiogram_dialog.widgets.input import MessageInput as DialogMessageInput
from aiogram_dialog.widgets.input.base import MessageHandlerFunc
from aiogram_dialog.widgets.widget_event import WidgetEventProcessor


class ContentTypeIs(BaseFilter):
    def __init__(self, content_types: Sequence[str] | str) -> None:
        kinds = [content_types] if isinstance(content_types, str) else content_types
        self._types = frozenset(kinds)

    async def __call__(self, message: Message) -> bool:
        return message.content_type in self._types


class MessageInput(DialogMessageInput):
    def __init__(
        self,
        func: MessageHandlerFunc | WidgetEventProcessor | None,
        content_types: Sequence[str] | str = ContentType.ANY,
        filter: Callable[..., Any] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(func, ContentType.ANY, filter, id)
        everything = content_types == ContentType.ANY or ContentType.ANY in content_types
        if not everything:
            self.filters.insert(0, FilterObject(ContentTypeIs(content_types)))
