"""Contract of the SQL FSM storage: what aiogram and aiogram-dialog rely on."""

import asyncio

import pytest
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from storage.db import create_engine, create_session_factory
from storage.fsm import SqlStorage
from storage.migrate import migrate
from tests.support import waits_for_another_process


class Form(StatesGroup):
    name = State()


@pytest.fixture(params=[False, True], ids=["uncached", "cached"])
def cached(request):
    return request.param


@pytest.fixture
async def sessions(database):
    engine = create_engine(database)
    await migrate(engine)
    yield create_session_factory(engine)
    await engine.dispose()


def key(user_id=1, chat_id=1, destiny="default"):
    return StorageKey(bot_id=42, chat_id=chat_id, user_id=user_id, destiny=destiny)


async def test_empty_key_has_no_state_and_no_data(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    assert await storage.get_state(key()) is None
    assert await storage.get_data(key()) == {}


async def test_state_and_data_round_trip(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    await storage.set_state(key(), Form.name)
    await storage.set_data(key(), {"name": "Aminata", "n": 3, "nested": {"ar": "مرحبا"}})
    assert await storage.get_state(key()) == "Form:name"
    assert await storage.get_data(key()) == {"name": "Aminata", "n": 3, "nested": {"ar": "مرحبا"}}
    assert await storage.update_data(key(), {"n": 4}) == {
        "name": "Aminata",
        "n": 4,
        "nested": {"ar": "مرحبا"},
    }


async def test_state_and_data_are_independent(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    await storage.set_data(key(), {"a": 1})
    await storage.set_state(key(), "X:y")
    await storage.set_state(key(), None)
    assert await storage.get_data(key()) == {"a": 1}
    await storage.set_data(key(), {})
    assert await storage.get_data(key()) == {}


async def test_keys_are_isolated_by_user_chat_and_destiny(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    await storage.set_state(key(user_id=1), "A:a")
    await storage.set_state(key(user_id=2), "B:b")
    await storage.set_state(key(chat_id=-100), "C:c")
    await storage.set_state(key(destiny="aiogram_dialog_stack"), "D:d")
    assert await storage.get_state(key(user_id=1)) == "A:a"
    assert await storage.get_state(key(user_id=2)) == "B:b"
    assert await storage.get_state(key(chat_id=-100)) == "C:c"
    assert await storage.get_state(key(destiny="aiogram_dialog_stack")) == "D:d"


async def test_survives_a_new_storage_instance(sessions, cached, database):
    await SqlStorage(sessions, cache=cached).set_data(key(), {"kept": True})
    engine = create_engine(database)
    again = SqlStorage(create_session_factory(engine))
    assert await again.get_data(key()) == {"kept": True}
    await engine.dispose()


async def test_concurrent_first_writes_do_not_fail(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    await asyncio.gather(*(storage.set_data(key(), {"i": i}) for i in range(20)))
    assert (await storage.get_data(key()))["i"] in range(20)


async def test_delete_user_erases_every_key_of_that_person(sessions, cached):
    storage = SqlStorage(sessions, cache=cached)
    await storage.set_data(key(user_id=1), {"a": 1})
    await storage.set_state(key(user_id=1, destiny="aiogram_dialog_stack"), "S:s")
    await storage.set_data(key(user_id=2), {"b": 2})
    assert await storage.delete_user(1) == 2
    assert await storage.get_data(key(user_id=1)) == {}
    assert await storage.get_data(key(user_id=2)) == {"b": 2}


async def test_rejects_non_mapping_data(sessions, cached):
    with pytest.raises(TypeError):
        await SqlStorage(sessions, cache=cached).set_data(key(), ["not", "a", "dict"])  # type: ignore[arg-type]


async def test_cleared_records_are_deleted_not_kept_empty(sessions, cached):
    from sqlalchemy import func, select

    from storage.models import FsmRecordRow

    storage = SqlStorage(sessions, cache=cached)
    await storage.set_state(key(), "A:a")
    await storage.set_data(key(), {"x": 1})
    await storage.set_state(key(), None)
    await storage.set_data(key(), {})
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(FsmRecordRow))
    assert count == 0
    assert await storage.get_state(key()) is None


@pytest.mark.parametrize("direct", [False, True], ids=["sqlalchemy", "one-call"])
async def test_a_batch_writes_everything_at_its_end_in_one_transaction(database, cached, direct):
    from sqlalchemy import event

    engine = create_engine(database)
    await migrate(engine)
    sessions = create_session_factory(engine)
    begins: list[str] = []
    storage = SqlStorage(sessions, cache=cached, engine=engine if direct else None)
    await storage.set_data(key(), {"old": True})  # a row that the batch will clear
    await storage.set_data(key(destiny="ctx"), {"gone": 1})

    def count(conn, cursor, statement, *_):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    other = SqlStorage(sessions)  # another process's view: only what was committed
    async with storage.batch():
        await storage.set_state(key(), "Form:name")
        await storage.set_data(key(), {"name": "Aminata"})
        await storage.set_data(key(destiny="stack"), {"stack": [1]})
        await storage.set_data(key(destiny="ctx"), {})  # a finished dialog: row removed
        assert await storage.get_data(key()) == {"name": "Aminata"}
        assert await other.get_data(key()) == {"old": True}  # nothing written yet
        reads = len(begins)
    assert len(begins) - reads <= 1  # the SQLAlchemy path: one BEGIN; one call: none seen here
    assert await other.get_state(key()) == "Form:name"
    assert await other.get_data(key()) == {"name": "Aminata"}
    assert await other.get_data(key(destiny="stack")) == {"stack": [1]}
    async with sessions() as session:
        from sqlalchemy import func, select

        from storage.models import FsmRecordRow

        assert await session.scalar(select(func.count()).select_from(FsmRecordRow)) == 2
    await engine.dispose()


@pytest.mark.sqlite_only  # the event loop's own connection exists on SQLite only
async def test_a_person_is_read_once_and_a_new_dialog_costs_no_read(database, monkeypatch):
    engine = create_engine(database)
    await migrate(engine)
    sessions = create_session_factory(engine)
    await SqlStorage(sessions).set_data(key(destiny="stack"), {"stack": [1]})  # from before
    storage = SqlStorage(sessions, cache=True, engine=engine)
    reads = []
    original = storage._loop.rows
    monkeypatch.setattr(
        storage._loop, "rows", lambda sql, p: reads.append(tuple(p)) or original(sql, p)
    )

    assert await storage.get_data(key(destiny="stack")) == {"stack": [1]}
    assert await storage.get_data(key(destiny="aiogd:context:new")) == {}  # known absent
    async with storage.batch():
        await storage.set_data(key(destiny="aiogd:context:new"), {"x": 1})
    assert await storage.get_data(key(destiny="aiogd:context:new")) == {"x": 1}
    assert reads == [(1, 1)]  # one read for the person, whatever keys they use
    assert await storage.get_data(key(user_id=2, chat_id=2)) == {}
    assert reads == [(1, 1), (2, 2)]
    assert await SqlStorage(sessions).get_data(key(destiny="aiogd:context:new")) == {"x": 1}
    await storage.close()
    await engine.dispose()


@pytest.mark.sqlite_only
async def test_one_changed_record_is_one_statement_and_several_are_one_transaction(database):
    """Most updates change one record: its upsert is its own transaction on the loop's
    connection (no BEGIN and COMMIT around it); several records go in one transaction."""
    engine = create_engine(database)
    await migrate(engine)
    sessions = create_session_factory(engine)
    storage = SqlStorage(sessions, cache=True, engine=engine)
    await storage.get_data(key())  # the person known, the loop's connection open
    run: list[str] = []
    storage._loop._connection().set_trace_callback(lambda sql: run.append(sql.split()[0]))
    async with storage.batch():
        await storage.set_data(key(), {"name": "Aminata"})
    assert run == ["INSERT"]
    assert await SqlStorage(sessions).get_data(key()) == {"name": "Aminata"}  # committed
    run.clear()
    async with storage.batch():
        await storage.set_data(key(), {"name": "Aminata", "city": "Rabat"})
        await storage.set_data(key(destiny="stack"), {"stack": [1]})
    assert run == ["BEGIN", "INSERT", "INSERT", "COMMIT"]
    other = SqlStorage(sessions)
    assert await other.get_data(key()) == {"name": "Aminata", "city": "Rabat"}
    assert await other.get_data(key(destiny="stack")) == {"stack": [1]}
    await storage.close()
    await engine.dispose()


@pytest.mark.sqlite_only
async def test_a_write_waits_for_another_process_without_stalling_the_event_loop(database):
    """Another process holding SQLite's write lock (a report, a maintenance command): the
    write waits on aiosqlite's thread, the loop goes on serving, and nothing is lost."""
    engine = create_engine(database)
    await migrate(engine)
    sessions = create_session_factory(engine)
    storage = SqlStorage(sessions, cache=True, engine=engine)
    await storage.get_data(key())  # the person known, the loop's connection open

    async def one_update():
        async with storage.batch():
            await storage.set_data(key(), {"name": "Aminata"})

    await waits_for_another_process(engine.url.database, one_update())
    assert await SqlStorage(sessions).get_data(key()) == {"name": "Aminata"}
    await storage.close()
    await engine.dispose()


async def test_a_unit_of_work_of_the_update_writes_its_dialog_state_in_its_transaction(
    database, cached
):
    """What the update holds when a unit of work of it commits is written in that transaction;
    if the commit fails, it is neither written nor kept (memory included)."""
    from storage.crypto import DataCipher
    from storage.db import WriteGate
    from storage.uow import SqlUnitOfWorkFactory
    from tests.support import TEST_DATA_KEY

    engine = create_engine(database)
    await migrate(engine)
    sessions = create_session_factory(engine)
    storage = SqlStorage(sessions, cache=cached, engine=engine)
    units = SqlUnitOfWorkFactory(
        sessions,
        create_session_factory(engine, read_only=True),
        DataCipher(TEST_DATA_KEY),
        WriteGate(database),
    )
    units.update_writes = storage
    other = SqlStorage(sessions)  # another process's view: only what was committed

    async with storage.batch():
        async with units() as unit:
            await storage.set_data(key(), {"screen": "done"})
            await unit.commit()
        assert await other.get_data(key()) == {"screen": "done"}  # before the update ends

    async def disk_full():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        async with storage.batch(), units() as unit:
            await storage.set_data(key(), {"screen": "never shown"})
            unit.session.commit = disk_full
            await unit.commit()
    assert await other.get_data(key()) == {"screen": "done"}
    assert await storage.get_data(key()) == {"screen": "done"}
    await storage.close()
    await engine.dispose()


async def test_cached_dialogs_leave_a_full_collection_nothing_to_walk(sessions):
    """What the cache keeps of 10,000 people mid-dialog: plain tuples of strings in plain dicts,
    which the collector stops tracking after one full collection (no pause grows with them)."""
    import gc

    storage = SqlStorage(sessions, cache=True)
    for user_id in (1, 2, 3):
        await storage.set_state(key(user_id), Form.name)
        await storage.set_data(key(user_id), {"name": "Awa", "needs": ["medical"]})
    gc.collect()
    people = list(storage._cache.values())
    assert len(people) == 3
    assert not any(gc.is_tracked(records) for records in people)
    assert not any(gc.is_tracked(record) for records in people for record in records.values())
    assert await storage.get_data(key(2)) == {"name": "Awa", "needs": ["medical"]}
