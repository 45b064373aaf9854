"""Webhook mode on a real aiohttp server (loopback): the secret header, handling before the
answer, update ids handled once, and /healthz. Runs on SQLite and on PostgreSQL."""

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import ConfigError, load_settings
from bot.telegram.entry.factory import LOCAL_TOKEN, create_bot
from bot.telegram.entry.local_api import LocalBotAPI
from bot.telegram.entry.webhook import build_web_app
from tests.support import make_settings

SECRET = "s3cret-token-for-tests-0123456789"


@pytest.fixture
async def client(database, clock):
    from bot.app import create_app

    settings = make_settings(
        database, WEBHOOK_URL="https://bot.example.org/tg/hook", WEBHOOK_SECRET=SECRET
    )
    app = await create_app(settings, clock=clock)
    api = LocalBotAPI()
    bot = create_bot(LOCAL_TOKEN, api)
    web_app = build_web_app(app, bot)
    async with TestClient(TestServer(web_app, host="127.0.0.1")) as test_client:
        test_client.api = api
        test_client.app_ = app
        yield test_client
    await bot.session.close()
    await app.close()


def start(update_id, user_id=5151):
    user = {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "fr"}
    message = {
        "message_id": update_id,
        "date": 1795459584,
        "chat": {"id": user_id, "type": "private"},
        "from": user,
        "text": "/start",
        "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
    }
    return {"update_id": update_id, "message": message}


def bot_messages(client, chat_id):
    return [m for m in client.api.chat(chat_id) if m["from"]["is_bot"]]


async def test_without_the_secret_header_nothing_is_processed(client):
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        response = await client.post("/tg/hook", json=start(1), headers=headers)
        assert response.status == 401
    assert bot_messages(client, 5151) == []
    async with client.app_.uow() as uow:
        assert await uow.users.get(5151) is None


async def test_an_update_is_handled_before_it_is_acknowledged_and_only_once(client):
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    response = await client.post("/tg/hook", json=start(10), headers=headers)
    assert response.status == 200
    assert len(bot_messages(client, 5151)) == 1  # handled by the time of the answer
    again = await client.post("/tg/hook", json=start(10), headers=headers)  # Telegram re-sends
    assert again.status == 200
    assert len(bot_messages(client, 5151)) == 1  # not handled twice
    await client.post("/tg/hook", json=start(11), headers=headers)
    assert len(bot_messages(client, 5151)) == 2


async def test_healthz_follows_the_database(client, monkeypatch):
    assert (await client.get("/healthz")).status == 200

    from storage.db import create_engine

    unreachable = create_engine("sqlite+aiosqlite:////nonexistent-folder/avrr.db")
    monkeypatch.setattr(client.app_, "engine", unreachable)
    response = await client.get("/healthz")
    assert response.status == 503
    await unreachable.dispose()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"WEBHOOK_URL": "https://x.org/hook"}, "WEBHOOK_SECRET is required with WEBHOOK_URL"),
        ({"WEBHOOK_URL": "http://x.org/hook", "WEBHOOK_SECRET": SECRET}, "WEBHOOK_URL"),
        ({"WEBHOOK_URL": "https://x.org/hook", "WEBHOOK_SECRET": "short"}, "WEBHOOK_SECRET"),
    ],
)
def test_webhook_settings_are_checked(monkeypatch, tmp_path, values, message):
    monkeypatch.chdir(tmp_path)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/x.db")
    with pytest.raises(ConfigError, match=message):
        load_settings()
