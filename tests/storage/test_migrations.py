"""The migrations build the schema the models describe, on a real SQLite file."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from storage.db import create_engine
from storage.migrate import migrate
from storage.models import Base


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_models_match_migrations(database):
    engine = create_engine(database)
    await migrate(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(_diff)
    await engine.dispose()
    assert differences == []


async def test_migrating_twice_is_harmless(database):
    engine = create_engine(database)
    await migrate(engine)
    await migrate(engine)
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        version = (
            await connection.execute(text("select version_num from alembic_version"))
        ).scalar()
    await engine.dispose()
    assert {"users", "fsm_records"} <= set(tables)
    assert version is not None


@pytest.mark.sqlite_only
async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(db_path):
    engine = create_engine(f"sqlite+aiosqlite:///{db_path}")
    async with engine.connect() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
        busy = (await connection.execute(text("PRAGMA busy_timeout"))).scalar()
    await engine.dispose()
    assert journal == "wal"
    assert foreign == 1
    assert busy >= 5000
