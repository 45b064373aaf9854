"""The Cases page's list: every case with its last activity and waiting conversation, in ONE
query (joins on aggregates, no query per case), whatever the number of cases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.console import CaseloadFilters, CaseloadRow
from bot.domain.registration import Need, Status
from storage.crypto import DataCipher
from storage.models import ConversationRow, RegistrationRow, RelayMessageRow

# Decrypted need flags by ciphertext: the Cases page reads every case's flags to put urgent ones
# first, and decrypting thousands on each request is most of its time. A ciphertext is written
# once (new flags, new ciphertext) and decrypts under one key only, so it is a safe key.
NEEDS_CACHE_SIZE = 100_000
_needs_by_ciphertext: dict[str, frozenset[Need]] = {}


class SqlCaseloadRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _needs(self, ciphertext: str | None) -> frozenset[Need]:
        if ciphertext is None:
            return frozenset()
        needs = _needs_by_ciphertext.get(ciphertext)
        if needs is None:
            needs = frozenset(Need(n) for n in self._cipher.decrypt_json(ciphertext) or [])
            if len(_needs_by_ciphertext) >= NEEDS_CACHE_SIZE:
                _needs_by_ciphertext.clear()
            _needs_by_ciphertext[ciphertext] = needs
        return needs

    async def rows(self, filters: CaseloadFilters) -> list[CaseloadRow]:
        r = RegistrationRow
        last_message = (
            select(
                ConversationRow.user_id.label("user_id"),
                func.max(RelayMessageRow.created_at).label("at"),
            )
            .join(RelayMessageRow, RelayMessageRow.conversation_id == ConversationRow.id)
            .where(ConversationRow.user_id.is_not(None))
            .group_by(ConversationRow.user_id)
            .subquery()
        )
        waiting = (
            select(
                ConversationRow.open_user_id.label("user_id"),
                ConversationRow.waiting_since.label("since"),
            )
            .where(ConversationRow.open_user_id.is_not(None))
            .subquery()
        )
        query = (
            select(
                r.id, r.reference, r.office_id, r.country, r.status, r.needs_enc,
                r.returned_on, r.user_id, r.updated_at, last_message.c.at, waiting.c.since,
            )
            .outerjoin(last_message, last_message.c.user_id == r.user_id)
            .outerjoin(waiting, waiting.c.user_id == r.user_id)
        )  # fmt: skip
        if filters.status is not None:
            query = query.where(r.status == filters.status.value)
        if filters.office_id is not None:
            query = query.where(r.office_id == filters.office_id)
        if filters.returnee is not None:
            returned = r.returned_on.is_not(None)
            query = query.where(returned if filters.returnee else ~returned)
        if filters.reference:
            query = query.where(r.reference.contains(filters.reference, autoescape=True))
        found = []
        for row in await self._session.execute(query):
            needs = self._needs(row.needs_enc)
            if filters.flag is not None and filters.flag not in needs:
                continue
            activity = row.updated_at if row.at is None else max(row.updated_at, row.at)
            found.append(
                CaseloadRow(
                    id=row.id,
                    reference=row.reference,
                    office_id=row.office_id,
                    country=row.country,
                    status=Status(row.status),
                    needs=needs,
                    returnee=row.returned_on is not None,
                    erased=row.user_id is None,
                    last_activity=activity,
                    waiting_since=row.since,
                )
            )
        return found
