"""Who may open the staff console, and for how long: one-time login links and sessions.

Staff only (STAFF_USER_IDS), checked when a link is made, when it is used, and on every request
of a session: someone removed from the list loses their sessions at the next request. The web
adapter audits every refusal (bot.web.access).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from bot.domain.console import (
    LINK_LIFETIME,
    TOUCH_EVERY,
    ConsoleSession,
    Redeemed,
    SessionState,
    new_token,
    token_hash,
)
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf_token: str


@dataclass(frozen=True, slots=True)
class SessionCheck:
    state: SessionState
    session: ConsoleSession | None = None
    user_id: int | None = None  # whose session it was, for the audit of a refusal


class ConsoleAccess:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, staff_ids: Collection[int]) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)

    def is_staff(self, user_id: int | None) -> bool:
        return self._policy.allows(user_id)

    async def issue_link(self, staff_id: int) -> str:
        """A one-time link token for this staff member (its hash is kept, never the token)."""
        self._policy.require(staff_id, "console link")
        token = new_token()
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.console.add_link(token_hash(token), staff_id, now, now + LINK_LIFETIME)
            await uow.commit()
        return token

    async def redeem_link(
        self, token: str, signed_in_as: int | None = None
    ) -> tuple[Redeemed, int | None]:
        """Use a link once; (OK, its user) or why not (with its user, if the link exists)."""
        digest = token_hash(token)
        now = self._clock.now()
        async with self._uow() as uow:
            link = await uow.console.link(digest)
            if link is None:
                return Redeemed.UNKNOWN, None
            if link.used_at is not None:
                return Redeemed.USED, link.user_id
            if now >= link.expires_at:
                return Redeemed.EXPIRED, link.user_id
            if signed_in_as is not None and signed_in_as != link.user_id:
                return Redeemed.OTHER_USER, link.user_id
            if not self._policy.allows(link.user_id):
                return Redeemed.NOT_STAFF, link.user_id
            if not await uow.console.use_link(digest, now):
                return Redeemed.USED, link.user_id
            await uow.commit()
            return Redeemed.OK, link.user_id

    async def open_session(self, user_id: int) -> NewSession:
        self._policy.require(user_id, "console session")
        token, csrf = new_token(), new_token()
        async with self._uow() as uow:
            await uow.console.add_session(token_hash(token), user_id, csrf, self._clock.now())
            await uow.commit()
        return NewSession(token, csrf)

    async def check(self, token: str | None) -> SessionCheck:
        """The session behind a cookie, if it is still good; an idle one, or one of someone no
        longer staff, is deleted at once."""
        if not token:
            return SessionCheck(SessionState.NONE)
        digest = token_hash(token)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            session = await uow.console.session(digest)
        if session is None:
            return SessionCheck(SessionState.NONE)
        ended = None
        if not self._policy.allows(session.user_id):
            ended = SessionState.NOT_STAFF
        elif session.idle_at(now):
            ended = SessionState.IDLE
        if ended is None and now - session.last_seen < TOUCH_EVERY:
            return SessionCheck(SessionState.OK, session, session.user_id)
        async with self._uow() as uow:
            if ended is None:
                await uow.console.touch_session(digest, now)
            elif ended is SessionState.NOT_STAFF:  # every session of theirs, not only this one
                await uow.console.delete_sessions_of(session.user_id)
            else:
                await uow.console.delete_session(digest)
            await uow.commit()
        return SessionCheck(ended or SessionState.OK, session, session.user_id)

    async def close(self, token: str) -> None:
        async with self._uow() as uow:
            await uow.console.delete_session(token_hash(token))
            await uow.commit()
