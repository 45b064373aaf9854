from operator import itemgetter
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Column, Select
from aiogram_dialog.widgets.text import Format

from bot.i18n import Catalogs, native_language_name
from bot.locales import LISTENING_LOCALES, SUPPORTED_LOCALES
from bot.services.recordings import RecordingService
from dialogs.states import LanguageSG, MenuSG
from dialogs.widgets import screen


async def languages_getter(
    catalogs: Catalogs, recordings: RecordingService, **_: Any
) -> dict[str, Any]:
    # Shown before we know what the person reads: the prompt in every language, each in itself.
    prompts = [catalogs[code].gettext("Choose your language") for code in SUPPORTED_LOCALES]
    listening = await recordings.complete_listening_locales()
    return {
        "prompts": "\n".join(prompts),
        "languages": [(code, native_language_name(code)) for code in SUPPORTED_LOCALES]
        + [(code, "🔊 " + native_language_name(code)) for code in listening],
    }


async def written_getter(catalogs: Catalogs, **_: Any) -> dict[str, Any]:
    prompts = [
        catalogs[code].gettext("Which language do you read best? The menus will be in it.")
        for code in SUPPORTED_LOCALES
    ]
    return {
        "prompts": "\n".join(prompts),
        "languages": [(code, native_language_name(code)) for code in SUPPORTED_LOCALES],
    }


async def on_language_chosen(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, code: str
) -> None:
    data = manager.middleware_data
    if code in LISTENING_LOCALES:  # recordings only: ask which language the menus are in
        if code in await data["recordings"].complete_listening_locales():
            manager.dialog_data["listen"] = code
            await manager.switch_to(LanguageSG.written)
        return
    if code not in SUPPORTED_LOCALES:  # a tampered button: ignore it, keep the screen
        return
    await data["user_service"].choose_locale(callback.from_user.id, code)
    data["t"] = data["catalogs"][code]  # the next screen is already in the new language
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def on_written_chosen(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, code: str
) -> None:
    data = manager.middleware_data
    listen = manager.dialog_data.get("listen")
    if code not in SUPPORTED_LOCALES or listen not in LISTENING_LOCALES:
        return  # a tampered or old button: the screen stays
    await data["user_service"].choose_listening(callback.from_user.id, listen, code)
    data["t"] = data["catalogs"][code]
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


def create_language_dialog() -> Dialog:
    return Dialog(
        screen(
            Format("{prompts}"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="lang",
                    item_id_getter=itemgetter(0),
                    items="languages",
                    on_click=on_language_chosen,
                )
            ),
            getter=languages_getter,
            state=LanguageSG.pick,
        ),
        screen(
            Format("{prompts}"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="written",
                    item_id_getter=itemgetter(0),
                    items="languages",
                    on_click=on_written_chosen,
                )
            ),
            getter=written_getter,
            state=LanguageSG.written,
        ),
    )
