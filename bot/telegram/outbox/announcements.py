"""An announcement, as the person receives it: the text staff wrote in their language, under a
line that says who writes, with a "Stop announcements" button (undone from the menu)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.notices import NoticeKind
from bot.i18n import Translator
from bot.telegram.outbox.outgoing import Outgoing, Rendering, renders
from dialogs.widgets import esc


class StopAnnouncements(CallbackData, prefix="ann"):
    """The button under every announcement. It carries nothing of the announcement: whoever
    presses it stops announcements for themselves only, and an old one does just the same."""

    action: str = "stop"


def stop_button(t: Translator) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=t.gettext("🔕 Stop announcements"), callback_data=StopAnnouncements().pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


@renders(NoticeKind.ANNOUNCEMENT)
def announcement(r: Rendering) -> Outgoing | None:
    announcement = r.data.announcement
    if announcement is None:
        return None
    # The language they read now if staff wrote in it, else the one it was queued for.
    text = announcement.texts.get(r.t.locale) or announcement.texts.get(r.payload.get("locale"))
    if not text:
        return None
    header = r.t.gettext("📣 <b>A message from the programme office</b>")
    return Outgoing(r.chat_id, f"{header}\n\n{esc(text)}", reply_markup=stop_button(r.t))
