"""Global error handlers: a polite restart for old buttons, an apology for anything else."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, ReplyKeyboardRemove, TelegramObject
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState

from bot.i18n import Translator
from bot.services.audit import AuditService
from bot.services.staff_policy import NotStaffError
from dialogs.states import MenuSG

log = logging.getLogger(__name__)


async def on_outdated_dialog(
    event: ErrorEvent, dialog_manager: DialogManager, t: Translator | None = None
) -> None:
    """A button of a dialog that no longer exists (old message, reset stack, new version)."""
    log.info("restarting the menu after %s", type(event.exception).__name__)
    notice = t.gettext("This button no longer works. Here is the menu.") if t else None
    if event.update.callback_query:
        await _answer_quietly(event, notice)
    await _restart(dialog_manager)


async def on_not_staff(
    event: ErrorEvent, audit: AuditService | None = None, t: Translator | None = None
) -> None:
    """A service refused a staff action (STAFF_USER_IDS): recorded, answered, nothing done.
    The adapter's own checks (filters, middleware) refuse first; this is the last line."""
    refused = event.exception
    assert isinstance(refused, NotStaffError)
    log.info("refused a staff action: %s", refused.what)
    if refused.user_id is not None and audit is not None:
        await audit.refused(refused.user_id, refused.what)
    notice = t.gettext("Only office staff can do this.") if t else None
    if event.update.callback_query:
        with contextlib.suppress(TelegramAPIError):
            await event.update.callback_query.answer(notice, show_alert=True)
    elif event.update.message and notice:
        with contextlib.suppress(TelegramAPIError):
            await event.update.message.answer(notice)


async def on_unexpected_error(
    event: ErrorEvent, dialog_manager: DialogManager, bot: Bot, t: Translator | None = None
) -> None:
    # The exception type and the update id only: never the update, which holds what people wrote.
    log.error(
        "unexpected %s while handling update %s",
        type(event.exception).__name__,
        event.update.update_id,
        exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
    )
    if t is None:
        return
    apology = t.gettext("Sorry, something went wrong on our side. Here is the menu.")
    if event.update.callback_query:
        await _answer_quietly(event, None)
    chat_id = _private_chat_id(event)
    if chat_id is None:
        return
    try:
        await bot.send_message(chat_id, apology)
        await _restart(dialog_manager)
    except Exception:  # the apology must never raise in turn
        log.exception("could not send the apology for update %s", event.update.update_id)


def _private_chat_id(event: ErrorEvent) -> int | None:
    update = event.update
    message = update.message or (update.callback_query.message if update.callback_query else None)
    if message is None or message.chat.type != "private":
        return None
    return message.chat.id


async def _answer_quietly(event: ErrorEvent, text: str | None) -> None:
    with contextlib.suppress(TelegramAPIError):  # too old, or Telegram failing: nothing to do
        await event.update.callback_query.answer(text)  # type: ignore[union-attr]


async def _restart(dialog_manager: DialogManager) -> None:
    # A reply keyboard (the phone step's) stays on the phone until a message removes it. An
    # old button pressed meanwhile: aiogram-dialog looks at the pressed message, which had
    # none, so the keyboard would stay under the menu. Removed here, as the dialogs do.
    stack = dialog_manager.current_stack()
    chat = dialog_manager.middleware_data.get("event_chat")
    if stack is not None and stack.last_reply_keyboard and chat is not None:
        with contextlib.suppress(TelegramAPIError):
            await dialog_manager.middleware_data["bot"].send_message(
                chat.id, "...", reply_markup=ReplyKeyboardRemove()
            )
        stack.last_reply_keyboard = False
    await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


class ErrorPathGuard(BaseMiddleware):
    """The database gone (a dropped connection): aiogram-dialog's error middleware cannot load
    the person's dialog either, and the error path itself fails. Then: log it, and send the
    apology without touching the dialog (the menu comes back at the next message)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception as failure:
            if not isinstance(event, ErrorEvent):
                raise
            log.error(
                "error handling failed too (%s after %s) for update %s",
                type(failure).__name__,
                type(event.exception).__name__,
                event.update.update_id,
            )
            t: Translator | None = data.get("t")
            chat_id = _private_chat_id(event)
            if t is None or chat_id is None:
                return None
            if event.update.callback_query:
                await _answer_quietly(event, None)
            with contextlib.suppress(TelegramAPIError):
                await data["bot"].send_message(
                    chat_id, t.gettext("Sorry, something went wrong on our side. Please try again.")
                )
            return None


def register_error_handlers(dp: Dispatcher) -> None:
    dp.errors.outer_middleware(ErrorPathGuard())  # outside aiogram-dialog's (setup_dialogs)
    dp.errors.register(
        on_outdated_dialog, ExceptionTypeFilter(UnknownIntent, UnknownState, OutdatedIntent)
    )
    dp.errors.register(on_not_staff, ExceptionTypeFilter(NotStaffError))
    dp.errors.register(on_unexpected_error)
