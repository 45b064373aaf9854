"""DATA_KEY: checked at start-up against a value stored at first start, and rotated.

- First start: a known text encrypted with the key is stored (`data_key_check`). If the
  database already holds encrypted data (a database from before this check), that data must
  open with the key first.
- Every start: the stored value must open with DATA_KEY, else start-up stops with one line.
- `rotate-key`: every encrypted column and the dialog state are re-encrypted with the new key,
  one transaction per table. Resumable: a value is opened with either key and sealed with the
  new one (`storage.crypto.reseal`), so running it again after an interruption finishes the
  job; until it has finished, start-up is refused with either key. Values still in the old
  form (Fernet tokens, storage/crypto.py) come out in the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Column, Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.crypto import DataCipher, reseal
from storage.models import (
    CheckinRow,
    DataKeyCheckRow,
    FsmRecordRow,
    RegistrationRow,
    RelayMessageRow,
)

CHECK_TEXT = "avrr data key check v1"
ROW_ID = 1
# Every column encrypted with DATA_KEY: (table, primary key, encrypted columns).
ENCRYPTED = (
    (RegistrationRow.__table__, "id", ("name_enc", "phone_enc", "city_enc", "needs_enc",
                                       "self_check_enc")),
    (CheckinRow.__table__, "id", ("answers_enc",)),
    (RelayMessageRow.__table__, "id", ("text_enc", "file_enc")),
    (FsmRecordRow.__table__, "key", ("data",)),
)  # fmt: skip
ROTATE_HINT = "run `python -m bot rotate-key` again with the same new key to finish it"


class DataKeyError(Exception):
    """DATA_KEY does not open this database; the message is one line for the operator."""


async def _sample(engine: AsyncEngine) -> str | None:
    """One encrypted value already in the database, if any: one statement, whose COALESCE
    stops at the first column that has one (SQLite and PostgreSQL both stop there)."""
    firsts = []
    for table, _pk, columns in ENCRYPTED:
        for name in columns:
            column: Column = table.c[name]
            firsts.append(select(column).where(column.is_not(None)).limit(1).scalar_subquery())
    async with engine.connect() as connection:
        return await connection.scalar(select(func.coalesce(*firsts)))


async def check_data_key(engine: AsyncEngine, key: str, now: datetime | None = None) -> None:
    """Refuse a DATA_KEY this database was not written with (DataKeyError); store the check
    value at first start."""
    cipher = DataCipher(key)
    table = DataKeyCheckRow.__table__
    async with engine.begin() as connection:
        row = (await connection.execute(select(table).where(table.c.id == ROW_ID))).first()
    if row is not None:
        if row.pending_value is not None:
            raise DataKeyError(f"DATA_KEY: a key rotation was interrupted; {ROTATE_HINT}")
        if not cipher.opens(row.check_value):
            raise DataKeyError(
                "DATA_KEY: this is not the key this database was written with; set the right "
                "DATA_KEY (to change it, see README: Key rotation)"
            )
        return
    sample = await _sample(engine)
    if sample is not None and not cipher.opens(sample):
        raise DataKeyError(
            "DATA_KEY: this is not the key the data in this database was written with"
        )
    async with engine.begin() as connection:
        await connection.execute(
            table.insert().values(
                id=ROW_ID,
                check_value=cipher.seal(CHECK_TEXT),
                updated_at=now or datetime.now(UTC),
            )
        )


async def rotate_data_key(
    engine: AsyncEngine,
    old_key: str,
    new_key: str,
    report: Callable[[str], None] = lambda _line: None,
    tables: tuple = ENCRYPTED,
) -> int:
    """Re-encrypt everything with `new_key`; return how many values were re-encrypted."""
    old, new = DataCipher(old_key), DataCipher(new_key)
    await _begin_rotation(engine, old, new)
    total = 0
    for table, pk, columns in tables:
        count = await _rotate_table(engine, table, pk, columns, new, old)
        report(f"{table.name}: {count} values re-encrypted")
        total += count
    check = DataKeyCheckRow.__table__
    async with engine.begin() as connection:
        await connection.execute(
            update(check)
            .where(check.c.id == ROW_ID)
            .values(
                check_value=check.c.pending_value,
                pending_value=None,
                updated_at=datetime.now(UTC),
            )
        )
    return total


async def _begin_rotation(engine: AsyncEngine, old: DataCipher, new: DataCipher) -> None:
    check = DataKeyCheckRow.__table__
    async with engine.begin() as connection:
        row = (await connection.execute(select(check).where(check.c.id == ROW_ID))).first()
        if row is None:
            raise DataKeyError("DATA_KEY: no key check stored yet; start the bot once first")
        if row.pending_value is not None:
            if not new.opens(row.pending_value):
                raise DataKeyError(
                    "the interrupted rotation was to another key: give that new key again"
                )
            return  # resuming
        if not old.opens(row.check_value):
            if new.opens(row.check_value):
                raise DataKeyError(
                    "the data is already encrypted with the new key: set it as DATA_KEY"
                )
            raise DataKeyError("DATA_KEY: this is not the key this database was written with")
        await connection.execute(
            update(check).where(check.c.id == ROW_ID).values(pending_value=new.seal(CHECK_TEXT))
        )


async def _rotate_table(
    engine: AsyncEngine,
    table: Table,
    pk: str,
    columns: tuple[str, ...],
    new: DataCipher,
    old: DataCipher,
) -> int:
    """One transaction: every value of the table, opened with either key, sealed with the new."""
    count = 0
    async with engine.begin() as connection:
        rows = (await connection.execute(select(table.c[pk], *(table.c[c] for c in columns)))).all()
        for row in rows:
            values = {}
            for name in columns:
                token = getattr(row, name)
                if token is not None:
                    values[name] = reseal(token, new, old)
            if values:
                await connection.execute(
                    update(table).where(table.c[pk] == getattr(row, pk)).values(**values)
                )
                count += len(values)
    return count
