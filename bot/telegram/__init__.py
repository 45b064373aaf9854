"""The Telegram adapter: everything that knows about aiogram lives under here and in dialogs/."""
