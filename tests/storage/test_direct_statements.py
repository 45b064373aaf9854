"""`Direct` statements (storage/direct.py): in a write transaction on the event loop (SQLite)
they run straight on the session's sqlite3 connection, in its transaction, with the values
converted as SQLAlchemy converts them; anywhere else through the session. Run on both
databases: `make test-pg` takes the second way."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, event, insert, select, text
from sqlalchemy.exc import IntegrityError

from storage.db import create_engine, create_session_factory
from storage.direct import Direct
from storage.migrate import migrate
from storage.models import CaseEventRow, OutboxRow, ReferenceCounterRow, UserRow

AT = datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=UTC)
_USER = Direct(lambda _dialect: insert(UserRow.__table__).returning(UserRow.__table__.c.id))


def a_person(user_id: int) -> dict:
    return {
        "id": user_id, "first_seen": AT, "last_seen": AT, "blocked": False,
        "announcements_stopped": False,
    }  # fmt: skip


@pytest.fixture
async def engine(database):
    engine = create_engine(database)
    await migrate(engine)
    await engine.dispose()
    yield engine
    await engine.dispose()


def through_sqlalchemy(engine) -> list[str]:
    """Statements that went through SQLAlchemy's execution (a Direct one on the loop does not)."""
    seen: list[str] = []
    event.listen(
        engine.sync_engine, "before_cursor_execute", lambda *a, **k: seen.append(a[2].split()[0])
    )
    return seen


async def test_a_direct_insert_is_stored_as_sqlalchemy_stores_it(engine):
    sessions = create_session_factory(engine)
    seen = through_sqlalchemy(engine)
    async with sessions() as session, session.begin():
        assert list(await _USER.rows(session, a_person(1))) == [(1,)]
    on_loop = engine.dialect.name == "sqlite"
    assert ("INSERT" in seen) is not on_loop, seen
    async with sessions() as session, session.begin():  # the same row, the usual way
        await session.execute(insert(UserRow.__table__), a_person(2))
    async with engine.connect() as connection:
        stored = (await connection.execute(text("select id, first_seen from users"))).all()
        read = (await connection.execute(select(UserRow.first_seen))).scalars().all()
    assert stored[0][1] == stored[1][1]  # the time as SQLAlchemy's type writes it
    assert [value.replace(tzinfo=UTC) if value.tzinfo is None else value for value in read] == [
        AT,
        AT,
    ]


async def test_it_belongs_to_the_session_transaction(engine):
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await _USER.rows(session, a_person(3))
        await session.rollback()
    async with sessions() as session, session.begin():
        await _USER.rows(session, a_person(4))
        counter = Direct(lambda _d: insert(ReferenceCounterRow.__table__))
        await counter.rows(session, {"prefix": "MA-2026", "value": 7})
    async with engine.connect() as connection:
        ids = (await connection.execute(text("select id from users"))).scalars().all()
        value = (await connection.execute(text("select value from reference_counters"))).scalar()
    assert ids == [4] and value == 7


async def test_a_broken_constraint_is_sqlalchemy_integrity_error_and_changes_nothing(engine):
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        await _USER.rows(session, a_person(5))
    with pytest.raises(IntegrityError):
        async with sessions() as session, session.begin():
            await _USER.rows(session, a_person(6))
            await _USER.rows(session, a_person(5))
    async with engine.connect() as connection:
        ids = (await connection.execute(text("select id from users"))).scalars().all()
    assert ids == [5]


async def test_off_the_loop_it_goes_through_the_session(engine):
    """A read-only session on SQLite runs on aiosqlite's thread: the statement goes the usual
    way (this one only reads)."""
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        await _USER.rows(session, a_person(8))
    seen = through_sqlalchemy(engine)
    count = Direct(lambda _d: select(UserRow.id).where(UserRow.id == bindparam("id")))
    async with create_session_factory(engine, read_only=True)() as session:
        assert list(await count.rows(session, {"id": 8})) == [(8,)]
    assert "SELECT" in seen


async def test_what_it_cannot_do_is_refused_when_compiled(engine):
    sessions = create_session_factory(engine)
    returns_a_time = Direct(
        lambda _d: insert(CaseEventRow.__table__).returning(CaseEventRow.__table__.c.at)
    )
    defaults_left = Direct(lambda _d: insert(OutboxRow.__table__))
    async with sessions() as session:
        if engine.dialect.name != "sqlite":
            pytest.skip("checked where it runs directly: SQLite")
        event = {"registration_id": 1, "at": AT, "actor": "x", "kind": "created"}
        with pytest.raises(ValueError, match="unconverted"):
            await returns_a_time.rows(session, event)
        message = {
            "kind": "k", "audience": "staff", "payload": "{}", "dedupe_key": "d",
            "next_attempt_at": AT, "created_at": AT,
        }  # fmt: skip
        with pytest.raises(ValueError, match="attempts"):
            await defaults_left.rows(session, message)
        await session.rollback()


async def test_values_fixed_in_the_statement_are_sent_too(engine):
    """The counter's upsert holds its 1 and its +1 itself; the outbox insert its status."""
    from storage.repositories.outbox import _add_statement
    from storage.repositories.registrations import _NEXT_SEQUENCE

    sessions = create_session_factory(engine)
    outbox = Direct(_add_statement)
    async with sessions() as session, session.begin():
        first = await _NEXT_SEQUENCE.rows(session, {"prefix": "MR-2026"})
        second = await _NEXT_SEQUENCE.rows(session, {"prefix": "MR-2026"})
        message = {"kind": "k", "audience": "staff", "user_id": None, "payload": "{}",
                   "dedupe_key": "d1", "due": AT, "priority": 0}  # fmt: skip
        assert len(await outbox.rows(session, message)) == 1
        assert await outbox.rows(session, message) == []  # the same key: nothing inserted
    assert [tuple(first[0]), tuple(second[0])] == [(1,), (2,)]
    async with engine.connect() as connection:
        stored = (await connection.execute(text("select status, attempts from outbox"))).all()
    assert [tuple(row) for row in stored] == [("pending", 0)]
