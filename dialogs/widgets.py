"""Shared widgets: translated texts, right-to-left aware rows, and the bad-input guard."""

from __future__ import annotations

import html
from operator import itemgetter
from typing import Any

from aiogram.enums import ContentType
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.api.internal import RawKeyboard
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.kbd import (
    Button,
    CurrentPage,
    Group,
    NextPage,
    PrevPage,
    Row,
    ScrollingGroup,
    Select,
    Start,
)
from aiogram_dialog.widgets.text import Format, Multi, Text

from bot.i18n import N_, Translator
from dialogs.inputs import MessageInput
from dialogs.states import MenuSG

# Longest text we accept from a person in any free-text field (a name, a city).
MAX_TEXT_INPUT = 200


def esc(text: str) -> str:
    """Escape text we did not write (content files, a person's answers) for Telegram HTML."""
    return html.escape(text, quote=False)


def translator(manager: DialogManager) -> Translator:
    return manager.middleware_data["t"]


class T(Text):
    """A gettext msgid, translated at render time and formatted with the getter's data."""

    def __init__(self, msgid: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.msgid = msgid

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        text = translator(manager)(self.msgid)
        return text.format_map(data) if "{" in text else text


class TP(Text):
    """A plural msgid: `TP("{n} slot", "{n} slots", count="slots")`."""

    def __init__(self, singular: str, plural: str, count: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.singular, self.plural, self.count = singular, plural, count

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return translator(manager).ngettext(
            self.singular, self.plural, int(data[self.count]), **data
        )


class NavRow(Row):
    """A row whose order carries meaning (Back / Next): mirrored for right-to-left readers.

    Telegram lays out keyboards left to right for everyone, so an Arabic reader would
    otherwise find "Next" on the side where they expect "Back".
    """

    async def _render_keyboard(self, data: dict[str, Any], manager: DialogManager) -> RawKeyboard:
        keyboard = await super()._render_keyboard(data, manager)
        if translator(manager).rtl:
            return [list(reversed(row)) for row in keyboard]
        return keyboard


def _has_prev(data: dict[str, Any], _widget: Any, _manager: DialogManager) -> bool:
    return data["current_page"] > 0


def _has_next(data: dict[str, Any], _widget: Any, _manager: DialogManager) -> bool:
    return data["current_page1"] < data["pages"]


def _several_pages(data: dict[str, Any], _widget: Any, _manager: DialogManager) -> bool:
    return data["pages"] > 1


def pager(scroll: str) -> NavRow:
    """Previous / "2/5" / Next for a long list (hide_pager=True on the ScrollingGroup)."""
    return NavRow(
        PrevPage(scroll=scroll, id=f"{scroll}_prev", text=T("⬅️ Back"), when=_has_prev),
        CurrentPage(
            scroll=scroll,
            id=f"{scroll}_page",
            text=Format("{current_page1}/{pages}"),
            when=_several_pages,
        ),
        NextPage(scroll=scroll, id=f"{scroll}_next", text=T("Next ➡️"), when=_has_next),
    )


async def on_staff_close(callback: CallbackQuery, _button: Any, manager: DialogManager) -> None:
    """ "✖️ Close" in a staff screen (/slots, /stats, /export): staff have no menu of buttons,
    so the screen closes with a line that says where to go on (their commands), not silence."""
    t = translator(manager)
    await manager.done()
    if isinstance(callback.message, Message):
        await callback.message.answer(t(STAFF_CLOSED))


STAFF_CLOSED = N_(
    "Closed. Your commands: /cases, /inbox, /slots, /stats, /export (also in the menu, "
    "the / button)."
)


class OpenTalk(CallbackData, prefix="talk"):
    """The "✉️ Write to the office" button under the answer to a message nobody expected."""

    origin: str = "hint"


async def on_unexpected_input(message: Message, _widget: Any, manager: DialogManager) -> None:
    """A sticker, photo, voice note or stray text where the screen expects a button: the person
    is heard (how to reach the office, one press away), then the screen comes back below, so
    they can go on where they were."""
    t = translator(manager)
    await answer_unexpected(message, t)
    manager.show_mode = ShowMode.SEND


async def answer_unexpected(message: Message, t: Translator) -> None:
    await message.answer(unexpected_input_hint(t, message), reply_markup=write_to_office(t))


def write_to_office(t: Translator) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=t.gettext("✉️ Write to the office"), callback_data=OpenTalk().pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def unexpected_input_hint(t: Translator, message: Message) -> str:
    if message.content_type == ContentType.TEXT:
        if (message.text or "").startswith("/"):
            return t.gettext("I do not know this command. Please use the buttons below.")
        return t.gettext(
            "I understand only the buttons. To write to the office, press ✉️ Write to the office."
        )
    if message.content_type in (ContentType.VOICE, ContentType.VIDEO_NOTE, ContentType.AUDIO):
        return t.gettext(
            "🎤 ➡️ ✉️ I cannot listen to voice messages here. To send it to the office, "
            "press ✉️ Write to the office and send it again."
        )
    return t.gettext(
        "I can only read buttons here. To send this to the office, press ✉️ Write to the "
        "office and send it again."
    )


UNEXPECTED_INPUT = MessageInput(on_unexpected_input, content_types=ContentType.ANY)


def choices(widget_id: str, items: str, on_click: Any, width: int = 1) -> Group:
    """Buttons from a getter's list of (id, label), `width` a row: one answer per press."""
    return Group(
        Select(
            Format("{item[1]}"),
            id=widget_id,
            item_id_getter=itemgetter(0),
            items=items,
            on_click=on_click,
        ),
        width=width,
    )


def screen(*widgets: Any, **kwargs: Any) -> Window:
    """A Window whose texts are paragraphs (a blank line between them), and that answers any
    unexpected message with a hint and shows itself again."""
    texts = [w for w in widgets if isinstance(w, Text)]
    others = [w for w in widgets if not isinstance(w, Text)]
    body = [Multi(*texts, sep="\n\n")] if len(texts) > 1 else texts
    return Window(*body, *others, UNEXPECTED_INPUT, **kwargs)


def main_menu_button(widget_id: str = "menu") -> Start:
    """ "🏠 Main menu" that always shows the main menu, whatever opened this dialog."""
    return Start(T("🏠 Main menu"), id=widget_id, state=MenuSG.main, mode=StartMode.RESET_STACK)


async def close_or_menu(_c: Any, _w: Any, manager: DialogManager) -> None:
    """Leave this dialog for the screen that opened it, or for the main menu when nothing did
    (a dialog opened from a notice is alone on its stack: closing it would leave no buttons)."""
    if len(manager.current_stack().intents) > 1:
        await manager.done()
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


def close_button(text: Text, widget_id: str, when: WhenCondition = None) -> Button:
    return Button(text, id=widget_id, on_click=close_or_menu, when=when)


class PagedSelect(ScrollingGroup):
    """A ScrollingGroup of one Select over `data[items]` that renders only the page shown.

    aiogram-dialog's ScrollingGroup renders every item and then slices a page, and each pager
    button renders them all again to count the pages: 250 countries were rendered four times
    for one screen. Here the page count comes from the number of items and only the page's
    items are rendered (each item is one button, so the pages are the same)."""

    def __init__(self, select: Select, *, items: str, id: str, width: int, height: int) -> None:
        super().__init__(select, id=id, width=width, height=height, hide_pager=True)
        self._items_key = items
        self._per_page = width * height

    async def get_page_count(self, data: dict[str, Any], manager: DialogManager) -> int:
        return -(-len(data[self._items_key]) // self._per_page)

    async def _render_keyboard(self, data: dict[str, Any], manager: DialogManager) -> RawKeyboard:
        items = data[self._items_key]
        pages = -(-len(items) // self._per_page)
        page = max(0, min(pages - 1, await self.get_page(manager)))
        start = page * self._per_page
        shown = {**data, self._items_key: items[start : start + self._per_page]}
        return await self._render_contents(shown, manager)
