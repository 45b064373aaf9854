"""A realistic synthetic year, for trying the figures: `python -m bot seed`.

Countries of origin and genders follow the 2021 table of the Morocco report (document 003);
statuses, interviews and check-ins follow a plausible funnel. Deterministic (a fixed seed).
Never run it on a production database: it writes invented people.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.checkins import QUESTIONS, CheckinStatus, alerts, due_times, score
from bot.domain.registration import (
    AgeGroup,
    CaseEvent,
    Draft,
    Gender,
    PassportState,
    Status,
    move_case,
    reference,
)
from bot.services.ports import UnitOfWorkFactory

# Returnees by country of origin and gender, 2021 (document 003): (country, women, men).
REPORT_2021 = (
    ("GN", 129, 537), ("CI", 269, 334), ("SN", 65, 416), ("ML", 9, 161), ("CM", 29, 138),
    ("NG", 39, 34), ("CD", 22, 29), ("CG", 16, 18), ("GM", 3, 30), ("GH", 4, 23), ("PH", 14, 4),
    ("BF", 3, 7), ("GW", 3, 7), ("SD", 0, 8), ("LR", 1, 5), ("VE", 1, 4), ("SL", 0, 4),
    ("TG", 1, 3), ("LK", 0, 3), ("GA", 1, 1), ("GY", 1, 0), ("MR", 0, 1),
)  # fmt: skip
AGES = ((AgeGroup.UNDER_18, 3), (AgeGroup.FROM_18_TO_25, 35), (AgeGroup.FROM_26_TO_35, 40),
        (AgeGroup.FROM_36_TO_50, 18), (AgeGroup.OVER_50, 4))  # fmt: skip
SEED_USER_IDS = 7_000_000_000  # invented people get ids far from real ones


async def seed(
    uow_factory: UnitOfWorkFactory,
    *,
    registrations: int,
    year: int,
    office_id: str = "rabat",
    office_country: str = "MA",
    checkin_months: tuple[int, ...] = (1, 3, 6, 12),
    now: datetime | None = None,
) -> Counter[tuple[str, str]]:
    """Write the synthetic year; return the (country, gender) counts that were written."""
    rng = random.Random(year)
    now = now or datetime(year, 12, 31, 12, tzinfo=UTC)
    mix = [((c, Gender.WOMAN), w) for c, w, _ in REPORT_2021] + [
        ((c, Gender.MAN), m) for c, _, m in REPORT_2021
    ]
    written: Counter[tuple[str, str]] = Counter()
    tz = ZoneInfo("Africa/Casablanca")
    start = datetime(year, 1, 1, 9, tzinfo=UTC)
    # Within the year, and never after `now`: nothing is registered in the future.
    end = min(now, datetime(year, 12, 31, 9, tzinfo=UTC))
    span_minutes = max(1, int((end - start).total_seconds() // 60))
    async with uow_factory() as uow:
        for n in range(registrations):
            (country, gender) = rng.choices([k for k, _ in mix], [w for _, w in mix])[0]
            created = start + timedelta(minutes=rng.randrange(0, span_minutes))
            draft = Draft(
                name=f"Person {n}", country=country, office_id=office_id, city="Rabat", phone=None,
                gender=gender, age_group=rng.choices([a for a, _ in AGES], [w for _, w in AGES])[0],
                passport=rng.choice(list(PassportState)), companions=rng.choice((0, 0, 0, 1, 2)),
                contact_locale=rng.choice(("fr", "fr", "en", "ar", "pt", "es")),
            )  # fmt: skip
            user_id = SEED_USER_IDS + n
            await uow.users.seen(user_id, created)  # the person, and the link they came from
            source = rng.choice((None, "oujda", "rabat"))
            if source is not None:
                await uow.users.set_source(user_id, source)
            registration = await uow.registrations.add(
                reference(office_country, year, n + 1), user_id, draft, now=created,
                consent_at=created, consent_version="seed", self_check=None,
            )  # fmt: skip
            written[(country, gender.value)] += 1
            await uow.registrations.add_event(
                CaseEvent(
                    registration_id=registration.id,
                    at=created,
                    actor="person",
                    actor_id=None,
                    kind="created",
                    to_status=Status.NEW,
                )
            )
            path = [
                Status.CONTACTED, Status.INTERVIEW, Status.MEDICAL_CHECK,
                Status.TRAVEL_DOCUMENTS, Status.DEPARTURE_PLANNED, Status.RETURNED,
            ]  # fmt: skip
            reach = rng.choices(range(len(path) + 1), (10, 10, 10, 5, 5, 5, 55))[0]
            status, when = Status.NEW, created
            for step in path[:reach]:
                when += timedelta(days=rng.randrange(1, 10))
                await uow.registrations.add_event(
                    move_case(registration.id, status, step, at=when, actor="staff", actor_id=1)
                )
                status = step
            if status is not Status.RETURNED and rng.random() < 0.12:
                await uow.registrations.add_event(
                    move_case(
                        registration.id,
                        status,
                        Status.WITHDRAWN,
                        at=when,
                        actor="person",
                        kind="withdrawn",
                    )
                )
                status = Status.WITHDRAWN
            await uow.registrations.set_status(registration.id, Status.NEW, status, when)
            if status is Status.RETURNED and when.date() < now.date():
                await _monitoring(
                    uow,
                    rng,
                    registration.id,
                    user_id,
                    when.date(),
                    country,
                    tz,
                    checkin_months,
                    now,
                )
        await uow.commit()
    return written


async def _monitoring(
    uow, rng, registration_id, user_id, returned_on: date, country, tz, months, now
) -> None:
    await uow.registrations.set_return(registration_id, returned_on, country, now)
    for offset, due in due_times(returned_on, months, tz):
        if due.astimezone(UTC) > now:
            await uow.checkins.add(registration_id, user_id, offset, due)
            continue
        await uow.checkins.add(registration_id, user_id, offset, due)
        checkin = (await uow.checkins.history(registration_id))[-1]
        await uow.checkins.set_status(
            [checkin.id], CheckinStatus.SENT, due, CheckinStatus.SCHEDULED
        )
        if rng.random() < 0.7:
            answers = {q.id: rng.choice(q.options)[0] for q in QUESTIONS}
            await uow.checkins.answer(
                checkin.id, answers, score(answers), alerts(answers), due + timedelta(days=1)
            )
        else:
            await uow.checkins.set_status(
                [checkin.id], CheckinStatus.MISSED, due, CheckinStatus.SENT
            )
