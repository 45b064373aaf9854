"""Staff side of "I am in danger": the "I take care of it" button on an urgent alert."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.i18n import Translator
from bot.services.protection import Take, UrgentService
from bot.telegram.outbox.protection import UrgentAction


def create_protection_router() -> Router:
    router = Router(name="protection")

    @router.callback_query(UrgentAction.filter())
    async def take(
        callback: CallbackQuery, callback_data: UrgentAction, urgent: UrgentService,
        settings: Settings, t: Translator,
    ) -> None:  # fmt: skip
        if callback_data.action != "take" or not settings.is_staff(callback.from_user.id):
            await callback.answer(t.gettext("Only office staff can do this."), show_alert=True)
            return
        result = await urgent.take(callback.from_user.id, callback_data.id)
        if result is Take.TAKEN:
            await callback.answer(t.gettext("Taken. The person is told that someone saw it."))
            if isinstance(callback.message, Message):
                await callback.message.edit_reply_markup(reply_markup=None)
                await callback.message.reply(t.gettext("✅ A staff member took this alert."))
        elif result is Take.ALREADY:
            await callback.answer(
                t.gettext("Another staff member already took this alert."), show_alert=True
            )
        else:
            await callback.answer(t.gettext("There is no such alert."), show_alert=True)

    return router
