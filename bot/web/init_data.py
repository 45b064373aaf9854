"""Telegram Mini App sign-in: `initData` checked exactly as Telegram documents it
(https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app):

    secret_key = HMAC_SHA256(key="WebAppData", message=bot_token)
    hash       = hex(HMAC_SHA256(key=secret_key, message=data_check_string))

where data_check_string is every received field but `hash`, as `key=value`, sorted by key,
joined by newlines. The hash is compared in constant time; `auth_date` may be at most one hour old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl

MAX_AGE = timedelta(hours=1)
CLOCK_SKEW = timedelta(minutes=1)  # an auth_date this far ahead of our clock is still fine


class InitDataError(StrEnum):
    MALFORMED = "malformed"
    BAD_HASH = "bad hash"
    STALE = "stale auth_date"
    NO_USER = "no user"


@dataclass(frozen=True, slots=True)
class InitDataCheck:
    user_id: int | None  # the user it names: trusted only when `error` is None
    error: InitDataError | None = None


def data_check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={value}" for key, value in sorted(fields.items()) if key != "hash")


def init_data_hash(fields: dict[str, str], bot_token: str) -> str:
    secret = hmac.new(b"WebAppData", bot_token.encode("utf-8"), hashlib.sha256).digest()
    check = data_check_string(fields).encode("utf-8")
    return hmac.new(secret, check, hashlib.sha256).hexdigest()


def _claimed_user(fields: dict[str, str]) -> int | None:
    try:
        user = json.loads(fields.get("user", ""))
        user_id = user.get("id") if isinstance(user, dict) else None
    except ValueError:
        return None
    return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None


def check_init_data(init_data: str, bot_token: str, now: datetime) -> InitDataCheck:
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        return InitDataCheck(None, InitDataError.MALFORMED)
    fields = dict(pairs)
    if len(fields) != len(pairs) or "hash" not in fields:  # a repeated key is not Telegram's
        return InitDataCheck(_claimed_user(fields), InitDataError.MALFORMED)
    claimed = _claimed_user(fields)
    expected = init_data_hash(fields, bot_token)
    if not hmac.compare_digest(expected.encode(), fields["hash"].encode()):
        return InitDataCheck(claimed, InitDataError.BAD_HASH)
    try:
        signed_at = datetime.fromtimestamp(int(fields.get("auth_date", "")), UTC)
    except (ValueError, OverflowError, OSError):
        return InitDataCheck(claimed, InitDataError.MALFORMED)
    if now - signed_at > MAX_AGE or signed_at - now > CLOCK_SKEW:
        return InitDataCheck(claimed, InitDataError.STALE)
    if claimed is None:
        return InitDataCheck(None, InitDataError.NO_USER)
    return InitDataCheck(claimed)
