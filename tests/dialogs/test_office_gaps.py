"""An office without an address (Mauritania today): staff are warned before publishing slots
that people would not be told where to come; an office with one gets no warning."""

import pytest

from tests.support import STAFF_ID

WARNING = "⚠️ This office has no address in config/offices.toml"


async def publish_until_summary(staff, office):
    await staff.send("/slots")
    await staff.press("➕ Publish slots")
    await staff.press(office)
    await staff.press("24")
    await staff.press("Continue ➡️")
    await staff.press("09:00")
    await staff.press("10:00")
    await staff.press("30 minutes")
    await staff.press("1")


@pytest.mark.parametrize(
    ("office", "warned"), [("Mauritania – Nouakchott", True), ("Morocco – Rabat", False)]
)
async def test_slots_warn_before_publishing_for_an_office_without_address(harness, office, warned):
    staff = harness.person(STAFF_ID, "en")
    await publish_until_summary(staff, office)
    summary = staff.last_text()
    assert "Publish these slots?" in summary
    assert (WARNING in summary) is warned
    await staff.press("✅ Publish")  # a warning, not a refusal: staff may tell people themselves
    assert "· 0/1" in " ".join(staff.button_texts())
