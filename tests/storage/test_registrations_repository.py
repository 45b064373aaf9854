"""The registrations repository against the real database."""

from datetime import UTC, datetime

from bot.domain.registration import AgeGroup, Draft, Gender, Need, PassportState

DRAFT = Draft(
    name="Aminata Diallo",
    country="GN",
    office_id="rabat",
    city="Rabat",
    phone="+212600000001",
    gender=Gender.WOMAN,
    age_group=AgeGroup.FROM_26_TO_35,
    passport=PassportState.NONE,
    companions=2,
    needs=frozenset({Need.MEDICAL, Need.CHILDREN}),
    contact_locale="fr",
)


async def test_what_add_returns_is_what_the_database_holds(app):
    """`add` builds its answer from what it wrote (nothing decrypted back): it must be exactly
    what reading the row gives."""
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    async with app.uow() as uow:
        await uow.users.seen(7, when)
        await uow.users.set_source(7, "oujda")
        added = await uow.registrations.add(
            "MA-2026-00001", 7, DRAFT, now=when, consent_at=when, consent_version="v1",
            self_check={"a": "b"}, kind="reintegration", returned_from="ES",
        )  # fmt: skip
        await uow.commit()
    assert added.source == "oujda"  # the link the person came from, copied in the same INSERT
    async with app.uow(read_only=True) as uow:
        assert await uow.registrations.get(added.id) == added
