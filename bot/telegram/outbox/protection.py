"""What the protection channels look like: urgent alerts in the staff group (marked urgent,
with a button to take them), the person told when someone took theirs, and concerns in the
focal points' chats only."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton

from bot.domain.conversations import TEXT_MAX
from bot.domain.notices import NoticeKind
from bot.i18n import native_language_name
from bot.presentation.labels import CONCERN_CATEGORIES
from bot.telegram.outbox.outgoing import Outgoing, Rendering, renders
from bot.telegram.staff.case_view import with_open_case
from dialogs.widgets import esc


class UrgentAction(CallbackData, prefix="urg"):
    """ "I take care of it" on an urgent alert; checked against STAFF_USER_IDS on every press."""

    action: str  # take
    id: int


@renders(NoticeKind.URGENT_ALERT, NoticeKind.URGENT_REPEAT)
def urgent_to_staff(r: Rendering) -> Outgoing | None:
    alert, conversation, t = r.data.alert, r.data.conversation, r.t
    if alert is None or alert.user_id is None:
        return None  # erased meanwhile
    repeat = r.kind is NoticeKind.URGENT_REPEAT
    if repeat and alert.taken_at is not None:
        return None  # someone took it: no repeat
    who = (conversation.reference or f"#{conversation.handle}") if conversation else "?"
    office = r.office(alert.office_id)
    place = f"{t.country(office.country)} – {office.city}" if office else alert.office_id
    title = (
        t.gettext(
            "🚨 <b>URGENT, AGAIN</b>: nobody has taken the alert of {who} since {time}.",
            who=who,
            time=t.time(alert.created_at, office.tz if office else alert.created_at.tzinfo),
        )
        if repeat
        else t.gettext(
            "🚨 <b>URGENT</b>: {who} says they are in danger and need help now.", who=who
        )
    )
    lines = (
        title,
        t.gettext("Language: {language}", language=native_language_name(alert.locale)),
        t.gettext("Office: {office}", office=esc(place)),
        t.gettext(
            "Reply to this message to answer the person. Press the button when you take care of it."
        ),
    )
    take = InlineKeyboardButton(
        text=t.gettext("🙋 I take care of it"),
        callback_data=UrgentAction(action="take", id=alert.id).pack(),
    )
    return Outgoing(r.chat_id, "\n".join(lines), with_open_case(take, r.data.case_id, t))


@renders(NoticeKind.URGENT_TAKEN)
def urgent_taken(r: Rendering) -> Outgoing | None:
    alert = r.data.alert
    if alert is None or alert.user_id is None or alert.user_id != r.chat_id:
        return None
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "👀 A staff member has seen your alert. They will write to you here, in this chat."
        ),
    )


@renders(NoticeKind.CONCERN)
def concern(r: Rendering) -> Outgoing | None:
    """To one focal point or their chat (still configured as such: the service checked)."""
    concern, t = r.data.concern, r.t
    assert concern is not None
    registration = (
        t.gettext("Registration: {reference}", reference=concern.registration)
        if concern.registration
        else t.gettext("The person chose not to give their registration number.")
    )
    header = "\n".join(
        (
            t.gettext("🔒 <b>Confidential concern {reference}</b>", reference=concern.reference),
            t.gettext("About: {category}", category=t(CONCERN_CATEGORIES[concern.category])),
            t.gettext("Language: {language}", language=native_language_name(concern.locale)),
            registration,
        )
    )
    if concern.file_id:
        return Outgoing(r.chat_id, header, kind="voice", file_id=concern.file_id)
    body = esc((concern.text or "")[:TEXT_MAX])
    return Outgoing(r.chat_id, f"{header}\n\n{body}" if body else header)
