from dataclasses import replace
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Back, Button, Column, Start, SwitchTo
from aiogram_dialog.widgets.text import Multi

from bot.domain.users import User
from bot.services.announcements import AnnouncementService
from bot.services.menu import MenuContext, MenuService
from bot.services.protection import ConcernService
from dialogs.concern.dialog import concern_button
from dialogs.danger.dialog import danger_button
from dialogs.states import (
    BookingSG,
    CheckinSG,
    EligibilitySG,
    InfoSG,
    LanguageSG,
    MenuSG,
    MyRegistrationSG,
    RegistrationSG,
    TalkSG,
)
from dialogs.widgets import T, screen


async def menu_getter(
    dialog_manager: DialogManager, menu: MenuService, concerns: ConcernService, **_: Any
) -> dict[str, Any]:
    user = dialog_manager.middleware_data.get("event_from_user")
    context = await menu.context(user.id) if user else NOBODY
    person: User | None = dialog_manager.middleware_data.get("person")
    return {
        "announcements_stopped": person is not None and person.announcements_stopped,
        # Decided here, once, rather than by filter expressions on each button as it is drawn.
        "may_register": not context.registered and not context.returnee,
        "sees_registration": context.registered and not context.returnee,
        "checkins": context.checkins,
        "checkin_waiting": context.checkin_waiting,
        "returnee": context.returnee,
        "can_book": context.can_book,
        "booked": context.booked,
        "concerns_on": concerns.configured,  # hidden while nobody would receive a report
    }


async def receive_announcements_again(
    callback: CallbackQuery, _widget: Any, manager: DialogManager
) -> None:
    service: AnnouncementService = manager.middleware_data["announcements"]
    await service.resume(callback.from_user.id)
    person: User | None = manager.middleware_data.get("person")
    if person is not None:  # this update's copy, read before the change
        manager.middleware_data["person"] = replace(person, announcements_stopped=False)
    await manager.switch_to(MenuSG.announcements_on)


NOBODY = MenuContext(
    registered=False,
    returnee=False,
    can_book=False,
    booked=False,
    checkins=False,
    checkin_waiting=False,
)


def create_menu_dialog() -> Dialog:
    return Dialog(
        screen(
            Multi(
                T("<b>Return and reintegration assistant</b>"),
                T(
                    "I give information about assisted voluntary return and reintegration: "
                    "help for migrants who want to go back to their country but cannot do it "
                    "alone, and support after they return."
                ),
                Multi(
                    T("• The help is for people who cannot pay for their return on their own."),
                    T("• Going home is always your own choice. You can stop at any time."),
                ),
                T("Choose what you need:"),
                sep="\n\n",
            ),
            Column(
                danger_button(),
                Start(T("ℹ️ About the programme"), id="info", state=InfoSG.topics),
                Start(T("✅ Can I get help?"), id="check", state=EligibilitySG.where_now),
                Start(
                    T("📝 Register my interest"),
                    id="register",
                    state=RegistrationSG.consent,
                    when="may_register",
                ),
                Start(
                    T("🏡 I came back home: reintegration support"),
                    id="returnee",
                    state=RegistrationSG.consent,
                    data={"kind": "reintegration"},
                    when="may_register",
                ),
                Start(
                    T("📄 My registration"),
                    id="mine",
                    state=MyRegistrationSG.main,
                    when="sees_registration",
                ),
                Start(
                    T("🏡 My reintegration"),
                    id="reintegration",
                    state=CheckinSG.manage,
                    when="returnee",
                ),
                Start(T("📅 Book my interview"), id="book", state=BookingSG.day, when="can_book"),
                Start(T("📅 My interview"), id="interview", state=BookingSG.manage, when="booked"),
                Start(
                    T("📝 My check-in is waiting"),
                    id="checkin",
                    state=CheckinSG.manage,
                    when="checkin_waiting",
                ),
                Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
                Start(T("📞 Contact the office"), id="contact", state=InfoSG.contact),
                concern_button(when="concerns_on"),
                Button(
                    T("🔔 Receive announcements again"),
                    id="announcements_on",
                    on_click=receive_announcements_again,
                    when="announcements_stopped",
                ),
                SwitchTo(T("❓ How this bot works"), id="help", state=MenuSG.help),
                Start(T("🌐 Language"), id="language", state=LanguageSG.pick),
            ),
            getter=menu_getter,
            state=MenuSG.main,
        ),
        screen(
            Multi(
                T("<b>How this bot works</b>"),
                Multi(
                    T("Press the buttons to move around. You can also type these commands:"),
                    T("/start – the main menu"),
                    T("/language – change the language"),
                    T("/cancel – stop what you are doing and go back to the menu"),
                    T("/mydata – see everything the bot keeps about you"),
                    T("/delete – delete your data"),
                    T("/help – this page"),
                ),
                sep="\n\n",
            ),
            Back(T("⬅️ Back to the menu"), id="back"),
            state=MenuSG.help,
        ),
        screen(
            T(
                "🔔 You will receive announcements from the office again. To stop them, press "
                "“🔕 Stop announcements” under any announcement."
            ),
            SwitchTo(T("⬅️ Back to the menu"), id="back_menu", state=MenuSG.main),
            state=MenuSG.announcements_on,
        ),
    )
