"""The languages the bot speaks. Plain data: imported by the domain, storage and the adapter."""

SOURCE_LOCALE = "en"
SUPPORTED_LOCALES: tuple[str, ...] = ("en", "fr", "ar", "es", "pt")
RTL_LOCALES: frozenset[str] = frozenset({"ar"})
