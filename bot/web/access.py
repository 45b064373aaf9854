"""Who gets in, and what every response carries.

- `staff_only`: the decorator of every page with people's data. It finds the session behind
  the cookie, re-checks its user against STAFF_USER_IDS on every request (someone removed is
  refused at once and their session deleted), and on a POST checks the form's CSRF token in
  constant time. Every refusal where a Telegram user is known is written to the audit log.
- `security_headers`: a strict Content-Security-Policy (nothing but our own files; frames only
  inside Telegram's web clients), nosniff, no referrer, and no-store on every page.
- The session cookie: HttpOnly, SameSite=Strict, path /staff, Secure over https.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import jinja2
from aiohttp import web
from multidict import MultiDictProxy

from bot.app import App
from bot.domain.console import SESSION_IDLE, SessionState
from bot.i18n import N_, Translator
from bot.locales import SUPPORTED_LOCALES
from bot.web import PREFIX
from bot.web.rendering import render

COOKIE = "avrr_console"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; "
    "form-action 'self'; base-uri 'none'"
)
FALLBACK_LOCALE = "en"


class FileUpload(Protocol):
    """Makes an attached file a Telegram file id (bot.telegram.staff.console_files)."""

    async def __call__(
        self, staff_id: int, filename: str, data: bytes, reference: str, t: Translator
    ) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Console:
    """What every page handler needs, kept on the aiohttp application."""

    app: App
    templates: jinja2.Environment
    bot_token: str | None  # checks Mini App sign-ins; None: the Mini App is refused
    secure_cookie: bool
    upload: FileUpload | None = None  # None: answers are text only


CONSOLE = web.AppKey("avrr_console", Console)


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff member of this request."""

    user_id: int
    csrf_token: str
    t: Translator


STAFF = web.RequestKey("avrr_staff", Staff)  # the signed-in staff member
FORM = web.RequestKey("avrr_form", MultiDictProxy)  # a POST's form, CSRF token checked

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REFUSALS = {
    "signed_out": N_("Please sign in: send /console to the bot in a private chat."),
    "not_staff": N_("Only office staff can use the console."),
    "csrf": N_("This form has expired. Please go back, reload the page and try again."),
}


def console_of(request: web.Request) -> Console:
    return request.config_dict[CONSOLE]


def translator(console: Console, locale: str | None) -> Translator:
    return console.app.catalogs[locale if locale in SUPPORTED_LOCALES else FALLBACK_LOCALE]


def public_translator(request: web.Request) -> Translator:
    """Before sign-in the staff member is unknown: the deployment's default language."""
    console = console_of(request)
    return translator(console, console.app.settings.DEFAULT_LOCALE)


def refused(request: web.Request, reason: str, status: int = 403) -> web.Response:
    response = render(
        console_of(request).templates,
        "refused.html",
        public_translator(request),
        status=status,
        message=REFUSALS[reason],
    )
    if reason in ("signed_out", "not_staff"):
        response.del_cookie(COOKIE, path=PREFIX)
    return response


async def refused_by_policy(request: web.Request, staff: Staff, page: str) -> web.Response:
    """A service's own StaffPolicy said no although the session check passed: audited, and
    refused with the same words as the session check."""
    console = console_of(request)
    await console.app.audit.refused(staff.user_id, f"console: {page}")
    return render(
        console.templates, "refused.html", staff.t, status=403, message=REFUSALS["not_staff"]
    )


def set_session_cookie(console: Console, response: web.StreamResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        path=PREFIX,
        httponly=True,
        secure=console.secure_cookie,
        samesite="Strict",
        max_age=int(SESSION_IDLE.total_seconds()),
    )


def staff_only(handler: Handler) -> Handler:
    """Wrap a page: a staff session is required (checked now), and a POST's CSRF token."""

    @functools.wraps(handler)
    async def checked(request: web.Request) -> web.StreamResponse:
        console = console_of(request)
        audit = console.app.audit
        check = await console.app.console_access.check(request.cookies.get(COOKIE))
        if check.state is SessionState.NOT_STAFF:
            await audit.refused(check.user_id or 0, "console: no longer staff")
            return refused(request, "not_staff")
        if check.state is not SessionState.OK or check.session is None:
            return refused(request, "signed_out", status=401)
        session = check.session
        staff = Staff(session.user_id, session.csrf_token, translator(console, session.locale))
        request[STAFF] = staff
        if request.method == "POST":
            form = await request.post()
            sent = form.get("csrf")
            if not isinstance(sent, str) or not hmac.compare_digest(
                sent.encode(), session.csrf_token.encode()
            ):
                await audit.refused(staff.user_id, "console: bad CSRF token")
                return refused(request, "csrf")
            request[FORM] = form
        response = await handler(request)
        if request.cookies.get(COOKIE) and COOKIE not in response.cookies:
            # The browser keeps the cookie as long as the server keeps the session: 8 hours
            # from the last use, not from the sign-in.
            set_session_cookie(console, response, request.cookies[COOKIE])
        return response

    return checked


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: on every response of the console, static files included."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith(PREFIX + "/static/"):
        response.headers["Cache-Control"] = "no-store"


def see_other(location: str) -> web.Response:
    """303 to a page of the console (after a POST: a reload does not send the form again)."""
    return web.Response(status=303, headers={"Location": location})
