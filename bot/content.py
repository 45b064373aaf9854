"""Long-form information pages, kept as plain text files under `locales/content/<lang>/`.

A file is one topic; pages are separated by a line `---`; a page's first line is its title.
Staff edit these files without touching Python. Every language must have the same topics with
the same number of pages (checked at start-up and by the tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.locales import SOURCE_LOCALE, SUPPORTED_LOCALES

CONTENT_DIR = Path(__file__).resolve().parent.parent / "locales" / "content"
TOPIC_IDS: tuple[str, ...] = (
    "about",
    "who",
    "return_steps",
    "reintegration_steps",
    "rights",
    "other_solutions",
    "faq",
)
PAGE_SEPARATOR = "---"


class ContentError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    body: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    pages: tuple[Page, ...]


def parse_topic(topic_id: str, text: str) -> Topic:
    chunks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip() == PAGE_SEPARATOR:
            chunks.append([])
        else:
            chunks[-1].append(line.rstrip())
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        lines = "\n".join(chunk).strip().splitlines()
        if not lines:
            raise ContentError(f"{topic_id}: page {number} has no title")
        pages.append(Page(title=lines[0].strip(), body="\n".join(lines[1:]).strip()))
    return Topic(topic_id, tuple(pages))


class ContentLibrary:
    def __init__(self, topics: dict[str, dict[str, Topic]]) -> None:
        self._topics = topics

    @classmethod
    def load(cls, directory: Path = CONTENT_DIR) -> ContentLibrary:
        topics: dict[str, dict[str, Topic]] = {}
        for locale in SUPPORTED_LOCALES:
            topics[locale] = {}
            for topic_id in TOPIC_IDS:
                path = directory / locale / f"{topic_id}.txt"
                if not path.exists():
                    raise ContentError(f"{path} is missing")
                topics[locale][topic_id] = parse_topic(topic_id, path.read_text("utf-8"))
        library = cls(topics)
        library._check_languages_agree()
        return library

    def topic(self, locale: str, topic_id: str) -> Topic:
        return self._topics[locale][topic_id]

    def page_count(self, topic_id: str) -> int | None:
        """Pages of a topic (the same in every language), or None for no such topic."""
        topic = self._topics[SOURCE_LOCALE].get(topic_id)
        return len(topic.pages) if topic else None

    def _check_languages_agree(self) -> None:
        for topic_id in TOPIC_IDS:
            expected = len(self._topics[SOURCE_LOCALE][topic_id].pages)
            for locale in SUPPORTED_LOCALES:
                found = len(self._topics[locale][topic_id].pages)
                if found != expected:
                    raise ContentError(
                        f"locales/content/{locale}/{topic_id}.txt has {found} pages, "
                        f"{SOURCE_LOCALE} has {expected}"
                    )
