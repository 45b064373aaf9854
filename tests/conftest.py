from __future__ import annotations

import asyncio
import itertools
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

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


# Each test gets its own database, copied from one migrated once per test process (a worker of
# pytest-xdist is a process): migrating takes ~0.2 s, a copy a few milliseconds. The copy is
# what the migrations and a first start built (the DATA_KEY check is stored), so the app's own
# start-up finds it at head with its key checked once, as on any restart.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def _with_database(url: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _migrate(url: str) -> None:
    """Migrate, and store the tests' DATA_KEY check, as the bot's first start does."""
    from storage.db import create_engine
    from storage.key_check import check_data_key
    from storage.migrate import migrate
    from tests.support import TEST_DATA_KEY

    engine = create_engine(url)
    await migrate(engine)
    await check_data_key(engine, TEST_DATA_KEY)
    await engine.dispose()


async def _postgres(*statements: str) -> None:
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        for statement in statements:
            await connection.execute(text(statement))
    await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated SQLite file, or (with TEST_DATABASE_URL) a migrated PostgreSQL database
    that each test's database is created from."""
    if not POSTGRES_URL:
        path = tmp_path_factory.mktemp("template") / "migrated.db"
        asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
        assert not path.with_name(path.name + "-wal").exists()  # everything is in the file
        return str(path)
    name = f"avrr_template_{WORKER}"
    asyncio.run(
        _postgres(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    )
    asyncio.run(_migrate(_with_database(POSTGRES_URL, name)))
    return name


@asynccontextmanager
async def database_copy(db_path: Path, migrated_template: str) -> AsyncIterator[str]:
    """The test's database URL: a copy of the migrated template, as a SQLite file or (with
    TEST_DATABASE_URL) a PostgreSQL database of its own, dropped after the test."""
    if not POSTGRES_URL:
        shutil.copyfile(migrated_template, db_path)
        yield f"sqlite+aiosqlite:///{db_path}"
        return
    name = f"avrr_{WORKER}_{next(_numbers)}"
    await _postgres(f"CREATE DATABASE {name} TEMPLATE {migrated_template}")
    try:
        yield _with_database(POSTGRES_URL, name)
    finally:
        await _postgres(f"DROP DATABASE {name} WITH (FORCE)")


@asynccontextmanager
async def running_app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = await create_app(settings, clock=clock)
    yield application
    await application.close()


@asynccontextmanager
async def running_harness(app: App) -> AsyncIterator[Harness]:
    h = await start_harness(app)
    yield h
    await h.bot.session.close()


# The async fixtures below run on each test's own event loop; tests/browser/conftest.py gives
# the same ones on the session's loop, where its browser lives.
@pytest.fixture
async def database(db_path: Path, migrated_template: str) -> AsyncIterator[str]:
    async with database_copy(db_path, migrated_template) as url:
        yield url


_numbers = itertools.count()


@pytest.fixture
def settings(database: str) -> Settings:
    return make_settings(database)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    async with running_app(settings, clock) as application:
        yield application


@pytest.fixture
async def harness(app: App) -> AsyncIterator[Harness]:
    async with running_harness(app) as h:
        yield h


CRAWL_FIGURES = pytest.StashKey[list[str]]()  # the crawler's figures, shown after the run


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    for line in config.stash.get(CRAWL_FIGURES, []):
        terminalreporter.write_line(line)


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
