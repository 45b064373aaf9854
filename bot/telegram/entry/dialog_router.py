"""The dialogs, each reached directly instead of one after another.

aiogram-dialog puts an `IntentFilter` on every observer of every `Dialog` router: a dialog
handles a button or a message only when the person's current dialog context belongs to its
states group. Asked in turn, sixteen dialogs cost sixteen router visits for a press of the last
one. This container asks only the dialog whose group the context names; an event with no
context (no open dialog) is one that no dialog would have taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject
from aiogram_dialog import Dialog
from aiogram_dialog.api.internal import CONTEXT_KEY

# The observers of a Dialog router: each has the IntentFilter and nothing else reaches them.
_ROUTED = frozenset({"callback_query", "message", "business_message"})


class DialogsByIntent(Router):
    def __init__(self, dialogs: Sequence[Router]) -> None:
        super().__init__(name="dialogs")
        self.include_routers(*dialogs)
        self._by_group = {d.states_group(): d for d in dialogs if isinstance(d, Dialog)}
        self._others = [d for d in dialogs if not isinstance(d, Dialog)]

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        if update_type not in _ROUTED or self._others:
            return await super().propagate_event(update_type, event, **kwargs)
        context = kwargs.get(CONTEXT_KEY)
        dialog = self._by_group.get(context.state.group) if context is not None else None
        if dialog is None:
            return UNHANDLED
        kwargs.update(event_router=self)
        return await dialog.propagate_event(update_type=update_type, event=event, **kwargs)
