"""What the protection channels look like: urgent alerts in the staff group (marked urgent,
with a button to take them), the person told when someone took theirs, and concerns in the
focal points' chats only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.conversations import TEXT_MAX
from bot.i18n import Translator, native_language_name
from bot.labels import CONCERN_CATEGORIES
from bot.services.ports import OutboxMessage
from bot.telegram.staff_view import CaseAction
from dialogs.widgets import esc

if TYPE_CHECKING:
    from bot.app import App
    from bot.telegram.notifier import Outgoing

URGENT_STAFF_KINDS = frozenset({"urgent_alert", "urgent_repeat"})
URGENT_PERSON_KINDS = frozenset({"urgent_taken"})
CONCERN_KINDS = frozenset({"concern"})


class UrgentAction(CallbackData, prefix="urg"):
    """ "I take care of it" on an urgent alert; checked against STAFF_USER_IDS on every press."""

    action: str  # take
    id: int


class ProtectionRenderer:
    def __init__(self, app: App) -> None:
        self._app = app

    async def urgent_to_staff(
        self, message: OutboxMessage, chat_id: int, t: Translator
    ) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        alert_id = int(message.payload["id"])
        async with self._app.uow(read_only=True) as uow:
            alert = await uow.alerts.get(alert_id)
            if alert is None or alert.user_id is None:
                return None  # erased meanwhile
            if message.kind == "urgent_repeat" and alert.taken_at is not None:
                return None  # someone took it: no repeat
            conversation = (
                await uow.conversations.get(alert.conversation_id)
                if alert.conversation_id
                else None
            )
            registration = (
                await uow.registrations.by_reference(conversation.reference)
                if conversation and conversation.reference
                else None
            )
        who = (conversation.reference or f"#{conversation.handle}") if conversation else "?"
        office = next((o for o in self._app.offices if o.id == alert.office_id), None)
        place = f"{t.country(office.country)} – {office.city}" if office else alert.office_id
        title = (
            t.gettext("🚨 <b>URGENT</b>: {who} says they are in danger and need help now.", who=who)
            if message.kind == "urgent_alert"
            else t.gettext(
                "🚨 <b>URGENT, AGAIN</b>: nobody has taken the alert of {who} since {time}.",
                who=who,
                time=t.time(alert.created_at, office.tz if office else alert.created_at.tzinfo),
            )
        )
        lines = (
            title,
            t.gettext("Language: {language}", language=native_language_name(alert.locale)),
            t.gettext("Office: {office}", office=esc(place)),
            t.gettext(
                "Reply to this message to answer the person. "
                "Press the button when you take care of it."
            ),
        )
        row = [
            InlineKeyboardButton(
                text=t.gettext("🙋 I take care of it"),
                callback_data=UrgentAction(action="take", id=alert_id).pack(),
            )
        ]
        if registration is not None:
            row.append(
                InlineKeyboardButton(
                    text=t.gettext("📂 Open case"),
                    callback_data=CaseAction(action="open", id=registration.id).pack(),
                )
            )
        repeat = message.kind == "urgent_repeat"
        return Outgoing(
            chat_id,
            "\n".join(lines),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[row]),
            on_sent=lambda message_id: self._remember(alert_id, message_id, repeat),
        )

    async def urgent_to_person(self, message: OutboxMessage) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        async with self._app.uow(read_only=True) as uow:
            alert = await uow.alerts.get(int(message.payload["id"]))
        if alert is None or alert.user_id is None or alert.user_id != message.user_id:
            return None
        t = self._app.catalogs[alert.locale]
        return Outgoing(
            alert.user_id,
            t.gettext(
                "👀 A staff member has seen your alert. They will write to you here, in this chat."
            ),
        )

    async def concern(self, message: OutboxMessage) -> Outgoing | None:
        """To one focal point or their chat, only if it is still configured as such."""
        from bot.telegram.notifier import Outgoing

        chat_id = int(message.payload["chat_id"])
        if not self._app.concerns.reaches(chat_id):
            return None  # the configuration changed: never to a chat no longer trusted
        async with self._app.uow(read_only=True) as uow:
            concern = await uow.concerns.get(int(message.payload["id"]))
        if concern is None:
            return None  # erased by the person meanwhile
        t = self._app.catalogs[self._app.settings.DEFAULT_LOCALE]
        registration = (
            t.gettext("Registration: {reference}", reference=concern.registration)
            if concern.registration
            else t.gettext("The person chose not to give their registration number.")
        )
        header = "\n".join(
            (
                t.gettext(
                    "🔒 <b>Confidential concern {reference}</b>", reference=concern.reference
                ),
                t.gettext("About: {category}", category=t(CONCERN_CATEGORIES[concern.category])),
                t.gettext("Language: {language}", language=native_language_name(concern.locale)),
                registration,
            )
        )
        if concern.file_id:
            return Outgoing(chat_id, header, kind="voice", file_id=concern.file_id)
        body = esc((concern.text or "")[:TEXT_MAX])
        return Outgoing(chat_id, f"{header}\n\n{body}" if body else header)

    async def _remember(self, alert_id: int, message_id: int, repeat: bool) -> None:
        async with self._app.uow() as uow:
            await uow.alerts.set_message(alert_id, message_id, repeat=repeat)
            await uow.commit()
