"""A case: details (decrypted, for staff), history, status buttons, booking, check-in scores,
and the conversation with the person (read, answer, close).

Opening the page is recorded as the /case command records it (a "viewed" event, by
CaseService.view). Answers go through ConversationService.answer and the outbox: the person
receives them exactly as a reply from the staff group. Each action is audited.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain.conversations import TEXT_MAX, Direction, Kind
from bot.domain.registration import REFERENCE_SHAPE, Status, allowed_transitions, urgent
from bot.i18n import N_, Translator
from bot.presentation.labels import (
    AGE_GROUPS,
    CHECKIN_STATUSES,
    EVENT_KINDS,
    GENDERS,
    MONITORING,
    NEEDS,
    PASSPORTS,
    STATUSES,
)
from bot.services.cases import Change
from bot.services.checkins import Returned
from bot.services.conversations import Relay
from bot.web import PREFIX
from bot.web.access import FORM, STAFF, console_of, see_other, staff_only
from bot.web.rendering import render
from bot.web.score_chart import score_chart

CAPTION_MAX = 1000  # the words with a file: Telegram's captions are at most 1024 characters

# What a case page says after an action (?done=...): only these codes are ever shown.
NOTICES = {
    "status": N_("The status was changed."),
    "returned": N_("Marked returned. Check-ins are scheduled."),
    "stale": N_("This case changed meanwhile: nothing was done. Open it again to see it now."),
    "not_allowed": N_("This change is not possible for this case."),
    "sent": N_("Your answer was sent to the person."),
    "empty": N_("Write an answer first."),
    "file_failed": N_("The file could not be sent. Please try again, or reply in the staff group."),
    "too_long": N_("This message is too long. Please send it in parts."),
    "closed": N_("This conversation is closed: nothing was sent."),
    "conversation_closed": N_("The conversation was closed; the person was told."),
}
KINDS = {
    Kind.PHOTO: N_("📷 a photo"),
    Kind.VOICE: N_("🎤 a voice message"),
    Kind.DOCUMENT: N_("📎 a document"),
}


def _case_url(reference: str, done: str) -> str:
    return f"{PREFIX}/cases/{reference}?done={done}"


def _reference(request: web.Request) -> str | None:
    reference = request.match_info["reference"].upper()
    return reference if REFERENCE_SHAPE.match(reference) else None


def _registration_id(request: web.Request) -> int | None:
    value = request[FORM].get("case_id", "")
    return int(value) if isinstance(value, str) and value.isdigit() else None


@staff_only
async def case_page(request: web.Request) -> web.Response:
    console = console_of(request)
    staff = request[STAFF]
    t: Translator = staff.t
    reference = _reference(request)
    view = await console.app.cases.view(staff.user_id, reference=reference) if reference else None
    if view is None:
        return render(
            console.templates,
            "refused.html",
            t,
            status=404,
            staff=staff,
            current="cases",
            message=N_("There is no such case."),
        )
    registration = view.registration
    file = await console.app.caseload.case_file(staff.user_id, registration)
    offices = console.app.offices
    office = next((o for o in offices if o.id == registration.draft.office_id), offices[0])
    tz = office.tz
    targets = allowed_transitions(registration.status)
    if registration.user_id is None:  # deleted data: it can only be closed
        targets = tuple(s for s in targets if s is Status.CLOSED)
    done = request.query.get("done", "")
    return render(
        console.templates,
        "case.html",
        t,
        staff=staff,
        current="cases",
        notice=NOTICES.get(done),
        case=registration,
        erased=registration.user_id is None,
        details=_details(registration, t, office),
        history=_history(view.events, t, tz),
        targets=[(s.value, t(STATUSES[s])) for s in targets],
        status_label=t(STATUSES[registration.status]),
        booking=_booking(file.booking, t, tz),
        checkins=_checkins(view.checkins, t),
        monitoring=t(MONITORING[registration.monitoring])
        if registration.monitoring in MONITORING
        else None,
        chart=score_chart(view.checkins),
        conversations=[
            {
                "id": c.id,
                "open": c.is_open,
                "opened": t.datetime(c.opened_at, tz),
                "messages": [_message(m, t, tz) for m in messages],
            }
            for c, messages in file.conversations
        ],
        open_conversation=file.open_conversation,
        text_max=TEXT_MAX,
        caption_max=CAPTION_MAX,
        can_upload=console.upload is not None,
    )


def _details(registration: Any, t: Translator, office: Any) -> list[tuple[str, str]]:
    draft = registration.draft
    rows: list[tuple[str, str]] = []
    if registration.user_id is not None:
        rows += [
            (t.gettext("Name"), draft.name),
            (t.gettext("Phone"), draft.phone or "—"),
            (t.gettext("Where they are"), draft.city),
        ]
    rows += [
        (t.gettext("Office"), office.city_in(t.locale)),
        (t.gettext("Country of origin"), t.country(draft.country)),
        (t.gettext("Language"), t.language(draft.contact_locale)),
        (t.gettext("Age group"), t(AGE_GROUPS[draft.age_group])),
        (t.gettext("Gender"), t(GENDERS[draft.gender])),
    ]
    if registration.kind != "reintegration":
        rows += [
            (t.gettext("Passport"), t(PASSPORTS[draft.passport])),
            (t.gettext("Travelling with"), t.number(draft.companions)),
        ]
    flags = urgent(draft.needs)
    if draft.needs:
        needs = [t(NEEDS[n]) for n in flags] + [
            t(NEEDS[n]) for n in sorted(draft.needs) if n not in flags
        ]
        rows.append((t.gettext("Needs"), ", ".join(needs)))
    rows.append((t.gettext("Registered on"), t.datetime(registration.created_at, office.tz)))
    if registration.returned_on is not None:
        rows.append((t.gettext("Returned on"), t.date(registration.returned_on, "medium")))
    return rows


def _history(events: list[Any], t: Translator, tz: Any) -> list[dict[str, str]]:
    lines = []
    for event in events:
        if event.kind == "viewed":
            continue
        kind = EVENT_KINDS.get(event.kind)
        who = (
            t.gettext("staff {id}", id=event.actor_id)
            if event.actor == "staff"
            else t.gettext("the person")
        )
        what = t(kind) if kind else event.kind
        if event.to_status is not None:
            what += " → " + t(STATUSES[event.to_status])
        lines.append({"when": t.datetime(event.at, tz, "short"), "who": who, "what": what})
    return lines


def _booking(booking: Any, t: Translator, tz: Any) -> str | None:
    if booking is None:
        return None
    return t.datetime(booking.slot.starts_at, tz)


def _checkins(checkins: list[Any], t: Translator) -> list[dict[str, str]]:
    return [
        {
            "months": t.ngettext("{n} month", "{n} months", c.months),
            "status": t(CHECKIN_STATUSES[c.status]),
        }
        for c in checkins
    ]


def _message(message: Any, t: Translator, tz: Any) -> dict[str, Any]:
    return {
        "from_person": message.direction is Direction.IN,
        "when": t.datetime(message.created_at, tz),
        "kind": t(KINDS[message.kind]) if message.kind in KINDS else None,
        "text": message.text or "",
    }


@staff_only
async def change_status(request: web.Request) -> web.Response:
    console = console_of(request)
    staff, form = request[STAFF], request[FORM]
    reference = _reference(request) or ""
    registration_id = _registration_id(request)
    try:
        expected, to = Status(form.get("expected", "")), Status(form.get("to", ""))
    except ValueError:
        return see_other(_case_url(reference, "not_allowed"))
    if registration_id is None:
        return see_other(_case_url(reference, "not_allowed"))
    if to is Status.RETURNED:  # starts the monitoring, dated today (as the bot's button)
        started, _ = await console.app.checkins.mark_returned(
            staff.user_id, registration_id=registration_id
        )
        done = "returned" if started is Returned.STARTED else "not_allowed"
        return see_other(_case_url(reference, done))
    result = await console.app.cases.change_status(staff.user_id, registration_id, expected, to)
    done = {Change.DONE: "status", Change.STALE: "stale"}.get(result, "not_allowed")
    return see_other(_case_url(reference, done))


@staff_only
async def answer(request: web.Request) -> web.Response:
    """Text, or a file with an optional caption: through ConversationService.answer and the
    outbox, as a reply in the staff group would go."""
    console = console_of(request)
    staff, form = request[STAFF], request[FORM]
    reference = _reference(request) or ""
    registration_id = _registration_id(request)
    text = form.get("text", "")
    text = text.strip() if isinstance(text, str) else ""
    attached = form.get("file")
    has_file = isinstance(attached, web.FileField) and bool(attached.filename)
    if registration_id is None or not (text or has_file):
        return see_other(_case_url(reference, "empty"))
    if len(text) > (CAPTION_MAX if has_file else TEXT_MAX):
        return see_other(_case_url(reference, "too_long"))
    kind, file_id = Kind.TEXT, None
    if has_file and console.upload is not None:
        data = attached.file.read()  # type: ignore[union-attr]
        file_id = await console.upload(
            staff.user_id,
            attached.filename,
            data,
            reference,
            staff.t,  # type: ignore[union-attr]
        )
        if file_id is None:
            return see_other(_case_url(reference, "file_failed"))
        kind = Kind.DOCUMENT
    elif has_file:  # no uploader (the terminal chat): nothing is sent
        return see_other(_case_url(reference, "file_failed"))
    result = await console.app.conversations.answer(
        staff.user_id, kind, text or None, file_id, registration_id=registration_id
    )
    if result is not Relay.SENT:
        return see_other(_case_url(reference, "closed"))
    what = "answer with a file" if file_id else "answer"
    await console.app.audit.console(staff.user_id, f"{what} case {registration_id}")
    return see_other(_case_url(reference, "sent"))


@staff_only
async def close_conversation(request: web.Request) -> web.Response:
    console = console_of(request)
    staff, form = request[STAFF], request[FORM]
    reference = _reference(request) or ""
    value = form.get("conversation_id", "")
    if not isinstance(value, str) or not value.isdigit():
        return see_other(_case_url(reference, "closed"))
    result = await console.app.conversations.close_by_staff(staff.user_id, int(value))
    if result is not Relay.SENT:
        return see_other(_case_url(reference, "closed"))
    await console.app.audit.console(staff.user_id, f"close conversation {value}")
    return see_other(_case_url(reference, "conversation_closed"))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/cases/{reference}", case_page)
    router.add_post("/cases/{reference}/status", change_status)
    router.add_post("/cases/{reference}/answer", answer)
    router.add_post("/cases/{reference}/close", close_conversation)
