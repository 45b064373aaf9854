"""Exports: the CSV files of /export, one download at a time, by StatsService.export (which checks
the staff member again and writes the audit row, as for /export).

Pseudonymised unless the staff member ticks "with names and phone numbers" and then confirms on
a second page (both POSTs carry the CSRF token); people who deleted their data are never in them
(the repository's queries); UTF-8 with a BOM (csv_bytes); an attachment, never cached.
"""

from __future__ import annotations

from aiohttp import web

from bot.domain.stats import EXPORT_COLUMNS, earliest_day, export_columns
from bot.i18n import N_, Translator
from bot.presentation.reports import csv_bytes, export_filename, office_label
from bot.services.stats import NotStaffError
from bot.web.access import FORM, STAFF, console_of, refused, staff_only
from bot.web.pages.figures import ALL, PERIOD_ERRORS, PERIOD_LABELS, Choice, parse_choice
from bot.web.rendering import render

FILES = {
    "registrations": N_("Registrations"),
    "bookings": N_("Interview bookings"),
    "checkins": N_("Check-in answers"),
}
assert set(FILES) == set(EXPORT_COLUMNS)


def _page(request: web.Request, template: str, choice: Choice, **context: object) -> web.Response:
    console = console_of(request)
    staff = request[STAFF]
    t: Translator = staff.t
    today = console.app.clock.now().date()
    error = PERIOD_ERRORS.get(choice.error or "")
    return render(
        console.templates,
        template,
        t,
        staff=staff,
        current="exports",
        choice=choice,
        presets=[(key, t(label)) for key, label in PERIOD_LABELS.items()],
        offices=[(ALL, t.gettext("All offices"))]
        + [(o.id, office_label(o, t)) for o in console.app.offices],
        files=[(key, t(label)) for key, label in FILES.items()],
        earliest=earliest_day(today).isoformat(),
        today=today.isoformat(),
        error=t(error, first=t.date(earliest_day(today), "medium")) if error else None,
        **context,
    )


@staff_only
async def exports_page(request: web.Request) -> web.Response:
    console = console_of(request)
    choice = parse_choice(request.query, console.app.offices, console.app.clock.now().date())
    return _page(request, "exports.html", choice, file="registrations")


@staff_only
async def export(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    staff, form = request[STAFF], request[FORM]
    choice = parse_choice(form, console.app.offices, console.app.clock.now().date())
    table = form.get("file", "")
    if not isinstance(table, str) or table not in FILES:
        table = "registrations"
    full = form.get("identifying") == "yes"
    if choice.error:  # a period that cannot be: say so, export nothing
        return _page(request, "exports.html", choice, file=table)
    if full and form.get("confirmed") != "yes":
        return _page(request, "export_confirm.html", choice, file=table)
    try:
        tables = await console.app.stats.export(
            staff.user_id, choice.period, choice.office_id, full=full
        )
    except NotStaffError:  # STAFF_USER_IDS changed between the session check and now
        await console.app.audit.refused(staff.user_id, "export with names" if full else "export")
        return refused(request, "not_staff")
    body = csv_bytes(tables[table], export_columns(table, full))
    filename = export_filename(table, choice.period, full)
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/exports", exports_page)
    router.add_post("/exports", export)
