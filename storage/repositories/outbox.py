"""The durable outbox: messages written with the change they report, delivered by the worker."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.ports import OutboxMessage
from storage.dialect import insert_new
from storage.direct import Direct
from storage.models import OutboxRow

# pending -> claimed (taken by a worker, not sent yet) -> sending (its Telegram call is under
# way: a crash now leaves the outcome unknown) -> sent | pending again | failed | cancelled
PENDING, CLAIMED, SENDING = "pending", "claimed", "sending"
SENT, FAILED, CANCELLED = "sent", "failed", "cancelled"


def _to_message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        kind=row.kind,
        audience=row.audience,
        user_id=row.user_id,
        payload=json.loads(row.payload),
        attempts=row.attempts,
        status=row.status,
        next_attempt_at=row.next_attempt_at,
    )


def _add_statement(dialect: str) -> Any:
    """Built once per dialect (`Direct`): building a statement costs more than running it."""
    due = bindparam("due")
    values = {name: bindparam(name) for name in ("kind", "audience", "user_id", "payload")}
    values |= {
        "dedupe_key": bindparam("dedupe_key"),
        "priority": bindparam("priority"),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": due,
    }
    return insert_new(dialect, OutboxRow.__table__, values, "dedupe_key")


_ADD = Direct(_add_statement)


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        kind: str,
        audience: str,
        user_id: int | None,
        payload: dict[str, object],
        dedupe_key: str,
        due: datetime,
        priority: int = 0,
    ) -> bool:
        """Insert unless the same dedupe key exists: enqueueing twice sends once."""
        params = {
            "kind": kind,
            "audience": audience,
            "user_id": user_id,
            "payload": json.dumps(payload, ensure_ascii=False),
            "dedupe_key": dedupe_key,
            "due": due,
            "priority": priority,
        }
        return bool(await _ADD.rows(self._session, params))

    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Take a batch of due messages for this worker (not sent yet: no attempt counted)."""
        rows = list(
            await self._session.scalars(
                select(OutboxRow)
                .where(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.priority.desc(), OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
                # PostgreSQL: two workers never take the same rows (SQLite omits the clause:
                # its BEGIN IMMEDIATE already serialises writers).
                .with_for_update(skip_locked=True)
            )
        )
        if not rows:
            return []
        claimed = [replace(_to_message(row), status=CLAIMED) for row in rows]
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_([row.id for row in rows]), OutboxRow.status == PENDING)
            .values(status=CLAIMED),
            execution_options={"synchronize_session": False},
        )
        return claimed

    async def mark_sending(self, message_id: int) -> None:
        """Committed just before the Telegram call: a crash after it leaves the outcome unknown
        for this one message only."""
        await self._set(message_id, status=SENDING, attempts=OutboxRow.attempts + 1)

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self._set(message_id, status=SENT, sent_at=now, last_error=None)

    async def retry_at(
        self, message_id: int, when: datetime, error: str, attempts: int = 0
    ) -> None:
        """Back to pending at `when`; `attempts=-1` takes back the claim's count (a pause)."""
        values: dict[str, object] = {
            "status": PENDING,
            "next_attempt_at": when,
            "last_error": error[:80],
        }
        if attempts:
            values["attempts"] = OutboxRow.attempts + attempts
        await self._set(message_id, **values)

    async def fail(self, message_id: int, error: str) -> None:
        await self._set(message_id, status=FAILED, last_error=error[:80])

    async def recover_interrupted(self, now: datetime, max_attempts: int) -> int:
        """After a crash: claimed messages were never sent and simply wait again; a message left
        "sending" may or may not have gone out, so it is retried once at most (attempts counts
        the interrupted try): never resent blindly.
        """
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.status == CLAIMED).values(status=PENDING)
        )
        retry = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == SENDING, OutboxRow.attempts < max_attempts)
            .values(status=PENDING, next_attempt_at=now, last_error="interrupted")
        )
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.status == SENDING)
            .values(status=FAILED, last_error="interrupted; outcome unknown")
        )
        return retry.rowcount or 0

    async def unclaim(self, message_ids: list[int]) -> int:
        """Give back claimed messages that were not tried (a stop): they are due as before."""
        if not message_ids:
            return 0
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(message_ids), OutboxRow.status == CLAIMED)
            .values(status=PENDING),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount or 0

    async def release_staff(self) -> int:
        """Staff messages that waited (backoff, an unusable staff chat) are due again, in the
        order they were written: the staff chat is usable again, or moved."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(
                OutboxRow.audience == "staff",
                OutboxRow.status == PENDING,
                OutboxRow.next_attempt_at > OutboxRow.created_at,
            )
            .values(next_attempt_at=OutboxRow.created_at)
        )
        return result.rowcount or 0

    async def forget_user(self, user_id: int) -> int:
        """Cancel what waits for or about the person, and unlink every message from them."""
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.user_id == user_id, OutboxRow.status.in_([PENDING, CLAIMED, SENDING]))
            .values(status=CANCELLED)
        )
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.user_id == user_id).values(user_id=None)
        )
        return result.rowcount or 0

    async def cancel_keys(self, keys: list[str]) -> int:
        """Withdraw messages not sent yet (a reminder of a booking that was moved)."""
        if not keys:
            return 0
        result = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.dedupe_key.in_(keys), OutboxRow.status.in_([PENDING, CLAIMED]))
            .values(status=CANCELLED)
        )
        return result.rowcount or 0

    async def count(
        self, status: str, user_id: int | None = None, audience: str | None = None
    ) -> int:
        query = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == status)
        if user_id is not None:
            query = query.where(OutboxRow.user_id == user_id)
        if audience is not None:
            query = query.where(OutboxRow.audience == audience)
        return int(await self._session.scalar(query) or 0)

    async def _set(self, message_id: int, **values: object) -> None:
        await self._session.execute(
            update(OutboxRow).where(OutboxRow.id == message_id).values(**values)
        )
