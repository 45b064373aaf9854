"""Retention: RETENTION_MONTHS after a person's last case ended, their personal data is erased
as /delete does (anonymous statistical record kept), by a daily job in the worker and by
`python -m bot purge`; every purge audited; an interrupted purge leaves no half-erased case."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import text

from bot.domain.registration import Status
from storage.fsm import SqlStorage
from tests.dialogs.booking_steps import draft
from tests.support import STAFF_ID

ROOT = Path(__file__).resolve().parents[2]
WITHDRAWN, CLOSED, OPEN, RECENT = 8201, 8202, 8203, 8204


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return [tuple(r) for r in (await connection.execute(text(sql))).all()]


async def people_with_cases(app, clock):
    """Four people: withdrawn and closed 25 months ago, open, and closed 23 months ago."""
    for user_id in (WITHDRAWN, CLOSED, OPEN, RECENT):
        await app.registrations.register(user_id, draft("fr"))
    storage = SqlStorage(app.session_factory, app.read_session_factory, cipher=app.cipher)
    await storage.set_data(StorageKey(1, WITHDRAWN, WITHDRAWN), {"name": "Awa"})
    await app.registrations.withdraw(WITHDRAWN)
    closed = await app.registrations.open_for(CLOSED)
    await app.cases.change_status(STAFF_ID, closed.id, Status.NEW, Status.CLOSED)
    clock.advance(days=61)
    recent = await app.registrations.open_for(RECENT)
    await app.cases.change_status(STAFF_ID, recent.id, Status.NEW, Status.CLOSED)
    clock.advance(days=25 * 31 - 61)  # 25 months after the first two ended, 23 after the last
    return storage


async def test_purge_erases_as_delete_does_only_past_retention_and_is_audited(app, clock):
    await people_with_cases(app, clock)
    due = await app.retention.due()
    assert sorted(d.user_id for d in due) == [WITHDRAWN, CLOSED]
    erased = await app.retention.purge()
    assert sorted(d.user_id for d in erased) == [WITHDRAWN, CLOSED]

    remaining = await rows(
        app,
        "select user_id, name_enc is null, phone_enc is null, erased_at is not null, country, "
        "gender, status from registrations order by id",
    )
    # The anonymous statistical record stays: country, gender, status; nothing that names.
    assert remaining[0][1:] == (True, True, True, "GN", remaining[0][5], "withdrawn")
    assert remaining[0][0] is None and remaining[1][0] is None
    assert remaining[1][-1] == "closed"
    assert [r[0] for r in remaining[2:]] == [OPEN, RECENT]  # the others are untouched
    assert all(not r[1] for r in remaining[2:])
    assert await rows(app, f"select count(*) from users where id in ({WITHDRAWN}, {CLOSED})") == [
        (0,)
    ]
    assert await rows(app, f"select count(*) from fsm_records where user_id = {WITHDRAWN}") == [
        (0,)
    ]
    audit = await rows(app, "select actor_id, action, detail from audit_log order by id")
    assert [(a, action) for a, action, _ in audit] == [(0, "purge"), (0, "purge")]
    assert all("retention 24 months: MA-2026-" in detail for _, _, detail in audit)
    events = await rows(app, "select actor, kind from case_events where kind = 'retention'")
    assert events == [("system", "retention"), ("system", "retention")]
    assert await app.retention.purge() == []  # nothing twice


async def test_a_returnee_is_kept_while_check_ins_remain(app, clock):
    await app.registrations.register(8301, draft("fr"))
    registration = await app.registrations.open_for(8301)
    outcome, _ = await app.checkins.mark_returned(STAFF_ID, registration_id=registration.id)
    assert outcome.value == "started"
    clock.advance(days=800)
    assert await app.retention.due() == []  # check-ins still scheduled: monitoring goes on


async def test_an_interrupted_purge_leaves_no_half_erased_case(app, clock, monkeypatch):
    await people_with_cases(app, clock)
    from storage.repositories.checkins import SqlCheckinRepository

    real = SqlCheckinRepository.erase_for_user
    calls = []

    async def power_cut(self, user_id):
        calls.append(user_id)
        if len(calls) == 2:  # the second person, half-way through their erasure
            raise KeyboardInterrupt
        return await real(self, user_id)

    monkeypatch.setattr(SqlCheckinRepository, "erase_for_user", power_cut)
    with pytest.raises(KeyboardInterrupt):
        await app.retention.purge()
    states = await rows(
        app,
        "select user_id is null, name_enc is null, erased_at is null from registrations "
        "order by id",
    )
    # The first person wholly erased, the second wholly intact: never in between.
    assert states[0] == (True, True, False)
    assert states[1] == (False, False, True)
    assert len(await rows(app, "select id from audit_log where action = 'purge'")) == 1
    monkeypatch.setattr(SqlCheckinRepository, "erase_for_user", real)
    assert [d.user_id for d in await app.retention.purge()] == [CLOSED]


async def test_the_worker_purges_once_a_day(app, clock, harness):
    from bot.telegram.entry.factory import create_worker

    await people_with_cases(app, clock)
    worker = create_worker(
        app, harness.bot, monotonic=harness.pace.monotonic, sleep=harness.pace.sleep
    )
    await worker.run_once()
    assert len(await rows(app, "select id from audit_log where action = 'purge'")) == 2
    await app.registrations.register(8401, draft("fr"))
    await app.registrations.withdraw(8401)
    clock.advance(days=800)
    await worker.run_once()  # the same day (by the worker's own clock): not again
    assert len(await rows(app, "select id from audit_log where action = 'purge'")) == 2


@pytest.mark.slow  # a real process
def test_purge_dry_run_lists_without_erasing_or_importing_aiogram(settings, tmp_path):
    import asyncio

    from bot.app import create_app
    from tests.support import FakeClock

    clock = FakeClock(datetime(2023, 1, 2, 9, 0, tzinfo=UTC))  # cases of long ago

    async def prepare():
        app = await create_app(settings, clock=clock)
        await people_with_cases(app, clock)
        await app.close()
        return clock.now()

    asyncio.run(prepare())  # the subprocess runs on the real clock, years later
    code = (
        "import sys, bot.__main__ as m; rc = m.main(['purge', '--dry-run']);"
        "print('aiogram loaded' if 'aiogram' in sys.modules else 'no aiogram'); sys.exit(rc)"
    )
    env = {**os.environ, "DATABASE_URL": settings.DATABASE_URL, "BOT_TOKEN": "",
           "DATA_KEY": settings.DATA_KEY.get_secret_value()}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "no aiogram" in result.stdout
    assert "3 people would be erased" in result.stdout, result.stdout
    assert "MA-2023-000001" in result.stdout and "Awa" not in result.stdout
    assert "MA-2023-000003" not in result.stdout  # the open case
    assert "3 people would be erased (cases ended more than 24 months ago)" in result.stdout
    assert asyncio.run(names_kept(settings.DATABASE_URL)) == 4  # a dry run erases nothing


async def names_kept(url):
    from storage.db import create_engine

    engine = create_engine(url)
    async with engine.connect() as connection:
        count = await connection.scalar(
            text("select count(*) from registrations where name_enc is not null")
        )
    await engine.dispose()
    return count
