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

    async def seen(self, user_id, now):
        """As the SQL upsert: create, or refresh last_seen and make reachable again."""
        user = self.rows.get(user_id)
        if user is None:
            self.rows[user_id] = User(user_id, None, None, first_seen=now, last_seen=now)
            return self.rows[user_id], True
        self.rows[user_id] = replace(user, last_seen=now, blocked=False)
        return self.rows[user_id], False

    async def set_languages(self, user_id, locale, listen_locale):
        self.rows[user_id] = replace(self.rows[user_id], locale=locale, listen_locale=listen_locale)

    async def set_source(self, user_id, source):
        self.rows[user_id] = replace(self.rows[user_id], source=source)

    async def set_blocked(self, user_id, blocked):
        self.rows[user_id] = replace(self.rows[user_id], blocked=blocked)


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


async def test_remembered_people_are_answered_from_memory_until_a_commit_changes_them():
    users, clock = FakeUsers(), FakeClock()
    uow = FakeUow(users)
    service = UserService(lambda read_only=False: uow, clock, remember=True)
    reads = 0  # visits to the database: a read, or the upsert that returns the row
    get, upsert = users.get, users.seen

    async def counted_get(user_id):
        nonlocal reads
        reads += 1
        return await get(user_id)

    async def counted_upsert(user_id, now):
        nonlocal reads
        reads += 1
        return await upsert(user_id, now)

    users.get, users.seen = counted_get, counted_upsert
    await service.seen(5)
    await service.choose_locale(5, "fr")
    reads_after_first = reads
    clock.advance(minutes=1)
    seen = await service.seen(5)
    assert seen.user.locale == "fr"  # what was committed, without reading it back
    assert reads == reads_after_first and uow.commits == 2
    users.rows[5] = replace(users.rows[5], blocked=True)  # e.g. the outbox got a 403
    service.forget([5])  # the unit of work tells the service at commit
    clock.advance(minutes=1)
    await service.seen(5)
    assert reads == reads_after_first + 1
    assert users.rows[5].blocked is False  # they wrote again: reachable again
    clock.advance(minutes=11)  # last_seen due: memory is no answer, the row is refreshed
    await service.seen(5)
    assert users.rows[5].last_seen == clock.now()
    assert service.active() == 1
