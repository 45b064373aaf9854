"""The user use-cases against hand-written fakes of the ports."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.users import User
from bot.services.users import UserService
from tests.support import FakeClock


class FakeUsers:
    def __init__(self) -> None:
        self.rows: dict[int, User] = {}

    async def get(self, user_id):
        return self.rows.get(user_id)

    async def add(self, user):
        self.rows[user.id] = user

    async def touch(self, user_id, now):
        self.rows[user_id] = replace(self.rows[user_id], last_seen=now)

    async def set_locale(self, user_id, locale):
        self.rows[user_id] = replace(self.rows[user_id], locale=locale)

    async def set_source(self, user_id, source):
        self.rows[user_id] = replace(self.rows[user_id], source=source)


class FakeUow:
    def __init__(self, users: FakeUsers) -> None:
        self.users = users
        self.commits = 0

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return None

    async def commit(self):
        self.commits += 1


@pytest.fixture
def parts():
    users = FakeUsers()
    uow = FakeUow(users)
    clock = FakeClock()
    return users, uow, clock, UserService(lambda read_only=False: uow, clock)


async def test_first_contact_creates_the_person(parts):
    users, uow, clock, service = parts
    seen = await service.seen(5)
    assert seen.is_new
    assert users.rows[5].first_seen == clock.now()
    assert uow.commits == 1


async def test_last_seen_is_not_written_on_every_update(parts):
    users, uow, clock, service = parts
    await service.seen(5)
    clock.advance(minutes=1)
    await service.seen(5)
    assert uow.commits == 1
    clock.advance(minutes=15)
    seen = await service.seen(5)
    assert not seen.is_new
    assert users.rows[5].last_seen == clock.now()
    assert uow.commits == 2


async def test_only_the_first_source_is_kept(parts):
    users, _, _, service = parts
    await service.seen(5)
    assert await service.record_source(5, "oujda")
    assert not await service.record_source(5, "rabat")
    assert users.rows[5].source == "oujda"


async def test_unsupported_locale_is_refused(parts):
    _, _, _, service = parts
    await service.seen(5)
    with pytest.raises(ValueError, match="unsupported"):
        await service.choose_locale(5, "de")
