"""Commands every person can use: /start, /help, /language, /cancel."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.domain.offices import Office
from bot.domain.users import User, parse_source
from bot.i18n import Translator
from bot.services.announcements import AnnouncementService
from bot.services.checkins import CheckinService
from bot.services.registration import RegistrationService
from bot.services.users import UserService
from bot.telegram.entry.filters import PrivateChat
from bot.telegram.outbox.announcements import StopAnnouncements
from bot.telegram.outbox.booking import BookStart
from bot.telegram.outbox.checkins import OpenCheckin
from dialogs.mydata.personal_data import render_personal_data
from dialogs.states import BookingSG, CheckinSG, DeleteSG, LanguageSG, MenuSG, TalkSG
from dialogs.widgets import OpenTalk


def announcements_stopped(t: Translator) -> str:
    """What a press on "Stop announcements" answers, and how to undo it."""
    return t.gettext(
        "🔕 You will not receive announcements from the office any more. Messages about "
        "your own case still reach you. To receive announcements again, open the menu "
        "(/start) and press “{button}”.",
        button=t.gettext("🔔 Receive announcements again"),
    )


class MyDataAction(CallbackData, prefix="mydata"):
    """The buttons under /mydata: delete it all (asks first), or back to the menu."""

    action: str


def mydata_keyboard(t: Translator) -> InlineKeyboardMarkup:
    delete = InlineKeyboardButton(
        text=t.gettext("🗑 Delete my data"), callback_data=MyDataAction(action="delete").pack()
    )
    menu = InlineKeyboardButton(
        text=t.gettext("🏠 Main menu"), callback_data=MyDataAction(action="menu").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[[delete], [menu]])


def create_commands_router() -> Router:
    router = Router(name="commands")
    router.message.filter(PrivateChat())

    @router.message(CommandStart())
    async def start(
        message: Message,
        command: CommandObject,
        dialog_manager: DialogManager,
        person: User,
        user_service: UserService,
    ) -> None:
        source = parse_source(command.args)
        if source:
            await user_service.record_source(person.id, source)
        first_time = person.locale is None
        state = LanguageSG.pick if first_time else MenuSG.main
        await dialog_manager.start(state, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.message(Command("help"))
    async def help_(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(MenuSG.help, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.message(Command("language"))
    async def language(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(
            LanguageSG.pick, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
        )

    @router.message(Command("cancel"))
    async def cancel(message: Message, dialog_manager: DialogManager, t: Translator) -> None:
        # Forms keep their answers in the dialog context only, so resetting it saves nothing.
        await message.answer(t.gettext("Stopped. Nothing was saved."))
        await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.callback_query(BookStart.filter(), PrivateChat())
    async def book_from_notice(callback: CallbackQuery, dialog_manager: DialogManager) -> None:
        await callback.answer()
        await dialog_manager.start(
            BookingSG.day, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
        )

    @router.callback_query(StopAnnouncements.filter(F.action == "stop"), PrivateChat())
    async def stop_announcements(
        callback: CallbackQuery, announcements: AnnouncementService, t: Translator
    ) -> None:
        # Whoever presses changes their own choice only (the press's sender, never the message's).
        await announcements.stop(callback.from_user.id)
        await callback.answer()
        if callback.message is not None:
            await callback.message.answer(announcements_stopped(t))

    @router.callback_query(OpenTalk.filter(), PrivateChat())
    async def open_talk(callback: CallbackQuery, dialog_manager: DialogManager) -> None:
        await callback.answer()
        # Over the current screen: "⬅️ Back" in Write to the office returns to it.
        await dialog_manager.start(TalkSG.chat, show_mode=ShowMode.SEND)

    @router.callback_query(OpenCheckin.filter(), PrivateChat())
    async def open_checkin(
        callback: CallbackQuery,
        callback_data: OpenCheckin,
        dialog_manager: DialogManager,
        checkins: CheckinService,
        t: Translator,
    ) -> None:
        _, waiting = await checkins.state(callback.from_user.id)
        if waiting is None or waiting.id != callback_data.id:  # answered, expired, or not theirs
            await callback.answer(
                t.gettext("This check-in is closed: it was already answered or has expired."),
                show_alert=True,
            )
            return
        await callback.answer()
        await dialog_manager.start(
            CheckinSG.question,
            data={"checkin_id": waiting.id},
            mode=StartMode.RESET_STACK,
            show_mode=ShowMode.SEND,
        )

    @router.message(Command("mydata"))
    async def mydata(
        message: Message,
        dialog_manager: DialogManager,
        registrations: RegistrationService,
        t: Translator,
        offices: tuple[Office, ...],
    ) -> None:
        data = await registrations.personal_data(message.from_user.id)  # type: ignore[union-attr]
        # The page ends with what can be done with it, one press away (not a dead end).
        await message.answer(
            render_personal_data(data, t, offices), reply_markup=mydata_keyboard(t)
        )

    @router.callback_query(MyDataAction.filter(), PrivateChat())
    async def mydata_action(
        callback: CallbackQuery, callback_data: MyDataAction, dialog_manager: DialogManager
    ) -> None:
        await callback.answer()
        state = DeleteSG.confirm if callback_data.action == "delete" else MenuSG.main
        await dialog_manager.start(state, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)

    @router.message(Command("delete"))
    async def delete(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(
            DeleteSG.confirm, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
        )

    return router
