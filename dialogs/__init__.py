"""aiogram-dialog dialogs. `create_dialogs()` builds fresh Dialog objects for one dispatcher."""

from __future__ import annotations

from aiogram_dialog import Dialog


def create_dialogs() -> list[Dialog]:
    from dialogs.language.dialog import create_language_dialog
    from dialogs.menu.dialog import create_menu_dialog

    return [create_menu_dialog(), create_language_dialog()]
