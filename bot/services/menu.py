"""What the main menu shows a person, kept in memory until a commit may have changed it.

The menu is drawn on most updates (every "Back to the menu"); what it shows depends on the
person's registration, booking and check-ins, which change only by a commit through the unit of
work. The unit of work counts those commits (`generation`); an answer computed at an older
generation is computed again. Only one process may keep it (SQLite): another process's commit
would not be counted, so with several processes (PostgreSQL) nothing is kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.registration import Status
from bot.services.booking import BOOKABLE
from bot.services.ports import RegistrationFacts, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class MenuContext:
    registered: bool
    returnee: bool  # "My reintegration" instead of the return registration's buttons
    can_book: bool
    booked: bool
    checkins: bool  # under monitoring (active or paused)
    checkin_waiting: bool


class MenuService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        generation: Callable[[], int] | None = None,
        size: Callable[[], int] = lambda: 10_000,
        read_on_loop: Callable[[int], list[RegistrationFacts] | None] | None = None,
    ) -> None:
        self._uow = uow
        self._generation = generation  # None: nothing is kept
        self._size = size
        self._kept: OrderedDict[int, tuple[int, MenuContext]] = OrderedDict()
        # One process on SQLite: the read on the event loop's own connection (None: busy).
        self._read_on_loop = read_on_loop

    async def context(self, user_id: int) -> MenuContext:
        generation = self._generation() if self._generation is not None else None
        kept = self._kept.get(user_id)
        if kept is not None and kept[0] == generation:
            self._kept.move_to_end(user_id)
            return kept[1]
        facts = self._read_on_loop(user_id) if self._read_on_loop is not None else None
        if facts is None:
            async with self._uow(read_only=True) as uow:
                facts = await uow.registrations.facts_for(user_id)
        registration = next((f for f in facts if f.open), None)
        # As CheckinService.state: a registration under monitoring, a check-in waiting.
        monitored = any(f.monitoring in ("active", "paused") for f in facts)
        # A returnee: self-registered, or marked returned by staff, or under monitoring.
        returnee = monitored or (
            registration is not None
            and (registration.kind == "reintegration" or registration.status is Status.RETURNED)
        )
        booked = registration is not None and registration.booked
        context = MenuContext(
            registered=registration is not None,
            returnee=returnee,
            can_book=registration is not None
            and not returnee
            and not booked
            and registration.status in BOOKABLE,
            booked=booked,
            checkins=monitored,
            checkin_waiting=any(f.checkin_waiting for f in facts),
        )
        if generation is not None:  # read at `generation`: stale as soon as it grows
            self._kept[user_id] = (generation, context)
            self._kept.move_to_end(user_id)
            while len(self._kept) > max(1, self._size()):
                self._kept.popitem(last=False)
        return context
