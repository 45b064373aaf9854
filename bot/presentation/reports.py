"""The figures as text tables for Telegram (monospace), and as CSV or JSON for reporting
scripts. No aiogram here: `python -m bot stats` uses this and starts in well under a second."""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.offices import Office
from bot.domain.registration import AgeGroup, Need
from bot.domain.stats import FUNNEL, CountryRow, Period, Report, suppress
from bot.i18n import N_, Translator
from bot.presentation.labels import AGE_GROUPS, NEEDS

MESSAGE_LIMIT = 3800  # below Telegram's 4096, with room for the <pre> tags
FUNNEL_LABELS = {
    "registered": N_("registered"),
    "interviewed": N_("interviewed"),
    "departed": N_("departure planned"),
    "returned": N_("returned"),
    "withdrawn": N_("withdrawn"),
    "self_reported": N_("came back alone"),
}
SLOT_LABELS = {  # "not attended", not "missed": that word is the check-ins' own
    "offered": N_("places offered"),
    "booked": N_("booked"),
    "attended": N_("attended"),
    "missed": N_("not attended"),
}
CHECKIN_LABELS = {
    "sent": N_("sent"),
    "answered": N_("answered"),
    "missed": N_("missed"),
    "alerts": N_("alerts raised"),
}
DIMENSION_LABELS = {
    "economic": N_("economic"),
    "social": N_("social"),
    "psychosocial": N_("psychosocial"),
}


@dataclass(frozen=True, slots=True)
class Table:
    """A table of the report: a header row (or none), then rows of cells, already translated and
    suppressed as asked. `widths`: its columns in Telegram's monospace text."""

    rows: list[tuple[str, ...]]
    widths: tuple[int, ...]
    header: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the report: a title (Telegram HTML: <b> only), then tables and lines of text.
    Shared by /stats (text_report) and the console's Figures page."""

    title: str
    blocks: list[Table | str]


def office_label(office: Office, t: Translator) -> str:
    """An office as /stats and the console name it: "Morocco – Rabat"."""
    return f"{t.country(office.country)} – {office.city_in(t.locale)}"


def _table(rows: Iterable[tuple[str, ...]], widths: tuple[int, ...]) -> str:
    lines = []
    for row in rows:
        cells = [
            cell[: widths[i]].ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append(" ".join(cells).rstrip())
    return "<pre>" + html.escape("\n".join(lines), quote=False) + "</pre>"


def _text_table(table: Table) -> str:
    return _table(([table.header] if table.header else []) + table.rows, table.widths)


def country_rows(rows: list[CountryRow], t: Translator, exact: bool = True) -> Table:
    # Words, not letters: "M" reads as "mujeres"/"mulheres" (women) in es/pt.
    header = (t.gettext("Country"), t.gettext("Women"), t.gettext("Men"), t.gettext("Total"))
    body = []
    for row in rows:
        name = t.country(row.country) if row.country else t.gettext("Total")
        body.append(
            (
                name,
                suppress(row.female, exact),
                suppress(row.male, exact),
                suppress(row.total, exact),
            )
        )
    return Table(body, (18, 8, 8, 6), header)


def country_table(rows: list[CountryRow], t: Translator, exact: bool = True) -> str:
    return _text_table(country_rows(rows, t, exact))


def count_rows(
    values: dict[str, object],
    labels: dict[str, str],
    t: Translator,
    exact: bool = True,
    translate: bool = True,
) -> Table:
    body = []
    for key, label in labels.items():
        value = values.get(key, 0)
        shown = suppress(value, exact) if isinstance(value, int) else _score(value)
        body.append((t(label) if translate else label, shown))
    return Table(body, (22, 7))


def counts_table(
    values: dict[str, object],
    labels: dict[str, str],
    t: Translator,
    exact: bool = True,
    translate: bool = True,
) -> str:
    return _text_table(count_rows(values, labels, t, exact, translate))


def _score(value: object) -> str:
    return "–" if value is None else f"{float(value):.2f}"  # type: ignore[arg-type]


def report_sections(report: Report, t: Translator, exact: bool = True) -> list[Section]:
    """The report's sections, in order, translated; counts under 5 as "<5" unless `exact`."""
    ages = {a.value: AGE_GROUPS[a] for a in AgeGroup}
    needs = {n.value: NEEDS[n] for n in Need}
    sources = {key: key for key in sorted(report.sources)}
    return [
        Section(
            t.gettext("<b>Registrations by country of origin and gender</b>"),
            [country_rows(report.registrations, t, exact)],
        ),
        Section(
            t.gettext("<b>Returns by country of origin and gender</b>"),
            [country_rows(report.returns, t, exact)],
        ),
        Section(
            t.gettext("<b>From registration to return</b> (people registered in the period)"),
            [
                count_rows(report.funnel, FUNNEL_LABELS, t, exact),
                t.gettext(
                    "How each line is counted, from the case history: interviewed = the interview "
                    "took place (the case went on to the medical check); departure planned = the "
                    "case was set to that step; returned = staff marked the return; withdrawn = "
                    "the person withdrew. Came back alone = returnees who asked for reintegration "
                    "support themselves: counted apart, in no other line."
                ),
            ],
        ),
        Section(t.gettext("<b>Age groups</b>"), [count_rows(report.age_groups, ages, t, exact)]),
        Section(t.gettext("<b>Needs declared</b>"), [count_rows(report.needs, needs, t, exact)]),
        Section(
            t.gettext("<b>Interview slots</b>"),
            [count_rows(report.slots, SLOT_LABELS, t, exact)],
        ),
        Section(
            t.gettext("<b>Check-ins</b>"),
            [
                count_rows(report.checkins, CHECKIN_LABELS, t, exact),
                t.gettext("Average scores (0–1):"),
                count_rows(report.scores, DIMENSION_LABELS, t),
            ],
        ),
        Section(
            t.gettext("<b>Where people came from</b> (/start links)"),
            [count_rows(report.sources, sources, t, exact, translate=False) if sources else "–"],
        ),
    ]


def text_report(report: Report, t: Translator, office_name: str, exact: bool = True) -> list[str]:
    """The report as Telegram messages (HTML), each under the length limit."""
    period = f"{t.date(report.period.start, 'medium')} – {t.date(report.period.end, 'medium')}"
    office = html.escape(office_name, quote=False)
    sections = [t.gettext("<b>Figures</b> · {period} · {office}", period=period, office=office)]
    for section in report_sections(report, t, exact):
        blocks = [b if isinstance(b, str) else _text_table(b) for b in section.blocks]
        sections.append("\n".join([section.title, *blocks]))
    messages, current = [], ""
    for section in sections:
        if current and len(current) + len(section) + 2 > MESSAGE_LIMIT:
            messages.append(current)
            current = ""
        current = f"{current}\n\n{section}" if current else section
    messages.append(current)
    return messages


def report_dict(report: Report, exact: bool = False) -> dict[str, object]:
    def table(rows: list[CountryRow]) -> list[dict[str, object]]:
        return [
            {
                "country": r.country or "TOTAL",
                "F": suppress(r.female, exact),
                "M": suppress(r.male, exact),
                "total": suppress(r.total, exact),
            }
            for r in rows
        ]

    def counts(values: dict[str, int]) -> dict[str, str]:
        return {k: suppress(v, exact) for k, v in sorted(values.items())}

    return {
        "period": {"from": report.period.start.isoformat(), "to": report.period.end.isoformat()},
        "office": report.office_id or "all",
        "registrations": table(report.registrations),
        "returns": table(report.returns),
        "funnel": {k: suppress(report.funnel.get(k, 0), exact) for k in FUNNEL},
        "age_groups": counts(report.age_groups),
        "needs": counts(report.needs),
        "slots": counts(report.slots),
        "checkins": counts(report.checkins),
        "scores": report.scores,
        "sources": counts(report.sources),
    }


def report_json(report: Report, exact: bool = False) -> str:
    return json.dumps(report_dict(report, exact), ensure_ascii=False, indent=2)


def report_csv(report: Report, exact: bool = False) -> str:
    """One long table: section, key, F, M, total/value."""
    data = report_dict(report, exact)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "F", "M", "value"])
    for section in ("registrations", "returns"):
        for row in data[section]:  # type: ignore[union-attr]
            writer.writerow([section, row["country"], row["F"], row["M"], row["total"]])
    for section in ("funnel", "age_groups", "needs", "slots", "checkins", "scores", "sources"):
        for key, value in data[section].items():  # type: ignore[union-attr]
            writer.writerow([section, key, "", "", value if value is not None else ""])
    return buffer.getvalue()


def report_table(report: Report, exact: bool = False) -> str:
    """Plain text for a terminal (English labels, codes for countries)."""
    data = report_dict(report, exact)
    lines = [
        f"AVRR figures {data['period']['from']} .. {data['period']['to']} · office {data['office']}"
    ]  # type: ignore[index]
    for section in ("registrations", "returns"):
        lines += ["", section, f"{'country':<8}{'F':>6}{'M':>6}{'total':>7}"]
        lines += [f"{r['country']:<8}{r['F']:>6}{r['M']:>6}{r['total']:>7}" for r in data[section]]  # type: ignore[union-attr]
    for section in ("funnel", "age_groups", "needs", "slots", "checkins", "scores", "sources"):
        lines += ["", section] + [
            f"  {k:<22}{v if v is not None else '-':>8}" for k, v in data[section].items()
        ]  # type: ignore[union-attr]
    return "\n".join(lines)


def csv_bytes(rows: list[dict[str, object]], columns: Iterable[str] = ()) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs open Arabic and accents correctly. The
    header row is written even with no row (`columns` first, then any other key found)."""
    buffer = io.StringIO()
    fields = list(columns)
    for row in rows:
        fields += [key for key in row if key not in fields]
    if fields:
        writer = csv.DictWriter(buffer, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def export_filename(table: str, period: Period, full: bool) -> str:
    """An export file's name, as /export and the console give it: the table and the period, and
    _FULL when it has names and phone numbers."""
    return f"{table}_{period.start}_{period.end}" + ("_FULL" if full else "") + ".csv"
