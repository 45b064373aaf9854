"""Announcements: write a message in each language the recipients read, choose a segment (office,
status, language, returnees), preview it as each person will see it with the audience counted per
language (and how many get nothing because their language has no text), then send.

Everything goes through AnnouncementService, as the bot's outbox delivers it: the service's
StaffPolicy check on sending (a refusal is audited here, as every adapter does), its own audit
entry for the announcement, delivery at Telegram's pace with a "Stop announcements" button.
People who deleted their data, stopped announcements, blocked the bot or withdrew are never
counted nor sent to (bot.domain.announcements.recipients).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.domain.announcements import (
    NEVER_TO,
    TEXT_MAX,
    Announcement,
    InvalidAnnouncementError,
    Segment,
    clean_texts,
)
from bot.domain.offices import Office
from bot.domain.registration import Status
from bot.i18n import N_, Translator
from bot.locales import SUPPORTED_LOCALES
from bot.presentation.labels import STATUSES
from bot.services.staff_policy import NotStaffError
from bot.web import PREFIX
from bot.web.access import (
    FORM,
    STAFF,
    Staff,
    console_of,
    refused_by_policy,
    see_other,
    staff_only,
    translator,
)
from bot.web.rendering import render

RECENT = 20
TEXT_FIELD = "text_"  # text_en, text_fr, ...: one textarea per language
# InvalidAnnouncementError's reasons (bot.domain.announcements), in the staff member's words.
INVALID = {
    "unsupported language": N_("Write only in the languages offered."),
    "text too long": N_("A text is too long: at most {max} characters per language."),
    "no text in any language": N_("Write the message in at least one language."),
    "unknown status": N_("Choose one of the statuses offered."),
    "people who withdrew are never written to": N_(
        "People who withdrew are never written to. Choose another status."
    ),
    "office": N_("Choose one of the offices offered."),
    "returnees": N_("Choose whether the message is for returnees."),
}
RETURNEES = {
    "any": N_("Returnees or not"),
    "yes": N_("Returnees only (back home)"),
    "no": N_("Still preparing their return"),
}
_TAGS = re.compile(r"</?b>")


def _office_name(office: Office, t: Translator) -> str:
    return f"{t.country(office.country)} – {office.city_in(t.locale)}"


def _segment_form(form: Any, offices: tuple[Office, ...]) -> tuple[Segment, dict[str, str]]:
    """The segment from the form (InvalidAnnouncementError with a reason to show), and the
    form's own values to keep in the fields."""
    values = {
        "office": form.get("office", ""),
        "status": form.get("status", ""),
        "language": form.get("language", ""),
        "returnees": form.get("returnees", "any"),
    }
    if not all(isinstance(v, str) for v in values.values()):
        raise InvalidAnnouncementError("office")
    office = values["office"] or None
    if office is not None and office not in {o.id for o in offices}:
        raise InvalidAnnouncementError("office")
    if values["returnees"] not in RETURNEES:
        raise InvalidAnnouncementError("returnees")
    returnees = {"any": None, "yes": True, "no": False}[values["returnees"]]
    segment = Segment(
        office_id=office,
        status=values["status"] or None,  # type: ignore[arg-type]  # Segment reads the value
        locale=values["language"] or None,
        returnees=returnees,
    )
    return segment, values


def _texts_form(form: Any) -> dict[str, str]:
    """Every text_xx field, whatever its language: the service refuses unknown ones."""
    texts: dict[str, str] = {}
    for key in form:
        if key.startswith(TEXT_FIELD):
            value = form.get(key)
            text = value if isinstance(value, str) else ""
            # Browsers send line breaks as CR LF: the person's chat wants LF.
            texts[key[len(TEXT_FIELD) :]] = text.replace("\r\n", "\n").replace("\r", "\n")
    return texts


def _invalid(error: InvalidAnnouncementError, t: Translator) -> str:
    reason = str(error)
    return t(INVALID.get(reason, INVALID["no text in any language"]), max=t.number(TEXT_MAX))


def _summary(segment: Segment, offices: tuple[Office, ...], t: Translator) -> list[str]:
    office = next((o for o in offices if o.id == segment.office_id), None)
    return [
        _office_name(office, t) if office else t.gettext("All offices"),
        t(STATUSES[segment.status]) if segment.status else t.gettext("Any status"),
        t.language(segment.locale) if segment.locale else t.gettext("Any language"),
        t(RETURNEES[{None: "any", True: "yes", False: "no"}[segment.returnees]]),
    ]


def _tz(segment: Segment, offices: tuple[Office, ...]) -> Any:
    """The announcement's office's time zone; for all offices, the first office's."""
    office = next((o for o in offices if o.id == segment.office_id), offices[0])
    return office.tz


def _notice(query: Any, t: Translator) -> str | None:
    if query.get("done") != "sent":
        return None
    n, w = query.get("n", ""), query.get("w", "")
    if not (n.isdigit() and len(n) < 8 and w.isdigit() and len(w) < 8):
        return None
    sent = t.ngettext(
        "Sent: {n} person will receive it, at Telegram's pace.",
        "Sent: {n} people will receive it, at Telegram's pace.",
        int(n),
        n=t.number(int(n)),
    )
    if int(w):
        sent += " " + t.ngettext(
            "{n} person gets nothing: no text in their language.",
            "{n} people get nothing: no text in their language.",
            int(w),
            n=t.number(int(w)),
        )
    return sent


def _without_text(counts: dict[str, int], texts: dict[str, str], t: Translator) -> list[str]:
    lines = []
    for locale, n in counts.items():
        if locale in texts:
            continue
        lines.append(
            t.ngettext(
                "{n} person reads {language}: they get nothing unless you write a text in "
                "{language}.",
                "{n} people read {language}: they get nothing unless you write a text in "
                "{language}.",
                n,
                n=t.number(n),
                language=t.language(locale),
            )
        )
    return lines


async def _recent(console: Any, t: Translator) -> list[dict[str, Any]]:
    offices = console.app.offices
    service = console.app.announcements
    shown = []
    for announcement in await service.recent(RECENT):  # at most 20: one query each is fine
        progress = await service.progress(announcement.id)
        shown.append(_shown(announcement, progress, offices, t))
    return shown


def _shown(
    announcement: Announcement, progress: Any, offices: tuple[Office, ...], t: Translator
) -> dict[str, Any]:
    return {
        "id": announcement.id,
        "when": t.datetime(announcement.created_at, _tz(announcement.segment, offices)),
        "segment": " · ".join(_summary(announcement.segment, offices, t)),
        "languages": ", ".join(t.language(code) for code in announcement.texts),
        "sent": t.number(progress.sent),
        "pending": t.number(progress.pending),
        "unreachable": t.number(progress.unreachable),
        "cancelled": t.number(progress.cancelled),
    }


async def _form_page(
    request: web.Request,
    *,
    values: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    staff: Staff = request[STAFF]
    t = staff.t
    offices = console.app.offices
    return render(
        console.templates,
        "announcements.html",
        t,
        status=status,
        staff=staff,
        current="announcements",
        notice=notice,
        error=error,
        announcements=await _recent(console, t),
        offices=[(o.id, _office_name(o, t)) for o in offices],
        statuses=[(s.value, t(STATUSES[s])) for s in Status if s not in NEVER_TO],
        languages=[(code, t.language(code)) for code in SUPPORTED_LOCALES],
        returnees=[(key, t(label)) for key, label in RETURNEES.items()],
        values=values or {"returnees": "any"},
        texts=texts or {},
        text_max=TEXT_MAX,
    )


@staff_only
async def announcements_page(request: web.Request) -> web.Response:
    return await _form_page(request, notice=_notice(request.query, request[STAFF].t))


@staff_only
async def edit(request: web.Request) -> web.Response:
    """ "Edit" on the preview: back to the form, with the texts and the segment kept."""
    form = request[FORM]
    texts = {k: v for k, v in _texts_form(form).items() if k in SUPPORTED_LOCALES}
    values = {k: form.get(k, "") for k in ("office", "status", "language", "returnees")}
    return await _form_page(request, values=values, texts=texts)  # type: ignore[arg-type]


@staff_only
async def preview(request: web.Request) -> web.Response:
    """Each text as the person will see it, the audience by language, who gets nothing."""
    console = console_of(request)
    staff: Staff = request[STAFF]
    form = request[FORM]
    t = staff.t
    offices = console.app.offices
    written = _texts_form(form)
    values = {k: form.get(k, "") for k in ("office", "status", "language", "returnees")}
    kept = {k: v for k, v in written.items() if k in SUPPORTED_LOCALES}
    try:
        segment, values = _segment_form(form, offices)
        texts = clean_texts(written)
    except InvalidAnnouncementError as error:
        return await _form_page(
            request, values=values, texts=kept, error=_invalid(error, t), status=400
        )
    audience = await console.app.announcements.audience(segment)
    previews = []
    for locale, text in texts.items():
        reader = translator(console, locale)
        # The notifier's header (bot.telegram.outbox.announcements), as plain text: its bold
        # is the only markup the person sees.
        header = _TAGS.sub("", reader.gettext("📣 <b>A message from the programme office</b>"))
        previews.append(
            {
                "locale": locale,
                "language": t.language(locale),
                "rtl": reader.rtl,
                "header": header,
                "text": text,
                "stop": reader.gettext("🔕 Stop announcements"),
                "count": t.ngettext(
                    "{n} person reads {language}.",
                    "{n} people read {language}.",
                    audience.get(locale, 0),
                    n=t.number(audience.get(locale, 0)),
                    language=t.language(locale),
                ),
            }
        )
    reached = sum(n for locale, n in audience.items() if locale in texts)
    return render(
        console.templates,
        "announcement_preview.html",
        t,
        staff=staff,
        current="announcements",
        previews=previews,
        without=_without_text(audience, texts, t),
        total=t.ngettext(
            "{n} person will receive it.",
            "{n} people will receive it.",
            reached,
            n=t.number(reached),
        ),
        nobody=reached == 0,
        segment=" · ".join(_summary(segment, offices, t)),
        values=values,
        texts=texts,
    )


@staff_only
async def send(request: web.Request) -> web.Response:
    console = console_of(request)
    staff: Staff = request[STAFF]
    form = request[FORM]
    t = staff.t
    written = _texts_form(form)
    values = {k: form.get(k, "") for k in ("office", "status", "language", "returnees")}
    kept = {k: v for k, v in written.items() if k in SUPPORTED_LOCALES}
    try:
        segment, values = _segment_form(form, console.app.offices)
        created = await console.app.announcements.create(staff.user_id, segment, written)
    except NotStaffError:
        return await refused_by_policy(request, staff, "announcements")
    except InvalidAnnouncementError as error:
        return await _form_page(
            request, values=values, texts=kept, error=_invalid(error, t), status=400
        )
    query = urlencode({"done": "sent", "n": created.total_queued, "w": created.total_without_text})
    return see_other(f"{PREFIX}/announcements?{query}#announcement-{created.announcement_id}")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/announcements", announcements_page)
    router.add_post("/announcements/preview", preview)
    router.add_post("/announcements/edit", edit)
    router.add_post("/announcements/send", send)
