"""Check-in messages: the invitation and its reminder (to the returnee, in their language), and
alerts and notices to staff (reference and reason only, never the answers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.checkins import CheckinStatus
from bot.i18n import Translator
from bot.services.ports import OutboxMessage
from bot.telegram.person_locale import person_translator
from bot.telegram.staff_view import CaseAction
from dialogs.checkin.texts import ALERT_TEXTS

if TYPE_CHECKING:
    from bot.app import App
    from bot.telegram.notifier import Outgoing

CHECKIN_PERSON_KINDS = frozenset({"checkin", "checkin_reminder"})
CHECKIN_STAFF_KINDS = frozenset({"checkin_alert", "checkins_stopped", "person_unreachable"})


class OpenCheckin(CallbackData, prefix="ci"):
    """ "Answer now" under an invitation; the presser must be the one it was sent to."""

    id: int


class CheckinRenderer:
    def __init__(self, app: App) -> None:
        self._app = app

    async def to_person(self, message: OutboxMessage) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        async with self._app.uow(read_only=True) as uow:
            checkin = await uow.checkins.get(int(message.payload["checkin_id"]))
            registration = await uow.registrations.get(checkin.registration_id) if checkin else None
        if checkin is None or registration is None or checkin.user_id != message.user_id:
            return None
        if checkin.status is not CheckinStatus.SENT:
            return None  # answered, missed or stopped meanwhile
        t = await person_translator(self._app, message.user_id, registration.draft.contact_locale)
        if message.kind == "checkin":
            text = t.ngettext(
                "Hello! It has been {n} month since your return. Would you answer a few "
                "questions? It takes two minutes and helps the programme support you.",
                "Hello! It has been {n} months since your return. Would you answer a few "
                "questions? It takes two minutes and helps the programme support you.",
                checkin.months,
            )
        else:
            text = t.gettext("A reminder: your check-in is still waiting for your answers.")
        button = InlineKeyboardButton(
            text=t.gettext("📝 Answer now"), callback_data=OpenCheckin(id=checkin.id).pack()
        )
        later = t.gettext("You can also answer later from the menu, or stop check-ins there.")
        return Outgoing(
            message.user_id,  # type: ignore[arg-type]
            f"{text}\n\n{later}",
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
        )

    async def to_staff(
        self, message: OutboxMessage, chat_id: int, t: Translator
    ) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        async with self._app.uow(read_only=True) as uow:
            if message.kind == "checkin_alert":
                checkin = await uow.checkins.get(int(message.payload["checkin_id"]))
                registration_id = checkin.registration_id if checkin else None
            else:
                checkin, registration_id = None, int(message.payload["registration_id"])
            registration = await uow.registrations.get(registration_id) if registration_id else None
        if registration is None:
            return None
        reference = registration.reference
        if message.kind == "checkin_alert" and checkin is not None:
            reasons = ", ".join(t(ALERT_TEXTS[a]) for a in checkin.alerts if a in ALERT_TEXTS)
            text = t.gettext("🚨 {reference} {reasons}.", reference=reference, reasons=reasons)
            open_case = InlineKeyboardButton(
                text=t.gettext("📂 Open case"),
                callback_data=CaseAction(action="open", id=registration.id).pack(),
            )
            return Outgoing(chat_id, text, InlineKeyboardMarkup(inline_keyboard=[[open_case]]))
        if message.kind == "checkins_stopped":
            return Outgoing(
                chat_id, t.gettext("🔕 {reference} stopped their check-ins.", reference=reference)
            )
        return Outgoing(
            chat_id,
            t.gettext(
                "🔕 {reference} cannot be reached (they blocked the bot): check-ins stopped.",
                reference=reference,
            ),
        )
