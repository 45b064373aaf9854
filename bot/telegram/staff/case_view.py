"""What staff read: the group notice of a registration and the private case view.

The staff group gets references and what staff need to act, never names or phone numbers;
details go only to allowlisted staff, in a private chat.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.offices import Office
from bot.domain.registration import Monitoring, Registration, Status, allowed_transitions, urgent
from bot.i18n import Translator, native_language_name
from bot.presentation.labels import (
    AGE_GROUPS,
    ALERT_TEXTS,
    CHECKIN_STATUSES,
    EVENT_KINDS,
    GENDERS,
    MONITORING,
    NEEDS,
    PASSPORTS,
    STATUSES,
)
from bot.services.ports import CaseEvent, Checkin
from dialogs.widgets import esc


class CaseAction(CallbackData, prefix="case"):
    """Staff buttons. Unsigned and pressable by anyone in the group: every press is checked
    against STAFF_USER_IDS and against the case's current status (`expected`)."""

    action: str  # open, set, answer
    id: int
    expected: str = ""
    to: str = ""


def with_open_case(
    button: InlineKeyboardButton, case_id: int | None, t: Translator
) -> InlineKeyboardMarkup:
    """A notice's own button, and "📂 Open case" beside it when the person has a case."""
    row = [button] if case_id is None else [button, open_case_button(case_id, t)]
    return InlineKeyboardMarkup(inline_keyboard=[row])


def open_case_button(registration_id: int, t: Translator) -> InlineKeyboardButton:
    """ "📂 Open case": the case, sent privately to the staff member who pressed."""
    return InlineKeyboardButton(
        text=t.gettext("📂 Open case"),
        callback_data=CaseAction(action="open", id=registration_id).pack(),
    )


def office_of(registration: Registration, offices: tuple[Office, ...]) -> Office:
    return next((o for o in offices if o.id == registration.draft.office_id), offices[0])


def group_notice(registration: Registration, t: Translator, offices: tuple[Office, ...]) -> str:
    draft = registration.draft
    office = office_of(registration, offices)
    returnee = registration.kind == "reintegration"
    lines = [
        t.gettext("🏡 New returnee: <b>{reference}</b>", reference=registration.reference)
        if returnee
        else t.gettext("🆕 New registration: <b>{reference}</b>", reference=registration.reference)
    ]
    if returnee:
        lines.append(
            t.gettext(
                "🏡 Reintegration request: came back from {country} on {date}",
                country=esc(t.country(registration.returned_from or "")),
                date=t.date(registration.returned_on, "medium")
                if registration.returned_on
                else "–",
            )
        )
    flags = urgent(draft.needs)
    if flags:
        lines.append(t.gettext("⚠️ Urgent: {needs}", needs=", ".join(t(NEEDS[n]) for n in flags)))
    lines += [
        t.gettext(
            "Office: {office}",
            office=esc(f"{t.country(office.country)} – {office.city_in(t.locale)}"),
        ),
        t.gettext("Country of origin: {country}", country=esc(t.country(draft.country))),
        t.gettext("Language: {language}", language=native_language_name(draft.contact_locale)),
        t.gettext("Age group: {age}", age=t(AGE_GROUPS[draft.age_group])),
        t.gettext("Gender: {gender}", gender=t(GENDERS[draft.gender])),
    ]
    if not returnee:  # not asked of returnees
        lines += [
            t.gettext("Passport: {passport}", passport=t(PASSPORTS[draft.passport])),
            t.ngettext(
                "Travelling with {n} person", "Travelling with {n} people", draft.companions
            ),
        ]
    others = [t(NEEDS[n]) for n in sorted(draft.needs) if n not in flags]
    if others:
        lines.append(t.gettext("Needs: {needs}", needs=", ".join(others)))
    return "\n".join(lines)


def group_keyboard(registration: Registration, t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                open_case_button(registration.id, t),
                InlineKeyboardButton(
                    text=t.gettext("☎️ Mark contacted"),
                    callback_data=CaseAction(
                        action="set", id=registration.id, expected=Status.NEW.value,
                        to=Status.CONTACTED.value,
                    ).pack(),
                ),
            ]
        ]
    )  # fmt: skip


def case_details(
    registration: Registration,
    events: list[CaseEvent],
    t: Translator,
    offices: tuple[Office, ...],
    checkins: list[Checkin] | None = None,
) -> str:
    draft = registration.draft
    office = office_of(registration, offices)
    tz = office.tz
    lines = [
        t.gettext("<b>Case {reference}</b>", reference=registration.reference),
        t.gettext("Status: {status}", status=t(STATUSES[registration.status])),
    ]
    if registration.user_id is None:
        lines.append(t.gettext("The person deleted their data: only statistics remain."))
    else:
        lines += [
            t.gettext("Name: {name}", name=esc(draft.name)),
            t.gettext("Phone: {phone}", phone=draft.phone or "—"),
            t.gettext("Where they are: {city}", city=esc(draft.city)),
        ]
    lines.append(group_notice(registration, t, offices).split("\n", 1)[1])
    lines.append(t.gettext("Registered on: {date}", date=t.datetime(registration.created_at, tz)))
    lines.append("")
    lines.append(t.gettext("<b>History</b>"))
    for event in events:
        if event.kind == "viewed":
            continue
        when = t.datetime(event.at, tz, "short")
        who = (
            t.gettext("staff {id}", id=event.actor_id)
            if event.actor == "staff"
            else t.gettext("the person")
        )
        change = ""
        if event.to_status is not None:
            change = " → " + t(STATUSES[event.to_status])
        kind = EVENT_KINDS.get(event.kind)  # an unknown kind (a newer version's) as it is
        lines.append(f"{when} · {who} · {t(kind) if kind else esc(event.kind)}{change}")
    if registration.returned_on is not None:
        lines += ["", *checkin_lines(registration, checkins or [], t, tz)]
    return "\n".join(lines)


def checkin_lines(
    registration: Registration, checkins: list[Checkin], t: Translator, tz: ZoneInfo
) -> list[str]:
    """The monitoring after return: each check-in with its scores and alerts (no answers)."""
    lines = [
        t.gettext("<b>After return</b>"),
        t.gettext(
            "Returned on {date} to {country}; check-ins: {state}",
            date=t.date(registration.returned_on, "medium"),  # type: ignore[arg-type]
            country=esc(t.country(registration.return_country or "")),
            state=t(MONITORING.get(registration.monitoring or "", MONITORING[Monitoring.STOPPED])),
        ),
    ]
    for checkin in checkins:
        months = t.ngettext("{n} month", "{n} months", checkin.months)
        status = t(CHECKIN_STATUSES[checkin.status])
        line = f"{months} · {status}"
        if checkin.scores.economic is not None or checkin.scores.social is not None:
            line += " · " + t.gettext(
                "economic {e} · social {s} · psychosocial {p}",
                e=_score(checkin.scores.economic),
                s=_score(checkin.scores.social),
                p=_score(checkin.scores.psychosocial),
            )
        if checkin.alerts:
            line += " · ⚠️ " + ", ".join(
                t(ALERT_TEXTS[a]) for a in checkin.alerts if a in ALERT_TEXTS
            )
        lines.append(line)
    return lines


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def case_keyboard(registration: Registration, t: Translator) -> InlineKeyboardMarkup | None:
    targets = allowed_transitions(registration.status)
    if registration.user_id is None:
        targets = tuple(s for s in targets if s is Status.CLOSED)
    buttons = [
        InlineKeyboardButton(
            text="→ " + t(STATUSES[target]),
            callback_data=CaseAction(
                action="set",
                id=registration.id,
                expected=registration.status.value,
                to=target.value,
            ).pack(),
        )
        for target in targets
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if registration.user_id is not None:
        answer = CaseAction(action="answer", id=registration.id).pack()
        rows.append([InlineKeyboardButton(text=t.gettext("✍️ Answer"), callback_data=answer)])
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=rows)
