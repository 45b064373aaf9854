from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from tests.support import FakeClock, Harness, make_settings, start_harness


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, tests of SQLite's own behaviour (files, pragmas) are skipped, by name."""
    if not POSTGRES_URL:
        needs_server = pytest.mark.skip(
            reason="needs a PostgreSQL server: `make test-pg` (CI runs it) starts one"
        )
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(needs_server)
        return
    skip = pytest.mark.skip(reason="SQLite-only test; this run is on PostgreSQL")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture
async def database(db_path: Path) -> str:
    """The test's database URL: a fresh SQLite file, or (with TEST_DATABASE_URL) a PostgreSQL
    database whose schema is dropped and created again for each test."""
    if not POSTGRES_URL:
        return f"sqlite+aiosqlite:///{db_path}"
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(POSTGRES_URL)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return POSTGRES_URL


@pytest.fixture
def settings(database: str) -> Settings:
    return make_settings(database)


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
