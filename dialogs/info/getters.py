"""What the information screens show: topic pages from the content files, and the offices."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager

from bot.content import ContentLibrary
from bot.domain.offices import Office
from bot.i18n import N_, Translator
from bot.services.recordings import RecordingService
from dialogs.widgets import esc

TOPIC_LABELS: tuple[tuple[str, str], ...] = (
    ("about", N_("ℹ️ What is the programme?")),
    ("who", N_("🙋 Who can get help?")),
    ("return_steps", N_("✈️ Steps of the return")),
    ("reintegration_steps", N_("🏡 Help after the return")),
    ("rights", N_("⚖️ Your rights")),
    ("other_solutions", N_("🧭 Other solutions")),
    ("faq", N_("💬 Questions people ask")),
)
TOPIC_IDS = frozenset(topic for topic, _ in TOPIC_LABELS)


def listening(manager: DialogManager, t: Translator) -> str:
    """The language the person listens to: their listening language, else the written one."""
    person = manager.middleware_data.get("person")
    return getattr(person, "listen_locale", None) or t.locale


def position(manager: DialogManager) -> tuple[str, int]:
    data = manager.dialog_data
    return data.get("topic", "about"), int(data.get("index", 0))


async def topics_getter(t: Translator, **_: Any) -> dict[str, Any]:
    return {"topics": [(topic, t(label)) for topic, label in TOPIC_LABELS]}


async def page_getter(
    dialog_manager: DialogManager, content: ContentLibrary, recordings: RecordingService,
    t: Translator, **_: Any,
) -> dict[str, Any]:  # fmt: skip
    topic_id, index = position(dialog_manager)
    pages = content.topic(t.locale, topic_id).pages
    index = max(0, min(index, len(pages) - 1))
    page = pages[index]
    return {
        "has_voice": await recordings.voice(topic_id, index + 1, listening(dialog_manager, t))
        is not None,
        "title": esc(page.title),
        "body": esc(page.body),
        "current": t.number(index + 1),
        "total": t.number(len(pages)),
        "has_prev": index > 0,
        "has_next": index < len(pages) - 1,
        "is_last": index == len(pages) - 1,
        "is_faq": topic_id == "faq",
    }


async def faq_getter(content: ContentLibrary, t: Translator, **_: Any) -> dict[str, Any]:
    pages = content.topic(t.locale, "faq").pages
    return {"questions": [(str(i), page.title) for i, page in enumerate(pages)]}


async def contact_getter(offices: tuple[Office, ...], t: Translator, **_: Any) -> dict[str, Any]:
    return {"offices": "\n\n".join(office_card(office, t) for office in offices)}


def office_card(office: Office, t: Translator) -> str:
    """Only the details that are configured; Latin fragments isolated for right-to-left text."""
    title = f"{t.country(office.country)} – {office.city_in(t.locale)}"
    lines = [f"<b>{esc(title)}</b>"]
    if office.address:
        lines.append(t.gettext("Address: {address}", address=esc(office.address)))
    if office.phone:
        lines.append(t.gettext("Phone: {phone}", phone=t.isolate(esc(office.phone))))
    if office.email:
        lines.append(t.gettext("E-mail: {email}", email=t.isolate(esc(office.email))))
    if office.fax:
        lines.append(t.gettext("Fax: {fax}", fax=t.isolate(esc(office.fax))))
    if office.hours:
        lines.append(t.gettext("Opening hours: {hours}", hours=hours_text(office, t)))
    if not (office.address or office.phone or office.email):  # no "soon": where to go today
        lines.append(
            t.gettext("You can go to any IOM office, or press “✉️ Write to the office” in this bot.")
        )
    return "\n".join(lines)


def hours_text(office: Office, t: Translator) -> str:
    """The office's hours in the reader's language: "Monday – Friday, 08:30 – 16:30"."""
    from babel.dates import format_time

    days = t.babel.days["format"]["wide"]
    parts = []
    for period in office.hours:
        names = days[period.first_day]
        if period.last_day != period.first_day:
            names = t.gettext(
                "{first} to {last}", first=days[period.first_day], last=days[period.last_day]
            )
        parts.append(
            t.gettext(
                "{days}, {opens}–{closes}",
                days=names,
                opens=format_time(period.opens, "short", locale=t.babel),
                closes=format_time(period.closes, "short", locale=t.babel),
            )
        )
    return "; ".join(parts)
