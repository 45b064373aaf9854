from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.users import needs_last_seen_refresh, parse_source, resolve_locale


@pytest.mark.parametrize(
    ("stored", "telegram", "default", "expected"),
    [
        ("ar", "fr", "en", "ar"),  # their own choice wins
        (None, "fr", "en", "fr"),
        (None, "pt-BR", "en", "pt"),  # a regional variant of a language we speak
        (None, "es_ES", "fr", "es"),
        (None, "de", "fr", "fr"),  # a language we do not speak: the deployment default
        (None, None, "ar", "ar"),
        ("xx", "ru", "en", "en"),  # a stored value we no longer support
    ],
)
def test_resolve_locale(stored, telegram, default, expected):
    assert resolve_locale(stored, telegram, default) == expected


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("src_oujda", "oujda"),
        ("SRC_Nouadhibou_2", "nouadhibou_2"),
        ("src_", None),
        ("oujda", None),
        ("src_a-b", None),
        ("src_" + "x" * 41, None),
        (None, None),
        ("", None),
    ],
)
def test_parse_source(payload, expected):
    assert parse_source(payload) == expected


def test_last_seen_is_refreshed_only_after_a_while():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert not needs_last_seen_refresh(now - timedelta(minutes=9), now)
    assert needs_last_seen_refresh(now - timedelta(minutes=10), now)
