"""Office hours and emergency contacts in offices.toml: validation at start-up, whether the
office is open, its next opening, and a delay counted in office hours only."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain.office_hours import (
    HoursError,
    after_office_time,
    is_open,
    next_opening,
    parse_period,
)
from bot.domain.offices import OfficesError, load_offices

CASABLANCA = ZoneInfo("Africa/Casablanca")  # UTC+1
WEEK = (parse_period("mon-thu 08:30-16:30"), parse_period("fri 08:30-12:00"))


def at(day, hour, minute=0):
    """Local Casablanca time on a day of the week of 2026-11-23 (a Monday) as UTC."""
    return datetime(2026, 11, 23 + day, hour, minute, tzinfo=CASABLANCA).astimezone(UTC)


def test_periods_are_parsed_and_checked():
    assert WEEK[0].weekdays == (0, 1, 2, 3)
    assert WEEK[1].weekdays == (4,)
    for bad in ("mon-fri", "fri-mon 08:00-12:00", "mon 12:00-08:00", "xyz 08:00-12:00",
                "mon 8:00-12:00", "mon 25:00-26:00"):  # fmt: skip
        with pytest.raises(HoursError):
            parse_period(bad)


def test_open_and_next_opening():
    assert is_open(WEEK, CASABLANCA, at(0, 9))
    assert not is_open(WEEK, CASABLANCA, at(0, 17))
    assert not is_open(WEEK, CASABLANCA, at(4, 13))  # Friday afternoon
    assert next_opening(WEEK, CASABLANCA, at(4, 13)) == at(7, 8, 30)  # Monday morning
    assert next_opening(WEEK, CASABLANCA, at(0, 7)) == at(0, 8, 30)
    assert next_opening((), CASABLANCA, at(0, 7)) is None


def test_a_delay_counts_office_time_only():
    fifteen = timedelta(minutes=15)
    assert after_office_time(WEEK, CASABLANCA, at(0, 9), fifteen) == at(0, 9, 15)
    # Raised at night: 15 minutes after the office opens.
    assert after_office_time(WEEK, CASABLANCA, at(0, 22), fifteen) == at(1, 8, 45)
    # Raised 5 minutes before Friday's closing: 10 more minutes on Monday.
    assert after_office_time(WEEK, CASABLANCA, at(4, 11, 55), fifteen) == at(7, 8, 40)
    # No hours configured: plain time.
    assert after_office_time((), CASABLANCA, at(0, 22), fifteen) == at(0, 22, 15)


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "offices.toml"
    path.write_text(
        '[[office]]\nid = "rabat"\ncountry = "MA"\ncity = "Rabat"\n'
        f'timezone = "Africa/Casablanca"\n{extra}\n',
        "utf-8",
    )
    return path


def test_emergency_contacts_and_hours_are_read(tmp_path: Path):
    (office,) = load_offices(
        write(
            tmp_path,
            'hours = ["mon-fri 08:30-16:30"]\nemergency = [\n'
            '  { label = { en = "Police", fr = "Police secours" }, number = "19" },\n'
            '  { label = "IOM hotline", number = "+212 600 000 000" },\n]',
        )
    )
    police, hotline = office.emergency
    assert (police.label("fr"), police.label("ar"), police.number) == (
        "Police secours",
        "Police",
        "19",
    )
    assert hotline.label("ar") == "IOM hotline"
    assert office.hours[0].weekdays == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('emergency = [{ label = "Police" }]', "label and a number"),
        ('emergency = [{ label = "Police", number = "call us" }]', "not a phone number"),
        ('emergency = [{ label = "", number = "19" }]', "label must be"),
        ('emergency = "19"', "emergency must be a list"),
        ('hours = "Mon-Fri 8-16"', "hours must be a list"),
        ('hours = ["mon-fri 16:00-08:00"]', "close after it opens"),
    ],
)
def test_bad_emergency_or_hours_stop_start_up(tmp_path: Path, extra: str, message: str):
    with pytest.raises(OfficesError, match=message):
        load_offices(write(tmp_path, extra))


def test_shipped_offices_have_no_invented_numbers_or_hours():
    for office in load_offices():
        assert office.emergency == ()
        assert office.hours == ()
