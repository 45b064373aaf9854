"""Helpers for the console tests: the console on a real aiohttp test server, over the test's
App and database, with Telegram's documented initData signing."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from bot.web.console_app import mount_console
from bot.web.init_data import init_data_hash
from tests.support import STAFF_ID

BOT_TOKEN = "123456789:AAE-test-token-for-the-console-only"
OTHER_BOT_TOKEN = "987654321:AAF-another-bots-token-not-ours-1"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def console_client(app: Any, bot: Any = None) -> TestClient:
    """The console on a test server; with `bot` (the in-process Bot API), files can be sent."""
    from bot.telegram.staff.console_files import TelegramFileUpload

    root = web.Application()
    upload = TelegramFileUpload(bot) if bot is not None else None
    mount_console(root, app, bot_token=BOT_TOKEN, upload=upload)
    client = TestClient(TestServer(root))
    await client.start_server()
    return client


async def sign_in(client: TestClient, app: Any, user_id: int = STAFF_ID) -> None:
    """Through a one-time link, as /console gives it."""
    token = await app.console_access.issue_link(user_id)
    response = await client.post(f"/staff/login/{token}", allow_redirects=False)
    assert response.status == 303, await response.text()


def signed_init_data(user_id: int, auth_date: int, token: str = BOT_TOKEN) -> str:
    """initData as Telegram makes it: fields, then the hash over their sorted key=value lines."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps({"id": user_id, "first_name": "Staff", "language_code": "en"}),
        "auth_date": str(auth_date),
    }
    fields["hash"] = init_data_hash(fields, token)
    return urlencode(fields)


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)


async def audit_rows(app: Any) -> list[tuple[int, str, str]]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text("select actor_id, action, detail from audit_log order by id")
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


async def count_rows(app: Any, table: str) -> int:
    async with app.engine.connect() as connection:
        return int((await connection.execute(text(f"select count(*) from {table}"))).scalar())
