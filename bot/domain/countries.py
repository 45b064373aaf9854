"""Countries people come from: codes here, names from Babel's CLDR data in each language."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

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


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for sorting and for typed searches."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def sorted_countries(names: Mapping[str, str], codes: Iterable[str] = COUNTRIES) -> list[str]:
    """Codes sorted by their name in one language (`names`: code -> localised name)."""
    return sorted(codes, key=lambda code: fold(names[code]))


def search_countries(
    query: str, names_by_language: Iterable[Mapping[str, str]], codes: Iterable[str] = COUNTRIES
) -> list[str]:
    """Codes whose name in any of the languages starts with the typed letters (or a word does)."""
    return CountryIndex(names_by_language, codes).search(query)


class CountryIndex:
    """Every name of every country folded once, for the typed searches of a running bot."""

    def __init__(
        self, names_by_language: Iterable[Mapping[str, str]], codes: Iterable[str] = COUNTRIES
    ) -> None:
        tables = list(names_by_language)
        self._words: list[tuple[str, tuple[str, ...]]] = []
        for code in codes:
            words: list[str] = []
            for names in tables:
                name = fold(names[code])
                words += [name, *name.split()]
            self._words.append((code, tuple(dict.fromkeys(words))))

    def search(self, query: str) -> list[str]:
        wanted = fold(query)
        if not wanted:
            return []
        return [code for code, words in self._words if any(w.startswith(wanted) for w in words)]
