"""The console's pages, one module each. A page module has `add_routes(router)`; add it here.

Every handler showing people's data or doing anything is wrapped in `access.staff_only`.
"""

from bot.web.pages import announcements, case, cases, exports, figures, sign_in, slots

PAGES = (sign_in, cases, case, slots, figures, exports, announcements)
