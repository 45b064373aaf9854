"""DATA_KEY: a key check stored at first start; a different key refused at start-up with one
line; `python -m bot rotate-key` re-encrypts everything, one transaction per table, resumable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiogram.fsm.storage.base import StorageKey
from cryptography.fernet import Fernet
from sqlalchemy import text

import storage.key_check
from bot.app import create_app
from bot.config import ConfigError
from storage.db import create_engine
from storage.fsm import SqlStorage
from storage.key_check import DataKeyError, rotate_data_key
from tests.dialogs.booking_steps import draft
from tests.support import TEST_DATA_KEY, make_settings

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = Fernet.generate_key().decode()


def run_bot(*args: str, database: str, key: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database, "DATA_KEY": key, "BOT_TOKEN": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def a_person_with_data(database: str) -> int:
    app = await create_app(make_settings(database))
    try:
        registration, _ = await app.registrations.register(8101, draft("fr"))
        # Dialog state, encrypted like the rest (a form half-filled).
        storage = SqlStorage(app.session_factory, app.read_session_factory, cipher=app.cipher)
        await storage.set_data(StorageKey(1, 8101, 8101), {"name": "Awa Diallo"})
        return registration.id
    finally:
        await app.close()


async def raw(database: str, sql: str) -> list[tuple]:
    engine = create_engine(database)
    async with engine.connect() as connection:
        rows = (await connection.execute(text(sql))).all()
    await engine.dispose()
    return [tuple(row) for row in rows]


@pytest.mark.slow  # real processes
async def test_a_different_key_stops_start_up_with_one_line(database):
    await a_person_with_data(database)
    assert len(await raw(database, "select check_value from data_key_check")) == 1
    result = run_bot("migrate", database=database, key=OTHER_KEY)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATA_KEY" in lines[0] and "not the key" in lines[0], lines
    assert "Traceback" not in result.stderr
    # The right key still starts.
    assert run_bot("migrate", database=database, key=TEST_DATA_KEY).returncode == 0


async def test_a_database_from_before_the_check_is_checked_against_its_data(database):
    await a_person_with_data(database)
    engine = create_engine(database)
    async with engine.begin() as connection:
        await connection.execute(text("delete from data_key_check"))
    await engine.dispose()
    with pytest.raises(ConfigError, match="not the key the data"):
        await create_app(make_settings(database, DATA_KEY=OTHER_KEY))
    app = await create_app(make_settings(database))  # the right key: the check is stored now
    await app.close()
    assert len(await raw(database, "select id from data_key_check")) == 1


async def read_back(database: str, key: str, registration_id: int) -> tuple:
    app = await create_app(make_settings(database, DATA_KEY=key))
    try:
        async with app.uow(read_only=True) as uow:
            registration = await uow.registrations.get(registration_id)
        storage = SqlStorage(app.session_factory, app.read_session_factory, cipher=app.cipher)
        state = await storage.get_data(StorageKey(1, 8101, 8101))
        return registration.draft.name, state
    finally:
        await app.close()


@pytest.mark.slow  # a real process
async def test_rotate_key_re_encrypts_everything(database):
    registration_id = await a_person_with_data(database)
    before = await raw(database, "select name_enc from registrations")
    result = run_bot("rotate-key", database=database, key=TEST_DATA_KEY, NEW_DATA_KEY=OTHER_KEY)
    assert result.returncode == 0, result.stderr
    assert "registrations: " in result.stdout and "fsm_records: " in result.stdout
    assert await raw(database, "select name_enc from registrations") != before
    with pytest.raises(ConfigError, match="not the key"):
        await create_app(make_settings(database))  # the old key no longer opens it
    name, state = await read_back(database, OTHER_KEY, registration_id)
    assert name == draft("fr").name
    assert state == {"name": "Awa Diallo"}


async def test_an_interrupted_rotation_refuses_both_keys_and_resumes(database, monkeypatch):
    registration_id = await a_person_with_data(database)
    engine = create_engine(database)
    real = storage.key_check._rotate_table
    done = []

    async def interrupted(engine, table, *args):
        if table.name == "relay_messages":  # two tables done, then the power goes
            raise KeyboardInterrupt
        done.append(table.name)
        return await real(engine, table, *args)

    monkeypatch.setattr(storage.key_check, "_rotate_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        await rotate_data_key(engine, TEST_DATA_KEY, OTHER_KEY)
    assert done == ["registrations", "checkins"]
    for key in (TEST_DATA_KEY, OTHER_KEY):
        with pytest.raises(ConfigError, match="rotation was interrupted"):
            await create_app(make_settings(database, DATA_KEY=key))
    third = Fernet.generate_key().decode()
    with pytest.raises(DataKeyError, match="another key"):
        await rotate_data_key(engine, TEST_DATA_KEY, third)

    monkeypatch.setattr(storage.key_check, "_rotate_table", real)
    await rotate_data_key(engine, TEST_DATA_KEY, OTHER_KEY)  # the same command again
    await engine.dispose()
    name, state = await read_back(database, OTHER_KEY, registration_id)
    assert name == draft("fr").name
    assert state == {"name": "Awa Diallo"}


@pytest.mark.slow  # a real process
def test_rotate_key_needs_a_valid_new_key(tmp_path):
    result = run_bot(
        "rotate-key", database=f"sqlite+aiosqlite:///{tmp_path}/x.db", key=TEST_DATA_KEY
    )
    assert result.returncode == 2
    assert "--new-key" in result.stderr and len(result.stderr.strip().splitlines()) == 1
