"""Registering interest (the programme's first contact): the form's values and their rules."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import phonenumbers

NAME_MIN, NAME_MAX = 2, 60
CITY_MAX = 60
MAX_COMPANIONS = 20
CONSENT_VERSION = "2026-11-v2"  # bump when the consent text changes


class Gender(StrEnum):
    WOMAN = "woman"
    MAN = "man"
    OTHER = "other"
    UNSAID = "unsaid"


class AgeGroup(StrEnum):
    UNDER_18 = "under_18"
    FROM_18_TO_25 = "18_25"
    FROM_26_TO_35 = "26_35"
    FROM_36_TO_50 = "36_50"
    OVER_50 = "over_50"


class PassportState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NONE = "none"
    NOT_ASKED = "not_asked"  # returnees asking for reintegration support are not asked


class Need(StrEnum):
    MEDICAL = "medical"
    PREGNANCY = "pregnancy"
    DISABILITY = "disability"
    CHILDREN = "children"
    MINOR_ALONE = "minor_alone"
    UNSAFE = "unsafe"  # does not feel safe / was forced or exploited
    PUSHED = "pushed"  # someone is pushing them to return: the return must be voluntary
    NO_EMBASSY = "no_embassy"  # asylum, refugee or afraid of their authorities: talk first


URGENT_NEEDS = (Need.PUSHED, Need.MINOR_ALONE, Need.UNSAFE, Need.MEDICAL)


def needs_that_apply(gender: str | None, age_group: str | None) -> frozenset[Need]:
    """The needs worth offering: not "Pregnancy" to a man, not "Under 18 and alone" to an adult.
    (Unknown answers offer everything.)"""
    needs = set(Need)
    if gender == Gender.MAN:
        needs.discard(Need.PREGNANCY)
    if age_group is not None and age_group != AgeGroup.UNDER_18:
        needs.discard(Need.MINOR_ALONE)
    return frozenset(needs)


class Status(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    INTERVIEW = "interview"
    MEDICAL_CHECK = "medical_check"
    TRAVEL_DOCUMENTS = "travel_documents"
    DEPARTURE_PLANNED = "departure_planned"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


PROGRESS = (
    Status.NEW,
    Status.CONTACTED,
    Status.INTERVIEW,
    Status.MEDICAL_CHECK,
    Status.TRAVEL_DOCUMENTS,
    Status.DEPARTURE_PLANNED,
    Status.RETURNED,
)
FINAL = frozenset({Status.RETURNED, Status.WITHDRAWN, Status.CLOSED})


def is_open(status: Status) -> bool:
    return status not in FINAL


class Monitoring(StrEnum):
    """The check-ins of a returnee: on, paused by them, or stopped (by them, or unreachable)."""

    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


MONITORED = (Monitoring.ACTIVE, Monitoring.PAUSED)  # check-ins may still come


def allowed_transitions(current: Status) -> tuple[Status, ...]:
    """Staff move a case to any other step, or withdraw or close it; a finished case stays."""
    if current in FINAL:
        return ()
    return tuple(s for s in (*PROGRESS, Status.WITHDRAWN, Status.CLOSED) if s is not current)


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One line of a case's history."""

    registration_id: int
    at: datetime
    actor: str  # person, staff, system
    actor_id: int | None
    kind: str  # created, status, edited, withdrawn, erased, viewed
    from_status: Status | None = None
    to_status: Status | None = None


def move_case(
    registration_id: int,
    from_status: Status,
    to_status: Status,
    *,
    at: datetime,
    actor: str,
    actor_id: int | None = None,
    kind: str = "status",
) -> CaseEvent:
    """A case moving from one step to another, as its history records it. Every status change
    is one of these, applied by `uow.registrations.move` (compare-and-set, then recorded)."""
    return CaseEvent(
        registration_id=registration_id,
        at=at,
        actor=actor,
        actor_id=actor_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
    )


class InvalidInput(ValueError):
    """The reason is a short code the adapter turns into a translated hint."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Cn"}  # controls, bidi overrides, private use, unassigned


def clean_text(text: str, maximum: int) -> str:
    """NFC, no invisible or control characters, single spaces; InvalidInput if empty or too long."""
    text = unicodedata.normalize("NFC", text)
    kept = "".join(
        " " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _INVISIBLE
    )
    text = re.sub(r" {2,}", " ", kept).strip()
    if not text:
        raise InvalidInput("empty")
    if len(text) > maximum:
        raise InvalidInput("too_long")
    return text


def clean_name(text: str) -> str:
    name = clean_text(text, NAME_MAX)
    letters = sum(1 for ch in name if unicodedata.category(ch).startswith("L"))
    if letters < NAME_MIN:
        raise InvalidInput("not_a_name")  # digits, emoji or punctuation only
    return name


def normalise_phone(text: str, region: str) -> str:
    """E.164 (`+212612345678`), read as a number of `region` when it has no country code."""
    raw = clean_text(text, 32)
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise InvalidInput("phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def reference(country: str, year: int, sequence: int) -> str:
    return f"{country}-{year}-{sequence:06d}"


REFERENCE_SHAPE = re.compile(r"^[A-Z]{2}-\d{4}-\d{6}$")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the form collected; stored only after consent and confirmation."""

    name: str
    country: str  # of origin, ISO code
    office_id: str
    city: str
    phone: str | None
    gender: Gender
    age_group: AgeGroup
    passport: PassportState
    companions: int
    needs: frozenset[Need] = field(default_factory=frozenset)
    contact_locale: str = "en"


@dataclass(frozen=True, slots=True)
class Registration:
    id: int
    reference: str
    user_id: int | None
    status: Status
    draft: Draft
    consent_version: str | None
    consent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    source: str | None = None
    kind: str = "return"  # or "reintegration": a returnee who registered themselves
    returned_on: date | None = None
    return_country: str | None = None
    returned_from: str | None = None
    monitoring: str | None = None  # a Monitoring value, once returned


def urgent(needs: frozenset[Need]) -> tuple[Need, ...]:
    return tuple(n for n in URGENT_NEEDS if n in needs)
