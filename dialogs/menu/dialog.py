from aiogram_dialog import Dialog
from aiogram_dialog.widgets.kbd import Back, Column, Start, SwitchTo

from dialogs.states import LanguageSG, MenuSG
from dialogs.widgets import T, screen


def create_menu_dialog() -> Dialog:
    return Dialog(
        screen(
            T(
                "<b>AVRR Assistant</b>\n\n"
                "I give information about assisted voluntary return and reintegration: "
                "help for migrants who want to go back to their country but cannot do it alone, "
                "and support after they return.\n\n"
                "• You do not pay for this help.\n"
                "• Going home is always your own choice. You can stop at any time.\n\n"
                "Choose what you need:"
            ),
            Column(
                SwitchTo(T("❓ How this bot works"), id="help", state=MenuSG.help),
                Start(T("🌐 Language"), id="language", state=LanguageSG.pick),
            ),
            state=MenuSG.main,
        ),
        screen(
            T(
                "<b>How this bot works</b>\n\n"
                "Press the buttons to move around. You can also type these commands:\n"
                "/start – the main menu\n"
                "/language – change the language\n"
                "/cancel – stop what you are doing and go back to the menu\n"
                "/help – this page"
            ),
            Back(T("⬅️ Back to the menu"), id="back"),
            state=MenuSG.help,
        ),
    )
