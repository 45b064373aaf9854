"""The domain and the use-cases stay free of Telegram and SQL; reporting paths free of aiogram."""

import subprocess
import sys

import pytest


def imported_modules(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in result.stdout.split()}


@pytest.mark.parametrize(
    "module",
    ["bot.domain.users", "bot.services.users", "bot.services.ports", "bot.i18n", "bot.config"],
)
def test_core_imports_neither_aiogram_nor_sqlalchemy(module):
    loaded = imported_modules(f"import {module}")
    assert "aiogram" not in loaded
    assert "aiogram_dialog" not in loaded
    assert "sqlalchemy" not in loaded


def test_app_and_migrations_do_not_import_aiogram():
    loaded = imported_modules("import bot.app, storage.migrate, bot.__main__")
    assert "aiogram" not in loaded


def test_the_running_bot_imports_neither_alembic_nor_matplotlib():
    """Alembic is imported only to migrate, matplotlib only to draw (memory of every process)."""
    loaded = imported_modules("import bot.app, bot.telegram.factory, bot.telegram.polling")
    assert "alembic" not in loaded
    assert "matplotlib" not in loaded
