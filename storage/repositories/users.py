from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.users import User
from storage.dialect import upsert
from storage.loop_sqlite import LoopConnection
from storage.models import FsmRecordRow, UserRow


def _to_domain(row: UserRow) -> User:
    return User(
        id=row.id,
        locale=row.locale,
        source=row.source,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        blocked=row.blocked,
        listen_locale=row.listen_locale,
        announcements_stopped=row.announcements_stopped,
    )


def _seen_upsert(dialect: str) -> Any:
    """Create the person, or refresh their last_seen and make them reachable again."""
    now = bindparam("now")
    values = {"id": bindparam("id"), "first_seen": now, "last_seen": now, "blocked": False}
    update = ["last_seen", "blocked"]  # seen again: reachable again
    return upsert(dialect, UserRow.__table__, values, key=["id"], update=update)


def _seen_statement(dialect: str) -> Any:
    """Built once per dialect: building a statement costs more than running it."""
    return _seen_upsert(dialect).returning(*UserRow.__table__.c)


_SEEN: dict[str, Any] = {}


_COLUMNS = UserRow.__table__.c
_NAMED = sqlite.dialect(paramstyle="named")
_GET_SQL = str(select(*_COLUMNS).where(_COLUMNS.id == bindparam("id")).compile(dialect=_NAMED))
_SEEN_LATER_SQL = str(_seen_upsert("sqlite").compile(dialect=_NAMED))  # no RETURNING: deferred
_LANGUAGES_SQL = str(
    update(UserRow)
    .where(_COLUMNS.id == bindparam("id"))
    .values(locale=bindparam("locale"), listen_locale=bindparam("listen"))
    .compile(dialect=_NAMED)
)
_TIME_IN = _COLUMNS.last_seen.type.dialect_impl(_NAMED).bind_processor(_NAMED)
_READ = [column.type.dialect_impl(_NAMED).result_processor(_NAMED, None) for column in _COLUMNS]


class PersonOnLoop:
    """The person's own row on the update path, when one process on SQLite is the only writer.

    Read on the event loop's connection (storage/loop_sqlite.py), written in the update's own
    transaction together with the dialog state (`SqlStorage.defer`): a person's first message,
    or their choice of language, then costs one transaction, not two. Each method answers None
    (or False) when it cannot: SQLite busy, or no update open; the caller goes the usual way.
    """

    def __init__(self, loop: LoopConnection, defer: Any) -> None:
        self._loop = loop
        self._defer = defer  # SqlStorage.defer of the dispatcher's storage

    def get(self, user_id: int) -> tuple[User | None] | None:
        """(the person or None), or None when SQLite cannot answer at once."""
        rows = self._loop.rows(_GET_SQL, {"id": user_id})
        if rows is None:
            return None
        if not rows:
            return (None,)
        values = [read(v) if read else v for read, v in zip(_READ, rows[0], strict=True)]
        return (User(**dict(zip(_COLUMNS.keys(), values, strict=True))),)

    def seen(self, user_id: int, now: datetime) -> bool:
        now_ = _TIME_IN(now) if _TIME_IN else now
        params = {"id": user_id, "now": now_, "blocked": False, "announcements_stopped": False}
        return bool(self._defer(_SEEN_LATER_SQL, params, user_id))

    def set_languages(self, user_id: int, locale: str, listen_locale: str | None) -> bool:
        params = {"id": user_id, "locale": locale, "listen": listen_locale}
        return bool(self._defer(_LANGUAGES_SQL, params, user_id))


class SqlUserRepository:
    def __init__(self, session: AsyncSession, changed: set[int] | None = None) -> None:
        self._session = session
        self._changed = changed if changed is not None else set()  # told to memory at commit

    async def seen(self, user_id: int, now: datetime) -> tuple[User, bool]:
        """Create the person, or refresh their last_seen and make them reachable again, in one
        statement; returns the row and whether it was created."""
        dialect = self._session.bind.dialect.name  # type: ignore[union-attr]
        statement = _SEEN.get(dialect)
        if statement is None:
            statement = _SEEN[dialect] = _seen_statement(dialect)
        params = {"id": user_id, "now": now}
        row = (await self._session.execute(statement, params)).one()
        self._changed.add(user_id)
        user = _to_domain(row)  # type: ignore[arg-type]  # the same attribute names
        return user, user.first_seen == now

    async def get(self, user_id: int) -> User | None:
        row = await self._session.get(UserRow, user_id)
        return _to_domain(row) if row else None

    async def add(self, user: User) -> None:
        self._changed.add(user.id)
        self._session.add(
            UserRow(
                id=user.id,
                locale=user.locale,
                source=user.source,
                first_seen=user.first_seen,
                last_seen=user.last_seen,
                blocked=user.blocked,
            )
        )

    async def set_languages(self, user_id: int, locale: str, listen_locale: str | None) -> None:
        """The written language, and the language listened to (None: the person reads)."""
        await self._set(user_id, locale=locale, listen_locale=listen_locale)

    async def set_source(self, user_id: int, source: str) -> None:
        await self._set(user_id, source=source)

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        await self._set(user_id, blocked=blocked)

    async def set_announcements_stopped(self, user_id: int, stopped: bool) -> None:
        await self._set(user_id, announcements_stopped=stopped)

    async def delete(self, user_id: int) -> None:
        self._changed.add(user_id)
        await self._session.execute(delete(UserRow).where(UserRow.id == user_id))

    async def erase_dialog_state(self, user_id: int) -> None:
        """Every dialog state of the person, in this transaction (the retention purge)."""
        await self._session.execute(delete(FsmRecordRow).where(FsmRecordRow.user_id == user_id))

    async def _set(self, user_id: int, **values: object) -> None:
        self._changed.add(user_id)
        await self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(**values),
            execution_options={"synchronize_session": False},
        )
