from datetime import UTC, datetime, timedelta

from bot.domain.users import User
from bot.services.users import UserService
from tests.support import FakeClock

BIG_ID = 8_123_456_789  # Telegram ids exceed 32 bits


async def test_big_ids_and_utc_times_round_trip(app):
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    async with app.uow() as uow:
        await uow.users.add(User(BIG_ID, "ar", "oujda", when, when))
        await uow.commit()
    async with app.uow() as uow:
        user = await uow.users.get(BIG_ID)
    assert user == User(BIG_ID, "ar", "oujda", when, when, blocked=False)
    assert user.first_seen.tzinfo is not None


async def test_uncommitted_work_is_rolled_back(app):
    async with app.uow() as uow:
        await uow.users.add(User(7, None, None, datetime.now(UTC), datetime.now(UTC)))
    async with app.uow() as uow:
        assert await uow.users.get(7) is None


async def test_user_service_on_the_real_database(app):
    clock = FakeClock()
    service = UserService(app.uow, clock)
    assert (await service.seen(BIG_ID)).is_new
    await service.choose_locale(BIG_ID, "pt")
    await service.record_source(BIG_ID, "rabat")
    clock.advance(minutes=30)
    seen = await service.seen(BIG_ID)
    assert not seen.is_new
    assert (seen.user.locale, seen.user.source) == ("pt", "rabat")
    async with app.uow() as uow:
        stored = await uow.users.get(BIG_ID)
    assert stored.last_seen - stored.first_seen == timedelta(minutes=30)
