"""Announcements: a message staff write once, in each language its recipients read, sent to a
segment of the people registered with the programme (by office, case status, language, returnee
or not). Staff-written texts, not personal data; who received one is (deleted with the person).

Who may receive one: a person with a registration of their own (they gave their consent to be
contacted by the programme; someone who only read the information pages did not), who did not
delete their data (their registrations are anonymous then), who did not stop announcements, whom
Telegram still reaches (not blocked), and whose case was not withdrawn (a person who stepped away
is not written to again: that could read as pressure to come back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.registration import Status
from bot.locales import SUPPORTED_LOCALES

TEXT_MAX = 3500  # Telegram takes 4096 characters; the header and HTML escapes need room
NEVER_TO = frozenset({Status.WITHDRAWN})  # cases whose people are never written to


class InvalidAnnouncementError(ValueError):
    """A segment or texts that cannot be sent (nothing was done)."""


@dataclass(frozen=True, slots=True)
class Segment:
    """Who an announcement is for; None means any. `returnees`: True only people back home
    (reintegration), False only people still preparing their return."""

    office_id: str | None = None
    status: Status | None = None
    locale: str | None = None
    returnees: bool | None = None

    def __post_init__(self) -> None:
        if self.status is not None and not isinstance(self.status, Status):
            try:  # a form's value ("new"): the status it names
                object.__setattr__(self, "status", Status(self.status))
            except ValueError:
                raise InvalidAnnouncementError("unknown status") from None
        if self.status in NEVER_TO:
            raise InvalidAnnouncementError("people who withdrew are never written to")
        if self.locale is not None and self.locale not in SUPPORTED_LOCALES:
            raise InvalidAnnouncementError("unsupported language")

    def to_json(self) -> str:
        return json.dumps(
            {
                "office": self.office_id,
                "status": self.status.value if self.status is not None else None,
                "language": self.locale,
                "returnees": self.returnees,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, raw: str) -> Segment:
        data: dict[str, Any] = json.loads(raw)
        status = data.get("status")
        return cls(
            office_id=data.get("office"),
            status=Status(status) if status else None,
            locale=data.get("language"),
            returnees=data.get("returnees"),
        )


def clean_texts(texts: dict[str, str]) -> dict[str, str]:
    """The texts to send, by language: supported languages only, blank ones left out."""
    cleaned = {}
    for locale, written in texts.items():
        if locale not in SUPPORTED_LOCALES:
            raise InvalidAnnouncementError("unsupported language")
        text = (written or "").strip()
        if len(text) > TEXT_MAX:
            raise InvalidAnnouncementError("text too long")
        if text:
            cleaned[locale] = text
    if not cleaned:
        raise InvalidAnnouncementError("no text in any language")
    return cleaned


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    created_by: int
    created_at: datetime
    segment: Segment
    texts: dict[str, str]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One case of one person, as the segment filters read it."""

    user_id: int
    user_locale: str | None
    contact_locale: str
    office_id: str
    status: Status
    kind: str
    monitoring: str | None

    @property
    def returnee(self) -> bool:
        return (
            self.kind == "reintegration"
            or self.status is Status.RETURNED
            or self.monitoring in ("active", "paused")
        )

    @property
    def locale(self) -> str:
        """The language the person reads the bot in (as the notices resolve it)."""
        if self.user_locale in SUPPORTED_LOCALES:
            return self.user_locale
        return self.contact_locale if self.contact_locale in SUPPORTED_LOCALES else "en"


def recipients(candidates: list[Candidate], segment: Segment) -> dict[int, str]:
    """{person: language} of those the segment reaches (one entry per person, whatever the
    number of their cases). The candidates are already reachable people's own, live cases."""
    chosen: dict[int, str] = {}
    for case in candidates:
        if case.status in NEVER_TO:
            continue
        if segment.office_id is not None and case.office_id != segment.office_id:
            continue
        if segment.status is not None and case.status is not segment.status:
            continue
        if segment.returnees is not None and case.returnee is not segment.returnees:
            continue
        if segment.locale is not None and case.locale != segment.locale:
            continue
        chosen.setdefault(case.user_id, case.locale)
    return chosen


def count_by_language(people: dict[int, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for locale in people.values():
        counts[locale] = counts.get(locale, 0) + 1
    return dict(sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class Created:
    """What `create` did: `queued` people get it (by language); `without_text` people of the
    segment get nothing because no text was written in their language (by language too)."""

    announcement_id: int
    queued: dict[str, int] = field(default_factory=dict)
    without_text: dict[str, int] = field(default_factory=dict)

    @property
    def total_queued(self) -> int:
        return sum(self.queued.values())

    @property
    def total_without_text(self) -> int:
        return sum(self.without_text.values())


@dataclass(frozen=True, slots=True)
class Progress:
    """Where an announcement's messages are. `unreachable`: Telegram refused them (the person
    blocked the bot) or they were given up; `cancelled`: the person stopped announcements before
    it reached them. People who deleted their data since are no longer counted at all."""

    sent: int = 0
    pending: int = 0
    unreachable: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.unreachable + self.cancelled
