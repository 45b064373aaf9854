"""Handing the dialog state to the storage before the handler ends."""

from __future__ import annotations

from aiogram_dialog import DialogManager
from aiogram_dialog.api.internal import STORAGE_KEY


async def keep_dialog_state(manager: DialogManager) -> None:
    """Save the dialog's context and stack as they are now (the screen about to be shown).

    aiogram-dialog saves them itself once the handler has drawn the screen. Saved now, inside
    a unit of work that has not committed yet, they are written in its transaction
    (storage/uow.py): the write and the screen that reports it are one transaction, and
    aiogram-dialog's own save afterwards finds nothing changed.
    """
    proxy = manager.middleware_data[STORAGE_KEY]
    await proxy.save_context(manager.current_context())
    await proxy.save_stack(manager.current_stack())
