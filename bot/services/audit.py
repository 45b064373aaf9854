"""The audit log of staff-only actions refused to someone not in STAFF_USER_IDS, and of what
staff do in the web console (bot.web): sign-ins, answers, closed conversations.

Who (their Telegram id), what (the command, button or action — never its arguments: no
reference, no data of a case), when. Staff read it in the `audit_log` table.
"""

from __future__ import annotations

from bot.services.ports import Clock, UnitOfWorkFactory

REFUSED = "refused"
CONSOLE = "console"
WHAT_MAX = 200


class AuditService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def refused(self, actor_id: int, what: str) -> None:
        """Record a refused staff action, e.g. `command /case` or `button case:set`."""
        async with self._uow() as uow:
            await uow.stats.audit(self._clock.now(), actor_id, REFUSED, what[:WHAT_MAX])
            await uow.commit()

    async def console(self, actor_id: int, what: str) -> None:
        """Record a staff action in the web console, e.g. `sign-in by link` or `answer case 42`
        (an internal case id, never a name or a message)."""
        async with self._uow() as uow:
            await uow.stats.audit(self._clock.now(), actor_id, CONSOLE, what[:WHAT_MAX])
            await uow.commit()
