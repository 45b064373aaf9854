"""The two ways in, no passwords: a one-time link from /console, or the Telegram Mini App.

- GET /staff/login/<token> shows a "Sign in" button; POST uses the link (Telegram's link
  previews and mail scanners GET links: a GET never spends it).
- GET /staff/app is the Mini App's page: our own static script reads `tgWebAppData` from the
  URL fragment (no telegram-web-app.js from a CDN) and POSTs it to /staff/auth/webapp.
- POST /staff/sign-out ends the session.
"""

from __future__ import annotations

from aiohttp import web

from bot.domain.console import Redeemed, SessionState
from bot.i18n import N_
from bot.web import PREFIX
from bot.web.access import (
    COOKIE,
    STAFF,
    console_of,
    public_translator,
    see_other,
    set_session_cookie,
    staff_only,
)
from bot.web.init_data import check_init_data
from bot.web.rendering import render

MAX_INIT_DATA_BYTES = 16 * 1024  # Telegram's initData is well under 4 KB
LINK_REFUSALS = {
    Redeemed.UNKNOWN: N_("This sign-in link is not valid. Send /console to the bot for a new one."),
    Redeemed.USED: N_(
        "This sign-in link was already used. Send /console to the bot for a new one."
    ),
    Redeemed.EXPIRED: N_("This sign-in link has expired. Send /console to the bot for a new one."),
    Redeemed.OTHER_USER: N_(
        "This browser is signed in as another staff member. Sign out first, then open the link."
    ),
    Redeemed.NOT_STAFF: N_("Only office staff can use the console."),
}


async def link_page(request: web.Request) -> web.Response:
    console = console_of(request)
    return render(
        console.templates,
        "sign_in.html",
        public_translator(request),
        action=f"{PREFIX}/login/{request.match_info['token']}",
    )


async def use_link(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    access, audit = console.app.console_access, console.app.audit
    current = await access.check(request.cookies.get(COOKIE))
    signed_in_as = current.user_id if current.state is SessionState.OK else None
    result, user_id = await access.redeem_link(request.match_info["token"], signed_in_as)
    if result is not Redeemed.OK or user_id is None:
        await audit.refused(user_id or 0, f"console: sign-in link {result.value}")
        if result is Redeemed.OTHER_USER and signed_in_as is not None:
            await audit.refused(signed_in_as, "console: another staff member's sign-in link")
        return render(
            console.templates,
            "refused.html",
            public_translator(request),
            status=403,
            message=LINK_REFUSALS[result],
        )
    return await _signed_in(request, user_id, "sign-in by link")


async def mini_app_page(request: web.Request) -> web.Response:
    return render(console_of(request).templates, "mini_app.html", public_translator(request))


async def mini_app_sign_in(request: web.Request) -> web.StreamResponse:
    console = console_of(request)
    access, audit = console.app.console_access, console.app.audit
    if (request.content_length or 0) > MAX_INIT_DATA_BYTES:  # before anyone is known
        await audit.refused(0, "console: Mini App sign-in too large")
        return web.json_response({"ok": False}, status=413)
    form = await request.post()
    init_data = form.get("init_data")
    if console.bot_token is None or not isinstance(init_data, str):
        await audit.refused(0, "console: Mini App sign-in without initData")
        return web.json_response({"ok": False}, status=403)
    check = check_init_data(init_data, console.bot_token, console.app.clock.now())
    if check.error is not None or check.user_id is None:
        # The claimed user is recorded, though unproven (the hash did not hold).
        await audit.refused(check.user_id or 0, f"console: Mini App initData {check.error}")
        return web.json_response({"ok": False}, status=403)
    if not access.is_staff(check.user_id):
        await audit.refused(check.user_id, "console: Mini App sign-in, not staff")
        return web.json_response({"ok": False}, status=403)
    session = await access.open_session(check.user_id)
    await audit.console(check.user_id, "sign-in by Mini App")
    response = web.json_response({"ok": True, "next": f"{PREFIX}/cases"})
    set_session_cookie(console, response, session.token)
    return response


async def _signed_in(request: web.Request, user_id: int, how: str) -> web.StreamResponse:
    console = console_of(request)
    session = await console.app.console_access.open_session(user_id)
    await console.app.audit.console(user_id, how)
    response = see_other(f"{PREFIX}/cases")
    set_session_cookie(console, response, session.token)
    return response


@staff_only
async def sign_out(request: web.Request) -> web.StreamResponse:
    token = request.cookies.get(COOKIE)
    if token:
        await console_of(request).app.console_access.close(token)
    await console_of(request).app.audit.console(request[STAFF].user_id, "sign-out")
    response = see_other(f"{PREFIX}/signed-out")
    response.del_cookie(COOKIE, path=PREFIX)
    return response


async def signed_out(request: web.Request) -> web.Response:
    t = public_translator(request)
    return render(
        console_of(request).templates,
        "refused.html",
        t,
        status=200,
        message=N_("You are signed out."),
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/login/{token}", link_page)
    router.add_post("/login/{token}", use_link)
    router.add_get("/app", mini_app_page)
    router.add_post("/auth/webapp", mini_app_sign_in)
    router.add_post("/sign-out", sign_out)
    router.add_get("/signed-out", signed_out)
