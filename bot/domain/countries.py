"""Countries people come from: codes here, names from Babel's CLDR data in each language."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache

from babel import Locale

# The 22 countries of origin of the 2021 report (document 003), in its order.
REPORT_2021 = (
    "GN", "CI", "SN", "ML", "CM", "NG", "CD", "CG", "GM", "GH", "PH",
    "BF", "GW", "SD", "LR", "VE", "SL", "TG", "LK", "GA", "GY", "MR",
)  # fmt: skip
# The rest of West, Central and North Africa.
REGION = (
    "BJ", "CV", "NE", "TD", "CF", "GQ", "ST", "AO", "BI", "RW",
    "MA", "DZ", "TN", "LY", "EG", "SS", "ER", "ET",
)  # fmt: skip
COUNTRIES: tuple[str, ...] = REPORT_2021 + REGION
# Where the Moroccans assisted in 2021 came back from (document 003, "host country"), in its order.
RETURN_HOSTS_2021 = (
    "TN", "BA", "DE", "GR", "ES", "BE", "TR", "CH", "GE", "RS", "BG", "NL", "ME", "NO", "RO",
    "LU",
)  # fmt: skip
# Also the programme's countries, and where many people on the move come from (issue 14).
FREQUENT_ORIGINS = (*COUNTRIES, "SY", "YE", "BD", "SO", "PK", "AF", "ER", "PS", "IQ")
OTHER_COUNTRY = "ZZ"  # "Other / I prefer not to say": kept as is, never a country


def frequent(kind: str | None = None) -> tuple[str, ...]:
    """The countries shown first: where returnees come back from, or where people come from."""
    if kind == "reintegration":
        return tuple(dict.fromkeys((*RETURN_HOSTS_2021, "LY", "DZ", "MR", "ES", "IT", "FR")))
    return tuple(dict.fromkeys(FREQUENT_ORIGINS))


# CLDR territories that are not a country a person lives in or comes from.
NOT_COUNTRIES = frozenset(
    {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AQ", "BV", "HM", "UM", "TA", "DG", "IC", "EA",
     "CP", "AC", "CQ"}
)  # fmt: skip


@cache
def all_countries() -> tuple[str, ...]:
    """Every country of CLDR (two-letter codes), in code order; computed once."""
    territories = Locale.parse("en").territories
    return tuple(
        sorted(
            code
            for code in territories
            if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
        )
    )


def is_choosable(code: str) -> bool:
    """A country someone may pick (or "Other / I prefer not to say")."""
    return code == OTHER_COUNTRY or code in all_countries()


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for sorting and for typed searches."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def sorted_countries(names: Mapping[str, str], codes: Iterable[str] = COUNTRIES) -> list[str]:
    """Codes sorted by their name in one language (`names`: code -> localised name)."""
    return sorted(codes, key=lambda code: fold(names[code]))


def ordered_countries(
    names: Mapping[str, str], first: Iterable[str], codes: Iterable[str]
) -> list[str]:
    """The frequent ones first (sorted by name), then every other country by name."""
    head = [code for code in first if code in names]
    seen = set(head)
    return sorted_countries(names, head) + sorted_countries(
        names, [c for c in codes if c not in seen]
    )


def search_keys(folded_name: str) -> tuple[str, ...]:
    """What typed letters may start: the whole name or any of its words."""
    return (folded_name, *folded_name.split()[1:])


def matches(folded_name: str, wanted: str) -> bool:
    return any(key.startswith(wanted) for key in search_keys(folded_name))


def search_countries(
    query: str, names_by_language: Iterable[Mapping[str, str]], codes: Iterable[str] = COUNTRIES
) -> list[str]:
    """Codes whose name in any of the languages starts with the typed letters (or a word does)."""
    wanted = fold(query)
    if not wanted:
        return []
    tables = list(names_by_language)
    found = []
    for code in codes:
        for names in tables:
            if matches(fold(names[code]), wanted):
                found.append(code)
                break
    return found
