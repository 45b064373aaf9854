"""Pages from Jinja2 templates, in the staff member's language.

Autoescape is on for every template: whatever people typed (a name, a message) is shown as text
and can never become markup or script (XSS). Translated strings come from the bot's catalogs:
templates call `gettext("...")` / `ngettext(...)`, bound to the staff member's Translator
(extracted by `make i18n` through babel.cfg's jinja2 section).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot.i18n import Translator
from bot.web import PREFIX

TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: XSS safety
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    environment: jinja2.Environment,
    template: str,
    t: Translator,
    *,
    status: int = 200,
    **context: Any,
) -> web.Response:
    page = environment.get_template(template).render(
        t=t,
        gettext=t.gettext,
        ngettext=t.ngettext,
        lang=t.locale,
        direction="rtl" if t.rtl else "ltr",
        prefix=PREFIX,
        **context,
    )
    return web.Response(text=page, status=status, content_type="text/html", charset="utf-8")
