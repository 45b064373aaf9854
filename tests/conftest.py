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
