"""What nobody else handled: unknown commands, stray messages, buttons that no longer work."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.i18n import Translator
from bot.telegram.filters import PrivateChat
from dialogs.states import MenuSG
from dialogs.widgets import unexpected_input_hint


def create_fallback_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())

    @router.message()
    async def stray_message(message: Message, dialog_manager: DialogManager, t: Translator) -> None:
        if message.text and message.text.startswith("/"):
            await message.answer(t.gettext("I do not know this command. Here is the menu."))
        else:
            await message.answer(unexpected_input_hint(t, message))
        await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.callback_query()
    async def stale_button(
        callback: CallbackQuery, dialog_manager: DialogManager, t: Translator
    ) -> None:
        await callback.answer(t.gettext("This button no longer works. Here is the menu."))
        await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    return router
