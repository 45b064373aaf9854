"""Monitoring after return: schedule, survey in the returnee's language, scores, alerts, and
the returnee's and staff's control."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.domain.checkins import QUESTIONS
from bot.telegram.entry.local_api import Fault
from dialogs.checkin.texts import ANSWER_TEXTS
from tests.dialogs.booking_steps import registered_person
from tests.support import STAFF_ID


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return [tuple(r) for r in (await connection.execute(text(sql))).all()]


USAGE = (
    "Write: /returned REFERENCE [YYYY-MM-DD] [country code], for example "
    "/returned MA-2026-000042 2026-10-14 GN"
)


def staff(harness):
    return harness.person(STAFF_ID, "en")


async def returned(harness, user_id, locale="en", days_ago=40):
    """Registered now; the clock then moves on and staff mark the return `days_ago` days back."""
    person, t = await registered_person(harness, user_id, locale)
    harness.app.clock.advance(days=days_ago)
    returned_on = (harness.app.clock.now() - timedelta(days=days_ago)).date()
    reference = (await harness.app.registrations.open_for(user_id)).reference
    await staff(harness).send(f"/returned {reference} {returned_on.isoformat()}")
    return person, t


async def answer_all(person, t, **overrides):
    for question in QUESTIONS:
        option = overrides.get(question.id, question.options[0][0])
        await person.press(t(ANSWER_TEXTS[(question.id, option)]))


async def test_returned_forty_days_ago_gets_the_one_month_checkin_and_an_arabic_help_alert(harness):
    person, t = await returned(harness, 30001, "ar")
    assert staff(harness).last_text() == "Marked returned. Check-ins are scheduled."
    await harness.worker().run_once()
    invitation = harness.api.last_message(person.chat_id)
    assert invitation["text"].startswith(t.ngettext(
        "Hello! It has been {n} month since your return. Would you answer a few "
        "questions? It takes two minutes and helps the programme support you.",
        "Hello! It has been {n} months since your return. Would you answer a few "
        "questions? It takes two minutes and helps the programme support you.",
        1,
    ))  # fmt: skip
    assert await rows(harness.app, "select months, status from checkins order by months") == [
        (1, "sent"), (3, "scheduled"), (6, "scheduled"), (12, "scheduled"),
    ]  # fmt: skip
    await person.press(t.gettext("📝 Answer now"), message=invitation)
    await answer_all(person, t, help_now="yes", work="sometimes")
    assert t.gettext("Staff will contact you as soon as possible.") in person.last_text()
    stored = await rows(
        harness.app,
        "select status, score_economic, score_social, score_psychosocial, alerts"
        " from checkins where months=1",
    )
    assert stored == [("answered", 0.875, 1.0, 1.0, "help_now")]
    await harness.worker().run_once()
    alert = harness.staff_chat()[-1]["text"]
    assert alert == "🚨 MA-2026-000001 asks for help now."


async def test_only_the_most_recent_overdue_checkin_is_sent(harness):
    person, _t = await returned(harness, 30002, days_ago=200)
    await harness.worker().run_once()
    assert await rows(harness.app, "select months, status from checkins order by months") == [
        (1, "missed"), (3, "missed"), (6, "sent"), (12, "scheduled"),
    ]  # fmt: skip
    invitations = [
        m for m in harness.api.chat(person.chat_id) if "since your return" in m.get("text", "")
    ]
    assert len(invitations) == 1 and "6 months" in invitations[0]["text"]


async def test_reminder_after_three_days_then_missed_after_fourteen(harness):
    person, _t = await returned(harness, 30003)
    worker = harness.worker()
    await worker.run_once()
    harness.app.clock.advance(days=3, minutes=1)
    await worker.run_once()
    await worker.run_once()
    reminders = [
        m
        for m in harness.api.chat(person.chat_id)
        if m.get("text", "").startswith("A reminder: your check-in")
    ]
    assert len(reminders) == 1
    harness.app.clock.advance(days=11)
    await worker.run_once()
    assert (await rows(harness.app, "select status from checkins where months=1")) == [("missed",)]
    await person.press("📝 Answer now", message=reminders[0])
    assert [e.text for e in harness.api.events if e.kind == "answer"][-1] == (
        "This check-in is closed: it was already answered or has expired."
    )


async def test_food_and_safety_answers_raise_alerts_without_details(harness):
    person, t = await returned(harness, 30004, "fr")
    await harness.worker().run_once()
    await person.press(t.gettext("📝 Answer now"))
    await answer_all(person, t, food="often_not", safe="no")
    await harness.worker().run_once()
    alert = harness.staff_chat()[-1]["text"]
    assert alert == "🚨 MA-2026-000001 often goes without enough food, does not feel safe."


async def test_an_answered_checkin_takes_no_second_answer(harness):
    person, t = await returned(harness, 30005)
    await harness.worker().run_once()
    invitation = harness.api.last_message(person.chat_id)
    await person.press("📝 Answer now", message=invitation)
    await answer_all(person, t)
    await person.press("📝 Answer now", message=invitation)
    assert [e.text for e in harness.api.events if e.kind == "answer"][-1] == (
        "This check-in is closed: it was already answered or has expired."
    )
    assert (
        await harness.app.checkins.answer(30005, 1, {q.id: q.options[0][0] for q in QUESTIONS})
        == "closed"
    )


async def test_another_persons_checkin_cannot_be_opened_or_answered(harness):
    _owner, _ = await returned(harness, 30006)
    other, _ = await registered_person(harness, 30007)
    await harness.worker().run_once()
    await other.press_data("ci:1", other.last())
    assert [e.text for e in harness.api.events if e.kind == "answer"][-1] == (
        "This check-in is closed: it was already answered or has expired."
    )
    assert (
        await harness.app.checkins.answer(30007, 1, {q.id: q.options[0][0] for q in QUESTIONS})
        == "not_yours"
    )


async def test_pause_resume_and_stop(harness):
    person, _t = await returned(harness, 30008, days_ago=10)
    await person.send("/start")
    await person.press("🏡 My reintegration")
    await person.press("⏸ Pause check-ins")
    harness.app.clock.advance(days=30)
    await harness.worker().run_once()
    assert await rows(harness.app, "select status from checkins where months=1") == [("scheduled",)]
    await person.press("▶️ Resume check-ins")
    await harness.worker().run_once()
    assert await rows(harness.app, "select status from checkins where months=1") == [("sent",)]
    await person.send("/start")
    await person.press("📝 My check-in is waiting")
    await person.press("🛑 Stop check-ins")
    assert await rows(harness.app, "select distinct status from checkins") == [("cancelled",)]
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == "🔕 MA-2026-000001 stopped their check-ins."


async def test_a_person_who_blocked_the_bot_gets_no_more_checkins_and_staff_are_told(harness):
    _person, _ = await returned(harness, 30009)
    harness.api.faults.append(Fault(403, "Forbidden: bot was blocked by the user", chat_id=30009))
    await harness.worker().run_once()
    await harness.worker().run_once()
    assert await rows(harness.app, "select distinct status from checkins") == [("cancelled",)]
    assert harness.staff_chat()[-1]["text"] == (
        "🔕 MA-2026-000001 cannot be reached (they blocked the bot): check-ins stopped."
    )


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        ("MA-2026-000001 2031-01-01", "The return date cannot be in the future."),
        ("MA-2026-000001 2020-01-01", "The return date cannot be before the registration."),
        ("MA-2026-999999", "There is no such case."),
        (
            "MA-2026-000001 yesterday",
            USAGE,
        ),
        (
            "MA-2026-000001 2026-11-23 XX",
            USAGE,
        ),
    ],
)
async def test_returned_refuses_bad_dates_and_unknown_cases(harness, args, answer):
    await registered_person(harness, 30010)
    await staff(harness).send(f"/returned {args}")
    assert staff(harness).last_text() == answer
    assert await rows(harness.app, "select count(*) from checkins") == [(0,)]


async def test_no_survey_for_a_withdrawn_or_deleted_person(harness):
    person, _t = await registered_person(harness, 30011)
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    await staff(harness).send("/returned MA-2026-000001")
    assert (
        staff(harness).last_text()
        == "This case is withdrawn, closed or deleted: nothing was changed."
    )


async def test_deleting_stops_the_checkins_and_keeps_only_scores(harness):
    person, t = await returned(harness, 30012)
    await harness.worker().run_once()
    await person.press("📝 Answer now")
    await answer_all(person, t)
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    assert await rows(
        harness.app, "select user_id, answers_enc, score_social from checkins where months=1"
    ) == [(None, None, 1.0)]
    assert await rows(harness.app, "select distinct status from checkins where months>1") == [
        ("cancelled",)
    ]


async def test_staff_see_the_history_and_scores_in_the_case(harness):
    person, t = await returned(harness, 30013)
    await harness.worker().run_once()
    await person.press("📝 Answer now")
    await answer_all(person, t, leave="maybe")
    await staff(harness).send("/case MA-2026-000001")
    shown = staff(harness).last_text()
    assert "<b>After return</b>" in shown
    assert "1 month · answered · economic 1.00 · social 1.00 · psychosocial 0.88" in shown
    assert "3 months · planned" in shown


async def test_marking_returned_from_the_case_view_starts_the_monitoring(harness):
    await registered_person(harness, 30014)
    member = staff(harness)
    await member.send("/case MA-2026-000001")
    await member.press("→ Returned")
    assert await rows(harness.app, "select count(*) from checkins") == [(4,)]


async def test_a_returnee_registers_for_reintegration_support_and_is_monitored(harness):
    person = harness.person(30015, "fr")
    await person.send("/start")
    await person.press("Français")
    t = harness.app.catalogs["fr"]
    await person.press(t.gettext("🏡 I came back home: reintegration support"))
    await person.press(t.gettext("✅ I agree"))
    await person.send("Youssef")
    assert t.gettext("From which country did you come back?") in person.last_text()
    await person.send("lib")
    await person.press(t.country("LY"))
    await person.press("Oujda")
    await person.press("14")  # 14 November 2026, nine days before the fake clock's today
    await person.press(t.gettext("Skip"))
    await person.press(t.gettext("Man"))
    await person.press(t.gettext("26–35"))
    # no passport or companions question for a returnee (issue 14 §5)
    await person.press(t.gettext("Continue ➡️"))
    await person.press("Français")
    summary = person.last_text()
    assert t.gettext("Came back from: {country}", country=t.country("LY")) in summary
    await person.press(t.gettext("✅ Confirm"))
    assert (
        t.gettext(
            "What happens next: staff will contact you about reintegration support. From "
            "time to time the bot will also ask you a few questions about how you are doing; "
            "answering is your choice."
        )
        in person.last_text()
    )
    stored = await rows(
        harness.app,
        "select kind, country, returned_from, returned_on, status, monitoring from registrations",
    )
    assert [tuple(str(v) for v in row) for row in stored] == [
        ("reintegration", "MA", "LY", "2026-11-14", "returned", "active")
    ]
    assert await rows(harness.app, "select count(*) from checkins") == [(4,)]
    await harness.worker().run_once()
    notice = harness.staff_chat()[-1]["text"]
    assert "🏡 Reintegration request: came back from Libya on Nov 14, 2026" in notice


async def test_not_feeling_safe_offers_the_danger_button(harness):
    danger = "🆘 I am in danger / I need help now"
    person, t = await returned(harness, 30020, "ar")
    await harness.worker().run_once()
    await person.press(t.gettext("📝 Answer now"))
    await answer_all(person, t, safe="no")
    assert t.gettext(danger) in person.button_texts()
    await person.press(t.gettext(danger))
    await person.press(t.gettext("🚨 Send an urgent alert to the office"))
    await harness.worker().run_once()
    assert any("URGENT" in (m.get("text") or "") for m in harness.staff_chat())

    other, t = await returned(harness, 30021, "en")
    await harness.worker().run_once()
    await other.press(t.gettext("📝 Answer now"))
    await answer_all(other, t)
    assert danger not in other.button_texts()  # feels safe, needs no help now
