"""Check-in messages: the invitation and its reminder (to the returnee, in their language), and
alerts and notices to staff (reference and reason only, never the answers)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.checkins import CheckinStatus
from bot.domain.notices import NoticeKind
from bot.presentation.labels import ALERT_TEXTS
from bot.telegram.outbox.outgoing import Outgoing, Rendering, renders
from bot.telegram.staff.case_view import open_case_button


class OpenCheckin(CallbackData, prefix="ci"):
    """ "Answer now" under an invitation; the presser must be the one it was sent to."""

    id: int


@renders(NoticeKind.CHECKIN, NoticeKind.CHECKIN_REMINDER)
def invitation(r: Rendering) -> Outgoing | None:
    checkin, t = r.data.checkin, r.t
    if checkin is None or checkin.user_id != r.chat_id:
        return None
    if checkin.status is not CheckinStatus.SENT:
        return None  # answered, missed or stopped meanwhile
    if r.kind is NoticeKind.CHECKIN:
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
        r.chat_id,
        f"{text}\n\n{later}",
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
    )


@renders(NoticeKind.CHECKIN_ALERT)
def alert(r: Rendering) -> Outgoing | None:
    checkin, registration, t = r.data.checkin, r.data.registration, r.t
    assert checkin is not None and registration is not None
    reasons = ", ".join(t(ALERT_TEXTS[a]) for a in checkin.alerts if a in ALERT_TEXTS)
    text = t.gettext("🚨 {reference} {reasons}.", reference=registration.reference, reasons=reasons)
    open_case = open_case_button(registration.id, t)
    return Outgoing(r.chat_id, text, InlineKeyboardMarkup(inline_keyboard=[[open_case]]))


@renders(NoticeKind.CHECKINS_STOPPED)
def stopped(r: Rendering) -> Outgoing | None:
    assert r.data.registration is not None
    reference = r.data.registration.reference
    return Outgoing(
        r.chat_id, r.t.gettext("🔕 {reference} stopped their check-ins.", reference=reference)
    )


@renders(NoticeKind.PERSON_UNREACHABLE)
def unreachable(r: Rendering) -> Outgoing | None:
    assert r.data.registration is not None
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "🔕 {reference} cannot be reached (they blocked the bot): check-ins stopped.",
            reference=r.data.registration.reference,
        ),
    )
