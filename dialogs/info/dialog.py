from __future__ import annotations

from operator import itemgetter

from aiogram_dialog import Dialog
from aiogram_dialog.widgets.kbd import (
    Button,
    Cancel,
    Column,
    ScrollingGroup,
    Select,
    Start,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format

from dialogs.info import getters, handlers
from dialogs.states import EligibilitySG, InfoSG
from dialogs.widgets import NavRow, T, pager, screen

MENU_BUTTON = Cancel(T("🏠 Main menu"), id="menu")


def create_info_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>About the programme</b>\n\nChoose a topic:"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="topic",
                    item_id_getter=itemgetter(0),
                    items="topics",
                    on_click=handlers.on_topic,
                )
            ),
            MENU_BUTTON,
            getter=getters.topics_getter,
            state=InfoSG.topics,
        ),
        screen(
            Format("<b>{title}</b>\n\n{body}\n\n{current}/{total}"),
            Button(T("🔊 Listen"), id="listen", on_click=handlers.on_listen, when="has_voice"),
            NavRow(
                Button(T("⬅️ Back"), id="prev", on_click=handlers.on_prev, when="has_prev"),
                Button(T("Next ➡️"), id="next", on_click=handlers.on_next, when="has_next"),
            ),
            Start(
                T("✅ Can I get help?"), id="check", state=EligibilitySG.where_now, when="is_last"
            ),
            SwitchTo(T("💬 Other questions"), id="questions", state=InfoSG.faq, when="is_faq"),
            SwitchTo(T("📚 Other topics"), id="topics", state=InfoSG.topics),
            MENU_BUTTON,
            getter=getters.page_getter,
            state=InfoSG.page,
        ),
        screen(
            T("<b>Questions people ask</b>\n\nChoose a question:"),
            ScrollingGroup(
                Select(
                    Format("{item[1]}"),
                    id="question",
                    item_id_getter=itemgetter(0),
                    items="questions",
                    on_click=handlers.on_question,
                ),
                id="questions_page",
                width=1,
                height=6,
                hide_pager=True,
            ),
            pager("questions_page"),
            SwitchTo(T("📚 Other topics"), id="topics", state=InfoSG.topics),
            MENU_BUTTON,
            getter=getters.faq_getter,
            state=InfoSG.faq,
        ),
        screen(
            T("<b>Contact the office</b>"),
            Format("{offices}"),
            T("Staff will answer your questions. You decide what you want to do."),
            Start(T("✅ Can I get help?"), id="check", state=EligibilitySG.where_now),
            MENU_BUTTON,
            getter=getters.contact_getter,
            state=InfoSG.contact,
        ),
        on_start=handlers.on_start,
    )
