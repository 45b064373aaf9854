"""Cases: the caseload, urgent first, then by last activity; filters, search, pages of 50.

No name or phone here: references, offices, countries, statuses and flags, as in the staff
group. The list is read in a constant number of queries (bot.services.caseload).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from babel.dates import format_timedelta

from bot.domain.console import CaseloadFilters, CaseloadRow
from bot.domain.registration import URGENT_NEEDS, Need, Status
from bot.i18n import Translator
from bot.presentation.labels import NEEDS, STATUSES
from bot.web import PREFIX
from bot.web.access import STAFF, console_of, see_other, staff_only
from bot.web.rendering import render

SEARCH = re.compile(r"[^A-Z0-9-]")


def parse_filters(query: Any, office_ids: set[str]) -> CaseloadFilters:
    """The filters from the address; anything unknown is ignored (no error page)."""
    status = query.get("status", "")
    flag = query.get("flag", "")
    returnee = query.get("returnee", "")
    return CaseloadFilters(
        status=Status(status) if status in Status.__members__.values() else None,
        office_id=query.get("office") if query.get("office") in office_ids else None,
        flag=Need(flag) if flag in Need.__members__.values() else None,
        returnee={"yes": True, "no": False}.get(returnee),
        reference=SEARCH.sub("", query.get("q", "").upper())[:20],
    )


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 6 else 1


@staff_only
async def cases_page(request: web.Request) -> web.Response:
    console = console_of(request)
    staff = request[STAFF]
    t: Translator = staff.t
    offices = console.app.offices
    filters = parse_filters(request.query, {o.id for o in offices})
    page = await console.app.caseload.page(
        staff.user_id, filters, _page_number(request.query.get("page", "1"))
    )
    now = console.app.clock.now()
    office_names = {o.id: o.city_in(t.locale) for o in offices}
    rows = [_row(r, t, office_names, now) for r in page.rows]
    kept = {k: v for k, v in request.query.items() if k != "page" and v}
    return render(
        console.templates,
        "cases.html",
        t,
        staff=staff,
        current="cases",
        rows=rows,
        page=page,
        filters=filters,
        query=request.query,
        statuses=[(s.value, t(STATUSES[s])) for s in Status],
        offices=[(o.id, office_names[o.id]) for o in offices],
        flags=[(n.value, t(NEEDS[n])) for n in URGENT_NEEDS],
        previous_url=_url(kept, page.page - 1) if page.page > 1 else None,
        next_url=_url(kept, page.page + 1) if page.page < page.pages else None,
    )


def _url(kept: dict[str, str], page: int) -> str:
    return f"{PREFIX}/cases?" + urlencode({**kept, "page": str(page)})


def _row(row: CaseloadRow, t: Translator, offices: dict[str, str], now: Any) -> dict[str, Any]:
    waiting = None
    if row.waiting_since is not None:
        waiting = format_timedelta(now - row.waiting_since, locale=t.babel, threshold=1.1)
    return {
        "reference": row.reference,
        "url": f"{PREFIX}/cases/{row.reference}",
        "office": offices.get(row.office_id, row.office_id),
        "country": t.country(row.country),
        "status": t(STATUSES[row.status]),
        "flags": [t(NEEDS[n]) for n in row.flags],
        "urgent": row.urgent,
        "returnee": row.returnee,
        "erased": row.erased,
        "waiting": waiting,
        "activity": format_timedelta(now - row.last_activity, locale=t.babel, threshold=1.1),
    }


async def home(request: web.Request) -> web.Response:
    return see_other(f"{PREFIX}/cases")


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/", home)
    router.add_get("/cases", cases_page)
