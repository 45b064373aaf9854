"""What nobody else handled: unknown commands, stray messages, buttons that no longer work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.utils import CB_SEP

from bot.i18n import Translator
from bot.telegram.entry.filters import PrivateChat
from dialogs.states import MenuSG
from dialogs.widgets import answer_unexpected

STALE_INTENT = "stale"


def create_fallback_router() -> Router:
    router = Router(name="fallback")
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())

    @router.message()
    async def stray_message(message: Message, dialog_manager: DialogManager, t: Translator) -> None:
        if message.text and message.text.startswith("/"):
            await message.answer(t.gettext("I do not know this command. Here is the menu."))
        else:
            await answer_unexpected(message, t)
        await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.callback_query()
    async def stale_button(
        callback: CallbackQuery, t: Translator, dialog_manager: DialogManager | None = None
    ) -> None:
        await callback.answer(t.gettext("This button no longer works. Here is the menu."))
        if dialog_manager is not None:  # absent when the button is on someone else's message
            await dialog_manager.start(
                MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
            )

    return router


class ForeignCallbackGuard(BaseMiddleware):
    """Callback data no button of ours could have produced (a tampered client, a bot of another
    version) is treated as an old button: it goes through the dialogs as an unknown intent,
    so the person gets the polite restart instead of a silent no-op."""

    def __init__(self, own_prefixes: tuple[str, ...] = ()) -> None:
        self._own_prefixes = own_prefixes

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, CallbackQuery) and _someone_elses_private_chat(event):
            # Telegram never sends this; a forged update must not move another person's chat.
            t: Translator = data["t"]
            await event.answer(t.gettext("This button no longer works. Here is the menu."))
            return None
        if isinstance(event, CallbackQuery) and not self._is_ours(event.data or ""):
            event = event.model_copy(update={"data": f"{STALE_INTENT}{CB_SEP}{event.data or ''}"})
        return await handler(event, data)

    def _is_ours(self, data: str) -> bool:
        return CB_SEP in data or data.startswith(tuple(p + ":" for p in self._own_prefixes))


def _someone_elses_private_chat(callback: CallbackQuery) -> bool:
    message = callback.message
    return (
        message is not None
        and message.chat.type == "private"
        and message.chat.id != callback.from_user.id
    )
