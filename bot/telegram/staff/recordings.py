"""/record TOPIC PAGE LANGUAGE (staff, private chat): record, replace or remove the voice
version of an information page. The recording itself happens in a small dialog."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.content import TOPIC_IDS
from bot.i18n import Translator
from bot.locales import LISTENING_LOCALES, SUPPORTED_LOCALES
from bot.services.recordings import RecordingService
from bot.telegram.entry.filters import PrivateChat
from bot.telegram.staff.cases import IsStaff
from dialogs.states import RecordSG


def create_recording_router() -> Router:
    router = Router(name="recording")
    router.message.filter(PrivateChat(), IsStaff())

    @router.message(Command("record"))
    async def record(
        message: Message, command: CommandObject, recordings: RecordingService,
        dialog_manager: DialogManager, t: Translator,
    ) -> None:  # fmt: skip
        words = (command.args or "").split()
        if (
            len(words) != 3
            or not words[1].isdigit()
            or not recordings.page_exists(words[0], int(words[1]), words[2])
        ):
            await message.answer(
                t.gettext(
                    "Write: /record TOPIC PAGE LANGUAGE, for example /record about 2 fr\n"
                    "Topics: {topics}\nLanguages: {languages}",
                    topics=", ".join(TOPIC_IDS),
                    languages=", ".join(SUPPORTED_LOCALES + LISTENING_LOCALES),
                )
            )
            return
        await dialog_manager.start(
            RecordSG.waiting,
            data={"topic": words[0], "page": int(words[1]), "locale": words[2]},
            mode=StartMode.RESET_STACK,
            show_mode=ShowMode.SEND,
        )

    return router
