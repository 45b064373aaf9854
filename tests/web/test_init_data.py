"""initData checked as Telegram documents it; cross-checked with aiogram's own implementation."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from aiogram.utils.web_app import check_webapp_signature

from bot.web.init_data import InitDataError, check_init_data
from tests.web.console_support import BOT_TOKEN, OTHER_BOT_TOKEN

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def telegram_signed(fields: dict[str, str], token: str = BOT_TOKEN) -> str:
    """The documented algorithm, written out here independently of the code under test."""
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    signed = {**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()}
    return urlencode(signed)


FIELDS = {
    "user": json.dumps({"id": 900001, "first_name": "Fatima 🌍", "language_code": "ar"}),
    "chat_instance": "1665603357231526432",
    "chat_type": "sender",
    "auth_date": str(int(NOW.timestamp()) - 120),
    "signature": "T8aGLlGIWqc7wWiLgMv5eGgqBgs68CM9TlzgpvFjLoNR4RBOKXjlozKDYKdyitVsUx9W1Vu",
}


def test_a_valid_vector_is_accepted_as_aiogram_accepts_it():
    init_data = telegram_signed(FIELDS)
    assert check_webapp_signature(BOT_TOKEN, init_data)
    assert check_init_data(init_data, BOT_TOKEN, NOW).user_id == 900001
    assert check_init_data(init_data, BOT_TOKEN, NOW).error is None


def test_a_changed_field_another_bot_a_stale_date_or_a_repeated_key_are_refused():
    tampered = telegram_signed(FIELDS).replace("900001", "900002")
    assert check_init_data(tampered, BOT_TOKEN, NOW).error is InitDataError.BAD_HASH
    other = telegram_signed(FIELDS, OTHER_BOT_TOKEN)
    assert not check_webapp_signature(BOT_TOKEN, other)
    assert check_init_data(other, BOT_TOKEN, NOW).error is InitDataError.BAD_HASH
    stale = telegram_signed({**FIELDS, "auth_date": str(int(NOW.timestamp()) - 3601)})
    assert check_init_data(stale, BOT_TOKEN, NOW).error is InitDataError.STALE
    repeated = telegram_signed(FIELDS) + "&user=" + FIELDS["user"]
    assert check_init_data(repeated, BOT_TOKEN, NOW).error is InitDataError.MALFORMED
    assert check_init_data("", BOT_TOKEN, NOW).error is InitDataError.MALFORMED
