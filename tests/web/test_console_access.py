"""The staff console's doors: Telegram Mini App initData, one-time links, sessions, CSRF.
Every refusal is refused AND written to the audit log."""

from __future__ import annotations

import re

import pytest

from bot.app import create_app
from tests.support import STAFF_ID, make_settings
from tests.web.console_support import (
    OTHER_BOT_TOKEN,
    audit_rows,
    console_client,
    count_rows,
    csrf_of,
    sign_in,
    signed_init_data,
)

OTHER_STAFF = 900002
OUTSIDER = 6666


@pytest.fixture
async def client(app):
    client = await console_client(app)
    yield client
    await client.close()


def refusals(rows):
    return [(actor, detail) for actor, action, detail in rows if action == "refused"]


async def test_cases_need_a_session(client, app):
    response = await client.get("/staff/cases")
    assert response.status == 401
    assert "send /console" in await response.text()


async def test_every_response_carries_the_security_headers(client, app):
    for path in ("/staff/cases", "/staff/app", "/staff/static/console.css"):
        response = await client.get(path)
        headers = response.headers
        assert headers["Content-Security-Policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; "
            "form-action 'self'; base-uri 'none'"
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    assert (await client.get("/staff/cases")).headers["Cache-Control"] == "no-store"


async def test_the_mini_app_page_has_no_inline_script_and_no_cdn(client):
    page = await (await client.get("/staff/app")).text()
    assert '<script src="/staff/static/mini_app.js" defer></script>' in page
    assert "telegram.org" not in page and "<script>" not in page
    script = await client.get("/staff/static/mini_app.js")
    assert script.status == 200 and "tgWebAppData" in await script.text()


# --- Mini App: initData checked as Telegram documents it ---------------------------------------


async def test_valid_init_data_opens_a_session(client, app, clock):
    init_data = signed_init_data(STAFF_ID, int(clock.now().timestamp()) - 60)
    response = await client.post("/staff/auth/webapp", data={"init_data": init_data})
    assert response.status == 200
    assert await response.json() == {"ok": True, "next": "/staff/cases"}
    cookie = response.cookies["avrr_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == "/staff"
    assert not cookie["secure"]  # no WEB_PUBLIC_URL: the local http server
    assert (await client.get("/staff/cases")).status == 200
    assert (STAFF_ID, "console", "sign-in by Mini App") in await audit_rows(app)


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("wrong hash", "console: Mini App initData bad hash"),
        ("stale", "console: Mini App initData stale auth_date"),
        ("another bot", "console: Mini App initData bad hash"),
    ],
)
async def test_bad_init_data_is_refused_and_audited(client, app, clock, case, detail):
    now = int(clock.now().timestamp())
    if case == "wrong hash":
        init_data = re.sub(r"hash=[0-9a-f]{4}", "hash=0000", signed_init_data(STAFF_ID, now))
    elif case == "stale":
        init_data = signed_init_data(STAFF_ID, now - 3601)
    else:
        init_data = signed_init_data(STAFF_ID, now, token=OTHER_BOT_TOKEN)
    response = await client.post("/staff/auth/webapp", data={"init_data": init_data})
    assert response.status == 403
    assert "avrr_console" not in response.cookies
    assert (await client.get("/staff/cases")).status == 401
    assert refusals(await audit_rows(app)) == [(STAFF_ID, detail)]
    assert await count_rows(app, "console_sessions") == 0


async def test_init_data_of_a_non_staff_user_is_refused_and_audited(client, app, clock):
    init_data = signed_init_data(OUTSIDER, int(clock.now().timestamp()))
    response = await client.post("/staff/auth/webapp", data={"init_data": init_data})
    assert response.status == 403
    assert refusals(await audit_rows(app)) == [(OUTSIDER, "console: Mini App sign-in, not staff")]
    assert await count_rows(app, "console_sessions") == 0


async def test_missing_init_data_is_refused_and_audited(client, app):
    response = await client.post("/staff/auth/webapp", data={})
    assert response.status == 403
    assert refusals(await audit_rows(app)) == [(0, "console: Mini App sign-in without initData")]


# --- One-time links -------------------------------------------------------------------------


async def test_the_console_command_sends_a_one_time_link_that_works_once(client, app, harness):
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/console")
    sent = staff.last()
    link = re.search(r"http://127\.0\.0\.1:8090/staff/login/([A-Za-z0-9_-]{43})", sent["text"])
    assert link, sent["text"]
    assert "WEB_PUBLIC_URL is not set" in sent["text"]
    assert "reply_markup" not in sent  # no Mini App button without an https address
    token = link.group(1)
    # A GET (a link preview, a scanner) shows the button but does not spend the link.
    assert "Sign in" in await (await client.get(f"/staff/login/{token}")).text()
    first = await client.post(f"/staff/login/{token}", allow_redirects=False)
    assert first.status == 303 and first.headers["Location"] == "/staff/cases"
    assert (await client.get("/staff/cases")).status == 200
    # Only the hash of the token is stored.
    assert token not in str(await _all_tokens(app))
    again = await client.post(f"/staff/login/{token}", allow_redirects=False)
    assert again.status == 403
    assert "already used" in await again.text()
    assert (STAFF_ID, "console: sign-in link used") in refusals(await audit_rows(app))


async def _all_tokens(app):
    from sqlalchemy import text

    async with app.engine.connect() as connection:
        links = (await connection.execute(text("select token_hash from console_login_links"))).all()
        sessions = (await connection.execute(text("select token_hash from console_sessions"))).all()
    return links + sessions


async def test_an_expired_link_is_refused_and_audited(client, app, clock):
    token = await app.console_access.issue_link(STAFF_ID)
    clock.advance(minutes=10, seconds=1)
    response = await client.post(f"/staff/login/{token}", allow_redirects=False)
    assert response.status == 403
    assert "expired" in await response.text()
    assert refusals(await audit_rows(app)) == [(STAFF_ID, "console: sign-in link expired")]
    assert await count_rows(app, "console_sessions") == 0


async def test_an_unknown_link_is_refused_and_audited(client, app):
    response = await client.post("/staff/login/not-a-real-token", allow_redirects=False)
    assert response.status == 403
    assert refusals(await audit_rows(app)) == [(0, "console: sign-in link unknown")]


async def test_another_staff_members_link_is_refused_in_a_signed_in_browser(tmp_path, database):
    settings = make_settings(database, STAFF_USER_IDS=f"{STAFF_ID},{OTHER_STAFF}")
    app = await create_app(settings)
    client = await console_client(app)
    try:
        await sign_in(client, app, OTHER_STAFF)
        token = await app.console_access.issue_link(STAFF_ID)
        response = await client.post(f"/staff/login/{token}", allow_redirects=False)
        assert response.status == 403
        assert "another staff member" in await response.text()
        assert refusals(await audit_rows(app)) == [
            (STAFF_ID, "console: sign-in link other_user"),
            (OTHER_STAFF, "console: another staff member's sign-in link"),
        ]
        assert await count_rows(app, "console_sessions") == 1  # only the one signed in before
    finally:
        await client.close()
        await app.close()


async def test_a_non_staff_member_gets_no_link_and_it_is_audited(harness, app):
    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send("/console")
    texts = " ".join(m.get("text", "") for m in harness.api.chat(OUTSIDER))
    assert "/staff/login/" not in texts
    assert "I do not know this command." in texts
    assert (OUTSIDER, "command /console") in refusals(await audit_rows(app))
    assert await count_rows(app, "console_login_links") == 0


# --- Sessions ---------------------------------------------------------------------------------


async def test_a_removed_staff_member_is_refused_at_once_and_audited(client, app, database, clock):
    await sign_in(client, app)
    assert (await client.get("/staff/cases")).status == 200
    # The deployment removes them from STAFF_USER_IDS (a restart with the new list).
    removed = await create_app(make_settings(database, STAFF_USER_IDS="900009"), clock=clock)
    other = await console_client(removed)
    try:
        other.session.cookie_jar.update_cookies(
            {"avrr_console": client.session.cookie_jar.filter_cookies(
                client.make_url("/staff/cases"))["avrr_console"].value}
        )  # fmt: skip
        response = await other.get("/staff/cases")
        assert response.status == 403
        assert "Only office staff" in await response.text()
        assert (STAFF_ID, "console: no longer staff") in refusals(await audit_rows(removed))
        assert await count_rows(removed, "console_sessions") == 0  # deleted at once
    finally:
        await other.close()
        await removed.close()


async def test_a_session_ends_after_eight_idle_hours(client, app, clock):
    await sign_in(client, app)
    clock.advance(hours=7, minutes=59)
    assert (await client.get("/staff/cases")).status == 200  # use keeps it alive
    clock.advance(hours=8, minutes=1)
    assert (await client.get("/staff/cases")).status == 401
    assert await count_rows(app, "console_sessions") == 0


@pytest.mark.parametrize("sent", [None, "wrong-token"])
async def test_a_form_without_the_right_csrf_token_is_refused_and_audited(client, app, sent):
    await sign_in(client, app)
    page = await (await client.get("/staff/cases")).text()
    assert csrf_of(page)
    form = {} if sent is None else {"csrf": sent}
    response = await client.post("/staff/sign-out", data=form, allow_redirects=False)
    assert response.status == 403
    assert "This form has expired" in await response.text()
    assert refusals(await audit_rows(app)) == [(STAFF_ID, "console: bad CSRF token")]
    assert (await client.get("/staff/cases")).status == 200  # still signed in: nothing done


async def test_sign_out_with_the_csrf_token_ends_the_session(client, app):
    await sign_in(client, app)
    page = await (await client.get("/staff/cases")).text()
    response = await client.post(
        "/staff/sign-out", data={"csrf": csrf_of(page)}, allow_redirects=False
    )
    assert response.status == 303
    assert await count_rows(app, "console_sessions") == 0
    assert (await client.get("/staff/cases")).status == 401


async def test_the_cookie_is_secure_behind_an_https_address(database, clock):
    settings = make_settings(database, WEB_PUBLIC_URL="https://bot.example.org/staff")
    app = await create_app(settings, clock=clock)
    client = await console_client(app)
    try:
        token = await app.console_access.issue_link(STAFF_ID)
        response = await client.post(f"/staff/login/{token}", allow_redirects=False)
        assert response.cookies["avrr_console"]["secure"]
    finally:
        await client.close()
        await app.close()


async def test_the_webhook_server_serves_the_console_under_staff(database, clock):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.telegram.entry.factory import LOCAL_TOKEN, create_bot
    from bot.telegram.entry.local_api import LocalBotAPI
    from bot.telegram.entry.webhook import build_web_app

    settings = make_settings(
        database,
        WEBHOOK_URL="https://bot.example.org/tg/hook",
        WEBHOOK_SECRET="s3cret-token-for-tests-0123456789",
    )
    app = await create_app(settings, clock=clock)
    bot = create_bot(LOCAL_TOKEN, LocalBotAPI())
    try:
        async with TestClient(TestServer(build_web_app(app, bot))) as client:
            bare = await client.get("/staff", allow_redirects=False)
            assert bare.status == 308 and bare.headers["Location"] == "/staff/"
            home = await client.get("/staff/", allow_redirects=False)
            assert home.headers["Location"] == "/staff/cases"
            assert (await client.get("/staff/cases")).status == 401
            assert (await client.get("/staff/static/console.css")).status == 200
            token = await app.console_access.issue_link(STAFF_ID)
            response = await client.post(f"/staff/login/{token}", allow_redirects=False)
            assert response.status == 303
            assert (await client.get("/staff/cases")).status == 200
    finally:
        await bot.session.close()
        await app.close()


async def test_with_long_polling_the_console_has_its_own_server(database, clock):
    import socket

    from aiohttp import ClientSession

    from bot.web.console_app import start_console_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = await create_app(make_settings(database, WEB_PORT=str(port)), clock=clock)
    runner = await start_console_server(app, bot_token=None)
    try:
        async with (
            ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/staff/cases") as response,
        ):
            assert response.status == 401
    finally:
        await runner.cleanup()
        await app.close()


async def test_with_an_https_address_staff_get_the_mini_app_button(database, clock):
    from tests.support import start_harness

    settings = make_settings(database, WEB_PUBLIC_URL="https://bot.example.org/staff")
    app = await create_app(settings, clock=clock)
    harness = await start_harness(app)
    try:
        staff = harness.person(STAFF_ID, "en")
        await staff.send("/console")
        sent = staff.last()
        assert re.search(r"https://bot\.example\.org/staff/login/[A-Za-z0-9_-]{43}", sent["text"])
        assert "WEB_PUBLIC_URL is not set" not in sent["text"]
        [[button]] = sent["reply_markup"]["inline_keyboard"]
        assert button["text"] == "🗂 Console"
        assert button["web_app"] == {"url": "https://bot.example.org/staff/app"}
    finally:
        await harness.bot.session.close()
        await app.close()


async def test_each_use_keeps_the_cookie_as_long_as_the_session(client, app, clock):
    await sign_in(client, app)
    clock.advance(hours=2)
    response = await client.get("/staff/cases")
    cookie = response.cookies["avrr_console"]
    assert cookie["max-age"] == str(8 * 3600) and cookie["httponly"]
