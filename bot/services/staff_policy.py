"""Who may do a staff action: the people in STAFF_USER_IDS, checked on every action.

Each entry point (a staff command, a staff button, a staff dialog) checks once, in the adapter;
the services check again with `StaffPolicy.require`, which raises the one `NotStaffError`. The
adapter's error handler (bot.telegram.entry.errors) audits every such refusal and answers it.
"""

from __future__ import annotations

from collections.abc import Collection


class NotStaffError(PermissionError):
    """A staff action asked by someone not in STAFF_USER_IDS: nothing was done."""

    def __init__(self, user_id: int | None, what: str = "staff action") -> None:
        super().__init__(what)
        self.user_id = user_id
        self.what = what


class StaffPolicy:
    def __init__(self, staff_ids: Collection[int]) -> None:
        self._staff = frozenset(staff_ids)

    def allows(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self._staff

    def require(self, user_id: int | None, what: str = "staff action") -> None:
        if not self.allows(user_id):
            raise NotStaffError(user_id, what)
