"""The console's Cases and case pages, over the real services, database and outbox: what the
bot registered is listed; staff read a case, move it, answer the person, who receives the answer
in their chat in their language, as from a staff-group reply."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import text

from bench.console_cases import QueryCounter, seed_cases
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID
from tests.web.console_support import audit_rows, console_client, csrf_of, sign_in

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
async def client(app):
    client = await console_client(app)
    yield client
    await client.close()


async def registered(harness, user_id=7001, locale="fr", **kwargs):
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t, **kwargs)
    await harness.worker().run_once()
    return person, t


async def case_events(app):
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text("select actor_id, kind, from_status, to_status from case_events order by id")
        )
        return [tuple(row) for row in rows]


async def test_cases_lists_a_registration_made_through_the_bot(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    page = await (await client.get("/staff/cases")).text()
    assert '<html lang="en" dir="ltr">' in page
    assert "MA-2026-000001" in page and 'href="/staff/cases/MA-2026-000001"' in page
    assert "Guinea" in page  # the country, by CLDR, in the staff member's language
    assert "⚠️ Medical needs" in page  # the urgent flag
    assert "Aminata" not in page  # no names on the list
    filtered = await (await client.get("/staff/cases?status=contacted")).text()
    assert "MA-2026-000001" not in filtered and "No case matches." in filtered
    searched = await (await client.get("/staff/cases?q=000001&flag=medical")).text()
    assert "MA-2026-000001" in searched


async def test_an_arabic_speaking_staff_member_gets_a_right_to_left_console(harness, client, app):
    await registered(harness)
    await open_menu(harness, STAFF_ID, "ar")  # the staff member chose Arabic in the bot
    await sign_in(client, app)
    page = await (await client.get("/staff/cases")).text()
    assert '<html lang="ar" dir="rtl">' in page
    assert "غينيا" in page  # Guinea, in Arabic
    assert app.catalogs["ar"].gettext("Cases") in page


async def test_the_case_page_shows_details_and_records_the_view(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    response = await client.get("/staff/cases/MA-2026-000001")
    page = await response.text()
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert "Aminata &lt;Diallo&gt; &amp; Co" in page  # decrypted for staff, escaped
    assert "+212612345678" in page
    assert "registration received" in page  # the history
    assert (STAFF_ID, "viewed", None, None) in await case_events(app)
    assert (await client.get("/staff/cases/MA-2026-999999")).status == 404


async def test_a_name_made_of_markup_is_shown_as_text(harness, client, app):
    await registered(harness, name=XSS)
    await sign_in(client, app)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    assert html.escape(XSS) in page
    assert "<img" not in page


async def test_staff_move_a_case_and_the_person_is_told_in_their_language(harness, client, app):
    _person, t = await registered(harness, locale="fr")
    await sign_in(client, app)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    form = {"csrf": csrf_of(page), "case_id": "1", "expected": "new", "to": "contacted"}
    response = await client.post("/staff/cases/MA-2026-000001/status", data=form)
    assert "The status was changed." in await response.text()
    assert (STAFF_ID, "status", "new", "contacted") in await case_events(app)
    await harness.worker().run_once()
    assert harness.api.chat(7001)[-1]["text"] == t.gettext(
        "News about your registration {reference}: staff have looked at it and will contact "
        "you to arrange an interview.",
        reference="MA-2026-000001",
    )


async def test_a_forbidden_transition_is_refused(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    csrf = csrf_of(page)
    closing = {"csrf": csrf, "case_id": "1", "expected": "new", "to": "closed"}
    await client.post("/staff/cases/MA-2026-000001/status", data=closing)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    assert 'name="to"' not in page  # a closed case stays closed: no status button
    reopening = {"csrf": csrf, "case_id": "1", "expected": "closed", "to": "contacted"}
    response = await client.post("/staff/cases/MA-2026-000001/status", data=reopening)
    assert "This change is not possible for this case." in await response.text()
    assert [e for e in await case_events(app) if e[1] == "status"] == [
        (STAFF_ID, "status", "new", "closed")
    ]


async def test_an_answer_from_the_case_page_reaches_the_person_in_their_language(
    harness, client, app
):
    _person, t = await registered(harness, locale="fr")
    await sign_in(client, app)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    answer = {"csrf": csrf_of(page), "case_id": "1", "text": "Bonjour, venez <mardi> à 10 h."}
    response = await client.post("/staff/cases/MA-2026-000001/answer", data=answer)
    page = await response.text()
    assert "Your answer was sent to the person." in page
    assert "Bonjour, venez &lt;mardi&gt; à 10 h." in page  # the conversation on the page
    await harness.worker().run_once()
    received = harness.api.chat(7001)[-1]["text"]
    assert received.startswith(t.gettext("🏢 Message from the office:"))
    assert "Bonjour, venez &lt;mardi&gt; à 10 h." in received  # as a staff-group reply renders
    assert (STAFF_ID, "console", "answer case 1") in await audit_rows(app)
    # Close it: the person is told, in French.
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    conversation_id = re.search(r'name="conversation_id" value="(\d+)"', page).group(1)
    closing = {"csrf": csrf_of(page), "conversation_id": conversation_id}
    response = await client.post("/staff/cases/MA-2026-000001/close", data=closing)
    assert "The conversation was closed; the person was told." in await response.text()
    await harness.worker().run_once()
    assert harness.api.chat(7001)[-1]["text"] == t.gettext(
        "The office closed this conversation. You can write again at any time from the menu."
    )


async def test_the_cases_page_uses_the_same_number_of_queries_for_3_and_60_cases(client, app):
    await sign_in(client, app)

    async def queries() -> int:
        counter = QueryCounter(app.engine)
        try:
            response = await client.get("/staff/cases")
            assert response.status == 200
            await response.read()
        finally:
            counter.close()
        return counter.count

    await seed_cases(app, 3)
    await client.get("/staff/cases")  # the session's last_seen is written once a minute
    few = await queries()
    await seed_cases(app, 57, first_user=7_000_500)
    many = await queries()
    page = await (await client.get("/staff/cases")).text()
    assert "60 cases" in page and "Page 1 of 2" in page and page.count("<tr") == 51
    second = await (await client.get("/staff/cases?page=2")).text()
    assert "Page 2 of 2" in second and second.count("<tr") == 11
    # The session, then the caseload (each with its BEGIN on SQLite): no query per case.
    assert few == many <= 4


async def test_a_file_from_the_case_page_reaches_the_person_as_a_group_reply_would(harness, app):
    from aiohttp import FormData

    _person, t = await registered(harness, locale="fr")
    client = await console_client(app, bot=harness.bot)
    try:
        await sign_in(client, app)
        page = await (await client.get("/staff/cases/MA-2026-000001")).text()
        assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
        form = FormData()
        form.add_field("csrf", csrf_of(page))
        form.add_field("case_id", "1")
        form.add_field("text", "Votre convocation")
        form.add_field("file", b"%PDF-1.4", filename="letter.pdf", content_type="application/pdf")
        response = await client.post("/staff/cases/MA-2026-000001/answer", data=form)
        assert "Your answer was sent to the person." in await response.text()
    finally:
        await client.close()
    copy = harness.api.chat(STAFF_ID)[-1]  # the staff member's own copy: how it got a file id
    assert copy["document"]["file_id"] == "local-letter.pdf"
    await harness.worker().run_once()
    received = harness.api.chat(7001)[-1]
    assert received["document"]["file_id"] == "local-letter.pdf"
    assert received["caption"].startswith(t.gettext("🏢 Message from the office:"))
    assert "Votre convocation" in received["caption"]
    assert (STAFF_ID, "console", "answer with a file case 1") in await audit_rows(app)


async def test_returned_from_the_case_page_starts_the_check_ins(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    page = await (await client.get("/staff/cases/MA-2026-000001")).text()
    form = {"csrf": csrf_of(page), "case_id": "1", "expected": "new", "to": "returned"}
    response = await client.post("/staff/cases/MA-2026-000001/status", data=form)
    page = await response.text()
    assert "Marked returned. Check-ins are scheduled." in page
    assert "After return" in page and "1 month · planned" in page
    listed = await (await client.get("/staff/cases?returnee=yes")).text()
    assert "MA-2026-000001" in listed
    assert "MA-2026-000001" not in await (await client.get("/staff/cases?returnee=no")).text()


def test_the_score_chart_draws_each_dimension_over_the_check_ins():
    from datetime import UTC, datetime

    from bot.domain.checkins import CheckinStatus, Scores
    from bot.services.ports import Checkin
    from bot.web.score_chart import score_chart

    def checkin(months, economic, social, psychosocial):
        return Checkin(
            id=months, registration_id=1, user_id=1, months=months,
            due_at=datetime(2026, 1, 1, tzinfo=UTC), status=CheckinStatus.ANSWERED,
            sent_at=None, answered_at=None, scores=Scores(economic, social, psychosocial),
            alerts=(),
        )  # fmt: skip

    assert score_chart([]) is None
    chart = score_chart([checkin(3, 0.5, 1.0, None), checkin(1, 0.0, 0.5, 0.25)])
    assert [months for _, months in chart.x_ticks] == [1, 3]  # in order of time
    economic, social, psychosocial = chart.lines
    left, top, right, bottom = chart.plot
    assert economic.dots == [(left, bottom), (right, (top + bottom) / 2)]
    assert social.dots[-1] == (right, top)
    assert len(psychosocial.dots) == 1  # a missing score is left out, not drawn as 0
