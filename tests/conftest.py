from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from tests.support import FakeClock, Harness, make_settings, start_harness


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
def settings(db_path: Path) -> Settings:
    return make_settings(db_path)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = await create_app(settings, clock=clock)
    yield application
    await application.close()


@pytest.fixture
async def harness(app: App) -> AsyncIterator[Harness]:
    h = await start_harness(app)
    yield h
    await h.bot.session.close()


@pytest.fixture(scope="session", autouse=True)
def every_shown_msgid_is_in_the_catalog_template():
    """Any text the tests made the bot show must be extractable (in messages.pot): a msgid
    passed around in a variable without N_() would silently stay English in every language."""
    from babel.messages.pofile import read_po

    from bot.i18n import LOCALES_DIR, Translator

    seen: set[str] = set()
    original_gettext, original_ngettext = Translator.gettext, Translator.ngettext

    def gettext(self, msgid, /, **values):
        seen.add(msgid)
        return original_gettext(self, msgid, **values)

    def ngettext(self, singular, plural, n, /, **values):
        seen.add(singular)
        return original_ngettext(self, singular, plural, n, **values)

    Translator.gettext, Translator.ngettext = gettext, ngettext
    yield
    Translator.gettext, Translator.ngettext = original_gettext, original_ngettext
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        known = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    missing = sorted(seen - known)
    assert not missing, f"shown but not extracted (wrap in N_() or run make i18n): {missing}"
