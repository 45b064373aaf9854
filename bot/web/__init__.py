"""The staff console: a small web app served by the bot process itself (README "Staff console").

- `console_app.build_console_app` makes the aiohttp application, mounted under /staff.
- `access`: sessions, the `staff_only` decorator (staff re-checked and CSRF on every request),
  the security headers; `init_data`: Telegram Mini App sign-in; `rendering`: Jinja2 templates
  in the staff member's language.
- `pages/`: one module per page, each with `add_routes(router)`; `pages.PAGES` lists them.
"""

PREFIX = "/staff"  # where the console is mounted, in both modes and behind the proxy
