"""The language a message to a person is written in: the one they use in the bot now.

Messages wait in the outbox and are rendered when sent; a person may have switched language
since they filled in a form or opened a conversation, and reads the bot in that language now.
"""

from __future__ import annotations

from bot.app import App
from bot.i18n import Translator
from bot.locales import SUPPORTED_LOCALES


async def person_translator(app: App, user_id: int, fallback: str) -> Translator:
    async with app.uow(read_only=True) as uow:
        user = await uow.users.get(user_id)
    locale = user.locale if user is not None and user.locale in SUPPORTED_LOCALES else None
    return app.catalogs[locale or (fallback if fallback in SUPPORTED_LOCALES else "en")]
