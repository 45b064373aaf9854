"""What the information screens show: topic pages from the content files, and the offices."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager

from bot.content import ContentLibrary
from bot.domain.offices import Office
from bot.i18n import N_, Translator
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


def position(manager: DialogManager) -> tuple[str, int]:
    data = manager.dialog_data
    return data.get("topic", "about"), int(data.get("index", 0))


async def topics_getter(t: Translator, **_: Any) -> dict[str, Any]:
    return {"topics": [(topic, t(label)) for topic, label in TOPIC_LABELS]}


async def page_getter(
    dialog_manager: DialogManager, content: ContentLibrary, t: Translator, **_: Any
) -> dict[str, Any]:
    topic_id, index = position(dialog_manager)
    pages = content.topic(t.locale, topic_id).pages
    index = max(0, min(index, len(pages) - 1))
    page = pages[index]
    return {
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
    if office.hours:
        lines.append(t.gettext("Opening hours: {hours}", hours=esc(office.hours)))
    if len(lines) == 1:
        lines.append(
            t.gettext("Contact details will be added soon. Please ask at the nearest IOM office.")
        )
    return "\n".join(lines)
