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
    "hours",
    "cities_served",
}


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
    hours: str | None = None
    cities_served: tuple[str, ...] = ()
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
    email, phone = entry.get("email"), entry.get("phone")
    if email is not None and not (isinstance(email, str) and _EMAIL.match(email)):
        raise OfficesError(f"{where}: email is not an e-mail address")
    if phone is not None and not (isinstance(phone, str) and _PHONE.match(phone)):
        raise OfficesError(f"{where}: phone is not a phone number")
    cities = entry.get("cities_served", [])
    if not isinstance(cities, list) or not all(isinstance(c, str) and c.strip() for c in cities):
        raise OfficesError(f"{where}: cities_served must be a list of names")
    optional = {k: str(entry[k]) for k in ("address", "phone", "email", "hours") if entry.get(k)}
    return Office(
        id=office_id,
        country=country,
        city=str(entry["city"]),
        timezone=str(entry["timezone"]),
        cities_served=tuple(cities),
        city_names=tuple(
            (city, code, name)
            for city in (str(entry["city"]), *cities)
            for code, name in names.get(city, {}).items()
        ),
        **optional,
    )
