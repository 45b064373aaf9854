"""Webhook throughput: real `python -m bot` processes in webhook mode behind a round-robin
"load balancer" (this script), on SQLite (one process) or PostgreSQL (one or two processes),
with a fake Telegram Bot API on loopback. Every update is answered only after it was handled,
so the request latency is the handling latency.

Checks while measuring: every person gets exactly one answer per update although every 20th
update is posted twice (to the other process: Telegram's re-send), and their updates, sent as a
concurrent burst, are handled one at a time (a lost or doubled answer would show).

    .venv/bin/python bench/webhooks.py --database sqlite
    scripts/with-postgres.sh .venv/bin/python bench/webhooks.py --database postgres --processes 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.fernet import Fernet  # noqa: E402

from tests.e2e.bot_api_server import FakeBotApiServer  # noqa: E402

SECRET = "bench-secret-0123456789-abcdefghij"
TOKEN = "123456789:" + "B" * 35


class WebhookFakeApi(FakeBotApiServer):
    def _do_setwebhook(self, fields: dict) -> bool:
        return True

    def _do_deletewebhook(self, fields: dict) -> bool:
        return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def start_process(env: dict[str, str], port: int, log: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env={**env, "WEBHOOK_PORT": str(port)},
        stdout=log.open("w"), stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return process
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"the bot on port {port} did not start: see {log}")


def update(update_id: int, user_id: int, text: str) -> dict:
    user = {"id": user_id, "is_bot": False, "first_name": "Load", "language_code": "en"}
    command = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    message = {
        "message_id": update_id, "date": 1795459584, "chat": {"id": user_id, "type": "private"},
        "from": user, "text": text, "entities": command,
    }  # fmt: skip
    return {"update_id": update_id, "message": message}


async def run(
    database: str, processes: int, people: int, per_person: int, concurrency: int
) -> dict:
    folder = Path(tempfile.mkdtemp())
    url = (
        os.environ.get("TEST_DATABASE_URL", "")
        if database == "postgres"
        else f"sqlite+aiosqlite:///{folder}/bench.db"
    )
    if database == "postgres":
        if not url:
            raise SystemExit("run under scripts/with-postgres.sh (TEST_DATABASE_URL)")
        await reset_postgres(url)
    async with WebhookFakeApi() as api:
        env = {
            **os.environ, "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api.url, "DATABASE_URL": url,
            "DATA_KEY": Fernet.generate_key().decode(), "WEBHOOK_URL": "https://bench.invalid/hook",
            "WEBHOOK_SECRET": SECRET, "WEBHOOK_HOST": "127.0.0.1", "STAFF_CHAT_ID": "",
            "STAFF_USER_IDS": "", "LOG_LEVEL": "WARNING",
        }  # fmt: skip
        ports = [free_port() for _ in range(processes)]
        bots = [
            await start_process(env, port, folder / f"bot{i}.log") for i, port in enumerate(ports)
        ]
        latencies: list[float] = []
        errors = 0
        gate = asyncio.Semaphore(concurrency)
        jobs = []
        update_id = 0
        for p in range(people):
            for i in range(per_person):
                update_id += 1
                body = update(update_id, 800_000 + p, "/help" if i % 2 else "/start")
                jobs.append((ports[(i + p) % processes], body))
                if update_id % 20 == 0:  # Telegram re-sends it, to the other process
                    jobs.append((ports[(i + p + 1) % processes], body))

        async def post(session: aiohttp.ClientSession, port: int, body: dict) -> None:
            nonlocal errors
            async with gate:
                began = time.perf_counter()
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with session.post(
                    f"http://127.0.0.1:{port}/hook", json=body, headers=headers
                ) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - began)

        started = time.perf_counter()
        async with aiohttp.ClientSession() as session:
            await asyncio.gather(*(post(session, port, body) for port, body in jobs))
        elapsed = time.perf_counter() - started
        answers = [len(api.bot_messages(800_000 + p)) for p in range(people)]
        for bot in bots:
            bot.terminate()
        codes = [await bot.wait() for bot in bots]
    latencies.sort()
    return {
        "database": database, "processes": processes, "updates": update_id, "posts": len(jobs),
        "updates_per_s": round(update_id / elapsed, 1),
        "latency_median_ms": round(statistics.median(latencies) * 1000, 1),
        "latency_p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "http_errors": errors,
        "people_with_exactly_one_answer_per_update": sum(a == per_person for a in answers),
        "people": people, "exit_codes": codes,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description="Webhook throughput and latency")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--per-person", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(
        run(args.database, args.processes, args.people, args.per_person, args.concurrency)
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<44}{value}")


if __name__ == "__main__":
    main()
