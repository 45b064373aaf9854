"""The programme's offices, from `config/offices.toml`, validated at start-up."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OFFICES_FILE = Path(__file__).resolve().parents[2] / "config" / "offices.toml"
_ID = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,25}$")
_FIELDS = {
    "id",
    "country",
    "city",
    "timezone",
    "address",
    "phone",
    "email",
    "fax",
    "hours",
    "cities_served",
}


# What a person needs to find or reach an office; shown only when filled in.
CONTACT_FIELDS = ("address", "phone", "email", "hours")


class OfficesError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    country: str
    city: str
    timezone: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    fax: str | None = None
    hours: str | None = None
    cities_served: tuple[str, ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_offices(path: Path = OFFICES_FILE) -> tuple[Office, ...]:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise OfficesError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise OfficesError(f"{path}: {error}") from None
    entries = data.get("office")
    if not isinstance(entries, list) or not entries:
        raise OfficesError(f"{path}: needs at least one [[office]]")
    offices = tuple(_office(path, number, entry) for number, entry in enumerate(entries, 1))
    ids = [office.id for office in offices]
    if len(set(ids)) != len(ids):
        raise OfficesError(f"{path}: office ids must be unique")
    return offices


def _office(path: Path, number: int, entry: dict[str, object]) -> Office:
    where = f"{path}: office {number}"
    unknown = set(entry) - _FIELDS
    if unknown:
        raise OfficesError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for name in ("id", "country", "city", "timezone"):
        if not isinstance(entry.get(name), str) or not str(entry[name]).strip():
            raise OfficesError(f"{where}: {name} is required")
    office_id, country = str(entry["id"]), str(entry["country"])
    if not _ID.match(office_id):
        raise OfficesError(f"{where}: id must be lowercase letters, digits, - or _")
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise OfficesError(f"{where}: country must be a two-letter code such as MA")
    try:
        ZoneInfo(str(entry["timezone"]))
    except (ZoneInfoNotFoundError, ValueError):
        raise OfficesError(f"{where}: unknown timezone {entry['timezone']!r}") from None
    email, phone, fax = entry.get("email"), entry.get("phone"), entry.get("fax")
    if email is not None and not (isinstance(email, str) and _EMAIL.match(email)):
        raise OfficesError(f"{where}: email is not an e-mail address")
    if phone is not None and not (isinstance(phone, str) and _PHONE.match(phone)):
        raise OfficesError(f"{where}: phone is not a phone number")
    if fax is not None and not (isinstance(fax, str) and _PHONE.match(fax)):
        raise OfficesError(f"{where}: fax is not a phone number")
    cities = entry.get("cities_served", [])
    if not isinstance(cities, list) or not all(isinstance(c, str) and c.strip() for c in cities):
        raise OfficesError(f"{where}: cities_served must be a list of names")
    optional = {k: str(entry[k]) for k in (*CONTACT_FIELDS, "fax") if entry.get(k)}
    return Office(
        id=office_id,
        country=country,
        city=str(entry["city"]),
        timezone=str(entry["timezone"]),
        cities_served=tuple(cities),
        **optional,
    )


def missing_details(office: Office) -> tuple[str, ...]:
    """The contact fields an office lacks: staff are warned, people are told where else to go."""
    return tuple(name for name in CONTACT_FIELDS if not getattr(office, name))
