"""One transaction per update: the person's own row, their dialog state, and what a unit of
work of the update commits are written together (storage/uow.py, storage/fsm.py).

Counted from SQLite's own trace of what it runs, on every connection the bot writes through
(the event loop's and the engine's), as `bench/compare.py` counts them."""

import json

import pytest
from sqlalchemy import event, text

from bench.compare import Counts, tracer
from bot.app import create_app
from tests.dialogs.registration_steps import fill_form, open_menu
from tests.dialogs.test_robustness import bot_texts
from tests.support import start_harness

pytestmark = pytest.mark.sqlite_only  # one process on SQLite: the deferred person row


async def trace_transactions(app) -> Counts:
    """The transactions SQLite runs from now on, on the loop's connection and the engine's (its
    pooled connections are closed first: each new one is traced), counted by bench/compare.py's
    tracer: each BEGIN, and each write run outside one (its own transaction)."""
    counted = Counts()
    app.loop_db._connection().set_trace_callback(tracer(counted))
    await app.engine.dispose()

    @event.listens_for(app.engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.driver_connection._conn.set_trace_callback(tracer(counted))

    return counted


@pytest.fixture
async def counted(harness):
    """Counted once the bot has served someone (what it keeps in memory from its first
    update is read then)."""
    await harness.person(17000, "en").send("/start")
    return await trace_transactions(harness.app)


async def one(app, sql, **params):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql), params)).first()


async def test_a_new_persons_first_message_is_one_transaction(harness, counted):
    person = harness.person(17001, "en")
    await person.send("/start")
    assert counted.transactions == 1  # the person's row and their dialog state, together
    row = await one(harness.app, "select blocked, first_seen from users where id = 17001")
    assert row is not None and not row.blocked
    assert await one(harness.app, "select 1 from fsm_records where user_id = 17001")


async def test_choosing_the_language_is_one_transaction(harness, counted):
    person = harness.person(17002, "en")
    await person.send("/start")
    counted.transactions = 0
    await person.press("Français")
    assert counted.transactions == 1
    assert (await one(harness.app, "select locale from users where id = 17002")).locale == "fr"


async def test_a_first_message_with_a_link_keeps_where_the_person_came_from(harness, counted):
    """The link's source is written by a unit of work of the very update that creates the
    person: it takes the person's row along first, so it finds them."""
    person = harness.person(17003, "en")
    await person.send("/start src_radio")
    assert counted.transactions == 2  # the source's (with the person's row), then the dialog state
    row = await one(harness.app, "select source from users where id = 17003")
    assert row is not None and row.source == "radio"


async def test_confirm_writes_the_registration_and_its_screen_in_one_transaction(
    app, settings, clock
):
    harness = await start_harness(app)
    person, t = await open_menu(harness, 17004, "fr")
    await fill_form(person, t)
    counted = await trace_transactions(app)
    await person.press(t.gettext("✅ Confirm"))
    assert counted.transactions == 1
    reference = (await one(app, "select reference from registrations where user_id = 17004"))[0]
    assert reference in person.last_text()
    await harness.bot.session.close()

    # What was written with it is the screen that shows the reference, without the answers.
    again = await create_app(settings, clock=clock)
    assert again.loop_db is not None
    stored = [
        again.cipher.decrypt(row.data)
        for row in (await _rows(again, "select data from fsm_records where user_id = 17004"))
    ]
    contexts = [json.loads(data) for data in stored if data and '"dialog_data"' in data]
    assert any(c["dialog_data"].get("reference") == reference for c in contexts)
    assert all("Aminata" not in data for data in stored if data)
    await again.close()


async def _rows(app, sql):
    async with app.engine.connect() as connection:
        return list(await connection.execute(text(sql)))


async def test_a_failed_commit_keeps_no_screen_that_reports_it(harness, monkeypatch):
    """The registration's transaction fails to commit: the screen that would have shown its
    reference is not kept either (the person is told something went wrong, and can try again)."""
    person, t = await open_menu(harness, 17005, "en")
    await fill_form(person, t)
    monkeypatch.setattr(harness.app.registrations, "_uow", _CommitFails(harness.app.uow))
    await person.press(t.gettext("✅ Confirm"))
    assert bot_texts(harness, person.chat_id, 2)[0].startswith("Sorry, something went wrong")
    monkeypatch.undo()
    assert await one(harness.app, "select 1 from registrations where user_id = 17005") is None
    stored = await _rows(harness.app, "select data from fsm_records where user_id = 17005")
    assert not any('"reference"' in (harness.app.cipher.decrypt(row.data) or "") for row in stored)
    await fill_form(person, t)  # the apology showed the menu: the form again, then Confirm
    await person.press(t.gettext("✅ Confirm"))
    row = await one(harness.app, "select reference from registrations where user_id = 17005")
    assert row is not None and row.reference in person.last_text()


class _CommitFails:
    """The unit-of-work factory, whose units write and then fail to commit (a full disk)."""

    def __init__(self, factory):
        self._factory = factory

    def __call__(self, **kwargs):
        return _FailingUnit(self._factory(**kwargs))


class _FailingUnit:
    def __init__(self, uow):
        self._uow = uow

    async def __aenter__(self):
        uow = await self._uow.__aenter__()

        async def fail():
            raise RuntimeError("disk full")

        uow.session.commit = fail
        return uow

    async def __aexit__(self, *exc):
        return await self._uow.__aexit__(*exc)
