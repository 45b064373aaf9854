"""The programme's offices, from `config/offices.toml`, validated at start-up."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.office_hours import HoursError, OpeningPeriod, parse_period

OFFICES_FILE = Path(__file__).resolve().parents[2] / "config" / "offices.toml"
_ID = re.compile(r"^[a-z][a-z0-9_-]{1,30}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,25}$")
_SHORT_NUMBER = re.compile(r"^\+?[0-9 ()-]{2,25}$")  # emergency numbers can be "19" or "112"
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
    "emergency",
}


# What a person needs to find or reach an office; shown only when filled in.
CONTACT_FIELDS = ("address", "phone", "email", "hours")


class OfficesError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    """A number to call in an emergency. `labels` maps a language code to the label; the
    label in "" is shown in any language that has none of its own."""

    labels: tuple[tuple[str, str], ...]
    number: str

    def label(self, locale: str) -> str:
        named = dict(self.labels)
        return named.get(locale) or named.get("") or named.get("en") or self.labels[0][1]


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
    hours: tuple[OpeningPeriod, ...] = ()
    cities_served: tuple[str, ...] = ()
    emergency: tuple[EmergencyContact, ...] = ()
    # (city as written above, language code, the city's name in that language)
    city_names: tuple[tuple[str, str, str], ...] = ()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def place_name(self, city: str, locale: str) -> str:
        """A city's name in a language (from `[cities]` in offices.toml), else as written."""
        for written, language, name in self.city_names:
            if written == city and language == locale:
                return name
        return city

    def city_in(self, locale: str) -> str:
        return self.place_name(self.city, locale)


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
    names = _city_names(path, data.get("cities", {}))
    offices = tuple(_office(path, number, entry, names) for number, entry in enumerate(entries, 1))
    ids = [office.id for office in offices]
    if len(set(ids)) != len(ids):
        raise OfficesError(f"{path}: office ids must be unique")
    return offices


def _city_names(path: Path, table: object) -> dict[str, dict[str, str]]:
    """`[cities.Rabat]` then `ar = "الرباط"`: a city's name in other languages."""
    if not isinstance(table, dict):
        raise OfficesError(f"{path}: [cities] must be a table of cities")
    for city, names in table.items():
        if not isinstance(names, dict) or not all(
            re.fullmatch(r"[a-z]{2,3}", str(code)) and isinstance(name, str) and name.strip()
            for code, name in names.items()
        ):
            raise OfficesError(
                f'{path}: [cities.{city}] must give names by language code, e.g. ar = "..."'
            )
    return table


def _office(
    path: Path, number: int, entry: dict[str, object], names: dict[str, dict[str, str]]
) -> Office:
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
    optional = {k: str(entry[k]) for k in ("address", "phone", "email", "fax") if entry.get(k)}
    return Office(
        id=office_id,
        country=country,
        city=str(entry["city"]),
        timezone=str(entry["timezone"]),
        cities_served=tuple(cities),
        hours=_hours(where, entry.get("hours", [])),
        emergency=_emergency(where, entry.get("emergency", [])),
        city_names=tuple(
            (city, code, name)
            for city in (str(entry["city"]), *cities)
            for code, name in names.get(city, {}).items()
        ),
        **optional,
    )


def _hours(where: str, value: object) -> tuple[OpeningPeriod, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OfficesError(f'{where}: hours must be a list such as ["mon-fri 08:30-16:30"]')
    try:
        return tuple(parse_period(v) for v in value)
    except HoursError as error:
        raise OfficesError(f"{where}: hours: {error}") from None


def _emergency(where: str, value: object) -> tuple[EmergencyContact, ...]:
    """`emergency = [{ label = "Police", number = "19" }]`; a label may be a table of
    translations: `label = { en = "Police", fr = "Police", ar = "الشرطة" }`."""
    if not isinstance(value, list):
        raise OfficesError(f"{where}: emergency must be a list of {{ label, number }}")
    contacts = []
    for number, item in enumerate(value, 1):
        here = f"{where}: emergency {number}"
        if not isinstance(item, dict) or set(item) != {"label", "number"}:
            raise OfficesError(f"{here}: needs exactly a label and a number")
        phone, label = item["number"], item["label"]
        if not isinstance(phone, str) or not _SHORT_NUMBER.match(phone):
            raise OfficesError(f"{here}: number is not a phone number")
        labels = {"": label} if isinstance(label, str) else label
        if (
            not isinstance(labels, dict)
            or not labels
            or not all(
                isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in labels.items()
            )
        ):
            raise OfficesError(f"{here}: label must be text or a table of translations")
        contacts.append(EmergencyContact(tuple(labels.items()), phone))
    return tuple(contacts)


def missing_details(office: Office) -> tuple[str, ...]:
    """The contact fields an office lacks: staff are warned, people are told where else to go."""
    return tuple(name for name in CONTACT_FIELDS if not getattr(office, name))
