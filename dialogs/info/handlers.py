from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode

from bot.services.recordings import RecordingService
from dialogs.info.getters import TOPIC_IDS, listening, position
from dialogs.states import InfoSG
from dialogs.widgets import translator


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """`manager.start(InfoSG.page, data={"topic": "return_steps"})` opens a topic directly."""
    if isinstance(start_data, dict) and start_data.get("topic") in TOPIC_IDS:
        manager.dialog_data.update(topic=start_data["topic"], index=0)


async def on_topic(_c: CallbackQuery, _w: Any, manager: DialogManager, topic: str) -> None:
    if topic not in TOPIC_IDS:
        return
    manager.dialog_data.update(topic=topic, index=0)
    await manager.switch_to(InfoSG.faq if topic == "faq" else InfoSG.page)


async def on_question(_c: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    if not item.isdigit():
        return
    manager.dialog_data.update(topic="faq", index=int(item))  # clamped by the getter
    await manager.switch_to(InfoSG.page)


async def on_next(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    _topic, index = position(manager)
    manager.dialog_data["index"] = index + 1


async def on_prev(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    _topic, index = position(manager)
    manager.dialog_data["index"] = max(0, index - 1)


async def on_listen(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """Send the page's recording, then the page again below it (the buttons stay at hand)."""
    topic, index = position(manager)
    service: RecordingService = manager.middleware_data["recordings"]
    file_id = await service.voice(topic, index + 1, listening(manager, translator(manager)))
    if file_id is None or callback.message is None:
        await callback.answer(translator(manager).gettext("This page has no recording."))
        return
    await callback.message.answer_voice(file_id)
    manager.show_mode = ShowMode.SEND
