"""Apply Alembic migrations from code (start-up, tests) without importing aiogram.

Alembic itself (about 11 MiB of a running process) is imported only when there is something to
migrate: start-up first compares the database's `alembic_version` with the heads of the
migration files, read as text, and imports nothing more when they agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=\n]*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@lru_cache(maxsize=8)
def head_revisions(directory: Path = MIGRATIONS / "versions") -> frozenset[str]:
    """The revisions no migration file names as its down_revision (read as text, once per
    process: the migrations a process runs with do not change under it)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in directory.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return frozenset()  # not understood: let Alembic decide
        revisions.add(revision.group(1))
        parents.update(_QUOTED.findall(down.group(1)))
    return frozenset(revisions - parents)


async def is_at_head(engine: AsyncEngine) -> bool:
    heads = head_revisions()
    if not heads:
        return False
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return frozenset(row[0] for row in rows) == heads
    except SQLAlchemyError:  # a new database: no alembic_version table yet
        return False


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    if revision == "head" and await is_at_head(engine):
        return  # nothing to do: Alembic is not even imported
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, revision)
