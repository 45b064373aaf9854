"""Staff record the voice version of one information page in one language: send a voice
message, listen to the current one, or remove it. Every action is checked against
STAFF_USER_IDS again (in the service)."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button

from bot.content import ContentLibrary
from bot.i18n import native_language_name
from bot.locales import SOURCE_LOCALE, SUPPORTED_LOCALES
from bot.services.recordings import Recorded, RecordingService
from dialogs.inputs import MessageInput
from dialogs.states import RecordSG
from dialogs.widgets import T, esc, on_staff_close, screen, translator


def _target(manager: DialogManager) -> tuple[str, int, str] | None:
    data = manager.start_data if isinstance(manager.start_data, dict) else {}
    topic, page, locale = data.get("topic"), data.get("page"), data.get("locale")
    service: RecordingService = manager.middleware_data["recordings"]
    if not isinstance(topic, str) or not isinstance(page, int) or not isinstance(locale, str):
        return None
    return (topic, page, locale) if service.page_exists(topic, page, locale) else None


async def record_getter(
    dialog_manager: DialogManager, recordings: RecordingService, content: ContentLibrary,
    **_: Any,
) -> dict[str, Any]:  # fmt: skip
    target = _target(dialog_manager)
    if target is None:
        return {"topic": "", "page": 0, "language": "", "title": "", "has_voice": False}
    topic, page, locale = target
    written = locale if locale in SUPPORTED_LOCALES else SOURCE_LOCALE
    return {
        "topic": topic,
        "page": page,
        "language": native_language_name(locale),
        # A listening language has no written pages: staff see the English title.
        "title": esc(content.topic(written, topic).pages[page - 1].title),
        "has_voice": await recordings.voice(topic, page, locale) is not None,
    }


def _staff_id(manager: DialogManager) -> int:
    return manager.middleware_data["event_from_user"].id


async def on_voice(message: Message, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    target = _target(manager)
    service: RecordingService = manager.middleware_data["recordings"]
    result = (
        await service.record(_staff_id(manager), *target, message.voice.file_id)  # type: ignore[union-attr]
        if target and message.voice
        else Recorded.NO_SUCH_PAGE
    )
    answers = {
        Recorded.SAVED: t.gettext('Saved. People now see "🔊 Listen" on this page.'),
    }
    await message.answer(answers.get(result, t.gettext("This page does not exist.")))
    manager.show_mode = ShowMode.SEND


async def on_listen(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    target = _target(manager)
    service: RecordingService = manager.middleware_data["recordings"]
    file_id = await service.voice(*target) if target else None
    if file_id and callback.message is not None:
        await callback.message.answer_voice(file_id)
        manager.show_mode = ShowMode.SEND


async def on_remove(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    target = _target(manager)
    service: RecordingService = manager.middleware_data["recordings"]
    result = await service.remove(_staff_id(manager), *target) if target else Recorded.NOTHING
    if result is Recorded.REMOVED:
        await callback.answer(t.gettext("Removed. The page no longer offers a recording."))
    else:
        await callback.answer(t.gettext("There is no recording to remove."))


def create_recording_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>🎙 Voice version of a page</b>"),
            T("Topic: {topic} · page {page} · {language}\n<i>{title}</i>"),
            T(
                "Send a voice message now: it becomes the recording of this page.",
                when=~F["has_voice"],
            ),
            T(
                "This page has a recording. Send a voice message to replace it.",
                when="has_voice",
            ),
            MessageInput(on_voice, content_types=[ContentType.VOICE]),
            Button(T("▶️ Listen to it"), id="listen", on_click=on_listen, when="has_voice"),
            Button(T("🗑 Remove the recording"), id="remove", on_click=on_remove, when="has_voice"),
            Button(T("✔️ Done"), id="done", on_click=on_staff_close),
            getter=record_getter,
            state=RecordSG.waiting,
        ),
    )
