"""The languages the bot speaks. Plain data: imported by the domain, storage and the adapter."""

SOURCE_LOCALE = "en"
SUPPORTED_LOCALES: tuple[str, ...] = ("en", "fr", "ar", "es", "pt")
RTL_LOCALES: frozenset[str] = frozenset({"ar"})
# Languages people may listen to with no written catalog (yet): staff record every information
# page in them; one is offered on the language screen once every page has its recording, and
# the menus are then in a written language the person chooses.
LISTENING_LOCALES: tuple[str, ...] = ("wo", "bm", "ff")  # Wolof, Bambara, Pulaar (Fula)

# The plural rule each catalog uses, decided here and written in the catalog's Plural-Forms
# header (what gettext applies at run time). Not read from Babel's CLDR data: CLDR 42+ gives
# fr/es/pt a third form ("many") that only exact millions take ("1 000 000 de personnes"); the
# bot counts people, days and messages, never millions, so these keep gettext's two forms. In
# ar, form 4 is 100–102 (n % 100 in 0..2) and form 5 is 11–99, as the translations are written.
PLURAL_FORMS: dict[str, str] = {
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "pt": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=0 && n%100<=2 ? 4 : 5);"
    ),
}
