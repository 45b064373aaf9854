"""Dialog intent ids that do not collide.

aiogram-dialog (2.6) names each dialog it opens with `int(time.time()) % 10**8` plus one of only
100 random offsets: two dialogs opened in the same second share an id one time in a hundred.
The id is the key of the dialog's context and the prefix of its buttons, so a collision lets one
dialog's context replace another's: a form opened under "Write to the office" was lost, and an
old button was taken for a current one. Its `Stack.push` looks `new_id` up at each call; this
gives it 35 random bits instead, written the same way (at most six characters: callback data
stays within Telegram's 64 bytes).
"""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack

BITS = 35  # 62**6 > 2**35: six characters at most, as before


def unique_intent_id() -> str:
    return stack.id_to_str(secrets.randbits(BITS) or 1)


def use_unique_intent_ids() -> None:
    stack.new_id = unique_intent_id  # type: ignore[assignment]
