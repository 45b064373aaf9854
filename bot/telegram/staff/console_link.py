"""/console: a one-time sign-in link into the staff console, in a private chat, staff only.

With WEB_PUBLIC_URL (https) the answer also carries a "🗂 Console" button that opens the
console as a Telegram Mini App. It is an inline `web_app` button: Telegram allows those in
private chats only, which is where /console answers, and it opens the Mini App with signed
initData (the console checks it). A reply-keyboard button would sit over the person-side menu
until removed; a per-chat menu button would replace the staff member's command list.
"""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    WebAppInfo,
)

from bot.config import Settings
from bot.i18n import Translator
from bot.services.console_access import ConsoleAccess


def console_button(settings: Settings, t: Translator) -> InlineKeyboardMarkup | None:
    if not settings.WEB_PUBLIC_URL:  # Telegram opens Mini Apps over https only
        return None
    app_url = f"{settings.WEB_PUBLIC_URL}/app"
    button = InlineKeyboardButton(text=t.gettext("🗂 Console"), web_app=WebAppInfo(url=app_url))
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def console_link(
    message: Message, console_access: ConsoleAccess, settings: Settings, t: Translator
) -> None:
    token = await console_access.issue_link(message.from_user.id)  # type: ignore[union-attr]
    lines = [
        t.gettext(
            "Your sign-in link to the staff console. It works once, for 10 minutes, and only "
            "for you: do not forward it."
        ),
        f"{settings.console_url}/login/{token}",
    ]
    if not settings.WEB_PUBLIC_URL:
        lines.append(
            t.gettext(
                "WEB_PUBLIC_URL is not set: this link opens the console on the bot's own "
                "computer only."
            )
        )
    await message.answer(
        "\n\n".join(lines),
        reply_markup=console_button(settings, t),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
