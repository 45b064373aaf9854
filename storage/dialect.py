"""The one place for SQL that differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Insert
from sqlalchemy.sql.schema import Table


def upsert_increment(dialect_name: str, table: Table, key: str, value: str) -> Insert:
    """Add one to a counter row (creating it at 1) and return the new value, atomically."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table).values({key: value, "value": 1})
    return statement.on_conflict_do_update(
        index_elements=[key], set_={"value": table.c.value + 1}
    ).returning(table.c.value)


def upsert(
    dialect_name: str,
    table: Table,
    values: dict[str, Any],
    key: list[str],
    update: list[str] | None = None,
) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE SET the `update` columns (default: all others)."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table).values(**values)
    columns = update if update is not None else [name for name in values if name not in key]
    changes = {name: statement.excluded[name] for name in columns}
    return statement.on_conflict_do_update(index_elements=key, set_=changes)


def upsert_rows(dialect_name: str, table: Table, key: list[str], update: list[str]) -> Insert:
    """The same upsert without values: built once, executed with a list of rows (executemany)."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table)
    changes = {name: statement.excluded[name] for name in update}
    return statement.on_conflict_do_update(index_elements=key, set_=changes)


def insert_new(dialect_name: str, table: Table, values: dict[str, Any], key: str) -> Insert:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING key: one statement that returns a row
    only if it inserted one (no SELECT first)."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    statement = module.insert(table).values(**values)
    return statement.on_conflict_do_nothing(index_elements=[key]).returning(table.c[key])
