"""The bot's cost per update next to reference stacks, measured in one run, interleaved.

Four stacks, each a `Dispatcher` fed with `feed_update` through the in-process Bot API
(`LocalBotAPI`, trimmed after each update so that its record of chats does not grow):

- `echo`: bare aiogram, one handler answering each message and each button;
- `dialog`: aiogram-dialog, 3 windows (menu, help, a form with a text input and option
  buttons), aiogram's MemoryStorage;
- `dialog+sql`: the same and one SQLAlchemy write per update (an upsert of a row on a SQLite
  file through aiosqlite, in a transaction), the smallest a persistent bot does;
- `project`: the whole bot (`create_app` + `build_dispatcher`), on a temporary SQLite file.

In each of --rounds rounds every stack gets --people turns, each a new person walking the
same script, the stacks taking turns person by person in a rotating order: for the project
/start, the language, the help page and back, the registration form to its Confirm (the name
typed, the country searched by typing "guin", the other answers with buttons), then /start
and the help page again; for the references the equivalent walk of their 3 windows (a form
button changes the screen there too: the reference's form shows the choice). Every update
is labelled by its kind; CPU is `time.process_time()` around `feed_update` (the whole
process: aiosqlite's thread counts).
gc.freeze() after the stacks are built, as the bot does after its start-up.

Counted per update (project and dialog+sql), from SQLite's own trace of what it runs: SQL
statements (each row of an executemany counts; BEGIN, COMMIT, ROLLBACK, PRAGMA not),
transactions (BEGINs, and writes run outside one: each is its own transaction); and aiosqlite
thread round trips (calls handed to its thread) and encryptions. For a kind with no reference
equivalent the closest is used: Confirm is compared with a form button, the country search with
a typed answer.

--memory (on by default in `make bench`; --no-memory skips it) runs two child processes, the
`dialog` reference and the project, each measured the same way: RSS once built and warmed
(idle), then with 10,000 people mid-dialog (the project: in the registration form after their
name; the reference: in its form after a typed answer), KiB per person = growth / people, and
the longest full (generation 2) garbage collection during that run (wall, and CPU of the thread:
on a loaded machine the wall time includes waiting for a core).

Run: `make bench` (`.venv/bin/python -m bench.compare`); --rounds, --people per round, --json.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiosqlite.core
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.filters import CommandStart
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window, setup_dialogs
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Back, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, String, Table, event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.util import await_only

# Only the in-process Bot API of the project here: the reference child imports nothing else.
from bot.telegram.entry.local_api import LocalBotAPI
from bot.telegram.entry.local_client import LocalPerson

LOCAL_TOKEN = "4242424242:LOCAL-terminal-chat-token-not-secret"


def create_bot(token: str, session: Any) -> Bot:
    """As bot.telegram.entry.factory.create_bot (HTML by default), without importing the project."""
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def project_bot(token: str, session: Any) -> Bot:
    from bot.telegram.entry.factory import create_bot as create_project_bot

    return create_project_bot(token, session)


CHILD = (sys.executable, "-m", "bench.compare", "--memory-child")
ROOT = Path(__file__).resolve().parent.parent
KINDS = ("/start", "menu press", "typed answer", "form button", "confirm", "country search")
REFERENCE_KIND = {"confirm": "form button", "country search": "typed answer"}
STACKS = ("echo", "dialog", "dialog+sql", "project")


# -- counting --------------------------------------------------------------------------------
@dataclass
class Counts:
    statements: int = 0
    transactions: int = 0
    round_trips: int = 0
    encryptions: int = 0

    def snapshot(self) -> tuple[int, int, int, int]:
        return (self.statements, self.transactions, self.round_trips, self.encryptions)


COUNTS = Counts()


def install_counters() -> None:
    original_execute = aiosqlite.core.Connection._execute

    async def counted_execute(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        COUNTS.round_trips += 1
        return await original_execute(self, fn, *args, **kwargs)

    aiosqlite.core.Connection._execute = counted_execute  # type: ignore[method-assign]
    from storage.crypto import DataCipher

    original_encrypt = DataCipher.encrypt

    def counted_encrypt(self: Any, value: Any) -> Any:
        if value is not None:
            COUNTS.encryptions += 1
        return original_encrypt(self, value)

    DataCipher.encrypt = counted_encrypt  # type: ignore[method-assign]
    # The dialog state's own connection on the event loop (storage/fsm.py) is traced too.
    from storage.loop_sqlite import LoopConnection

    original_connect = LoopConnection._connect

    def traced_connect(self: Any) -> Any:
        db = original_connect(self)
        db.set_trace_callback(tracer())
        return db

    LoopConnection._connect = traced_connect  # type: ignore[method-assign]


def tracer(counts: Counts = COUNTS) -> Callable[[str], None]:
    """SQLite's own trace of one connection: every statement it runs, however it was handed to
    it. A transaction is a BEGIN, or a write run outside one (its own transaction). Also what
    tests/dialogs/test_one_transaction_per_update.py counts with."""
    in_transaction = False

    def trace(sql: str) -> None:
        nonlocal in_transaction
        word = sql.lstrip()[:8].upper()
        if word.startswith("BEGIN"):
            counts.transactions += 1
            in_transaction = True
        elif word.startswith(("COMMIT", "ROLLBACK")):
            in_transaction = False
        elif not word.startswith("PRAGMA"):
            counts.statements += 1
            if not in_transaction and not word.startswith(("SELECT", "WITH")):
                counts.transactions += 1

    return trace


async def count_sql(engine: Any) -> None:
    """Trace every new connection of `engine` (the pooled ones are closed first)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        driver = dbapi_connection.driver_connection  # aiosqlite.Connection
        await_only(driver._execute(driver._conn.set_trace_callback, tracer()))

    await engine.dispose()


# -- the in-process Bot API, kept small --------------------------------------------------------
class LeanBotAPI(LocalBotAPI):
    """LocalBotAPI that forgets what no one will look at again (memory stays flat)."""

    def trim(self, chat_id: int, keep: int = 2) -> None:
        self.calls.clear()
        self.events.clear()
        messages = self.messages.get(chat_id)
        if messages and len(messages) > keep:
            for message_id in sorted(messages)[:-keep]:
                del messages[message_id]

    def forget(self, chat_id: int) -> None:
        self.messages.pop(chat_id, None)
        self._ids.pop(chat_id, None)
        self.reply_keyboards.pop(chat_id, None)
        # the ids of the person's presses (only people still pressing are left: none, or few)
        self.callback_chats = {q: c for q, c in self.callback_chats.items() if c != chat_id}
        self.calls.clear()
        self.events.clear()


# -- the reference stacks --------------------------------------------------------------------
class RefSG(StatesGroup):
    menu = State()
    help = State()
    form = State()


async def _typed(message: Message, _widget: Any, manager: DialogManager) -> None:
    manager.dialog_data["name"] = (message.text or "")[:60]


async def _chosen(_c: CallbackQuery, _w: Any, manager: DialogManager, item: str) -> None:
    manager.dialog_data["choice"] = item


async def _form_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "name": dialog_manager.dialog_data.get("name", "-"),
        "choice": dialog_manager.dialog_data.get("choice", "-"),
        "options": [(str(i), f"Option {i}") for i in range(6)],
    }


def reference_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("<b>Menu</b>\n\nChoose what you need:"),
            SwitchTo(Const("How this bot works"), id="help", state=RefSG.help),
            SwitchTo(Const("Register my interest"), id="form", state=RefSG.form),
            state=RefSG.menu,
        ),
        Window(
            Const("<b>How this bot works</b>\n\nPress the buttons."),
            Back(Const("Back to the menu"), id="back"),
            state=RefSG.help,
        ),
        Window(
            # The choice is shown: a press changes the screen, as each of the project's form
            # buttons does (an unchanged screen is Telegram's cheap "message is not modified").
            Format("Your name: {name}\nYour choice: {choice}\nType your name, then choose:"),
            Select(
                Format("{item[1]}"),
                id="opt",
                item_id_getter=lambda item: item[0],
                items="options",
                on_click=_chosen,
            ),
            Row(SwitchTo(Const("Back to the menu"), id="menu", state=RefSG.menu)),
            MessageInput(_typed),
            getter=_form_getter,
            state=RefSG.form,
        ),
    )


def echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    router = Router()

    @router.message()
    async def _echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @router.callback_query()
    async def _pressed(query: CallbackQuery) -> None:
        await query.answer()

    dp.include_router(router)
    return dp


def dialog_dispatcher(write: Callable[[int], Awaitable[None]] | None = None) -> Dispatcher:
    dp = Dispatcher(storage=MemoryStorage())
    router = Router()

    @router.message(CommandStart())
    async def _start(message: Message, dialog_manager: DialogManager) -> None:
        await dialog_manager.start(RefSG.menu, mode=StartMode.RESET_STACK)

    if write is not None:

        async def one_write(handler: Any, update: Any, data: dict[str, Any]) -> Any:
            result = await handler(update, data)
            user = data.get("event_from_user")
            await write(user.id if user else 0)
            return result

        dp.update.outer_middleware(one_write)
    dp.include_router(router)
    dp.include_router(reference_dialog())
    setup_dialogs(dp)
    return dp


async def sql_writer(path: str) -> tuple[Any, Callable[[int], Awaitable[None]]]:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    table = Table(
        "seen",
        MetaData(),
        Column("user_id", Integer, primary_key=True),
        Column("n", Integer),
        Column("note", String(40)),
    )
    async with engine.begin() as connection:
        await connection.run_sync(table.metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    statement = sqlite_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"], set_={"n": table.c.n + 1, "note": statement.excluded.note}
    )

    async def write(user_id: int) -> None:
        async with sessions() as session, session.begin():
            await session.execute(statement, {"user_id": user_id, "n": 1, "note": "seen"})

    return engine, write


# -- walks: (kind, action) -------------------------------------------------------------------
Step = tuple[str, Callable[[LocalPerson], Awaitable[Any]]]


def send(text: str) -> Callable[[LocalPerson], Awaitable[Any]]:
    return lambda person: person.send(text)


def press(label: str | int) -> Callable[[LocalPerson], Awaitable[Any]]:
    return lambda person: person.press(label)


PROJECT_WALK: list[Step] = [
    ("/start", send("/start")),
    ("menu press", press("English")),
    ("menu press", press("How this bot works")),
    ("menu press", press("Back to the menu")),
    ("menu press", press("Register my interest")),
    ("form button", press("I agree")),
    ("typed answer", send("Aminata Diallo")),
    ("country search", send("guin")),
    ("form button", press("Guinea")),
    ("form button", press("Rabat")),
    ("typed answer", send("0612345678")),
    ("form button", press("Woman")),
    ("form button", press("26–35")),
    ("form button", press("No passport")),
    ("form button", press("2")),
    ("form button", press("Medical needs")),
    ("form button", press("Continue")),
    ("form button", press("English")),
    ("confirm", press("Confirm")),
    ("/start", send("/start")),
    ("menu press", press("How this bot works")),
    ("menu press", press("Back to the menu")),
]
REFERENCE_WALK: list[Step] = [
    ("/start", send("/start")),
    ("menu press", press("How this bot works")),
    ("menu press", press("Back to the menu")),
    ("menu press", press("Register my interest")),
    ("typed answer", send("Aminata Diallo")),
    ("form button", press("Option 2")),
    ("typed answer", send("0612345678")),
    ("form button", press("Option 4")),
    ("menu press", press("Back to the menu")),
    ("/start", send("/start")),
    ("menu press", press("How this bot works")),
    ("menu press", press("Back to the menu")),
]
ECHO_WALK: list[Step] = [(kind, send("hello")) for kind, _ in REFERENCE_WALK]


@dataclass
class Stack:
    name: str
    dp: Dispatcher
    api: LeanBotAPI
    bot: Any
    walk: list[Step]
    first_id: int
    counted: bool = False
    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, list[tuple[int, ...]]] = field(default_factory=lambda: defaultdict(list))
    people: int = 0
    problems: int = 0

    async def round(self, n_people: int) -> None:
        for _ in range(n_people):
            self.people += 1
            person = LocalPerson(self.dp, self.bot, self.api, self.first_id + self.people)
            for kind, action in self.walk:
                before = COUNTS.snapshot()
                c0 = time.process_time()
                await action(person)
                cpu = time.process_time() - c0
                self.cpu[kind].append(cpu)
                if self.counted:
                    after = COUNTS.snapshot()
                    self.counts[kind].append(
                        tuple(b - a for a, b in zip(before, after, strict=True))
                    )
                self.api.trim(person.chat_id)
            self.api.forget(person.chat_id)


class ProblemCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def centile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def project_app(tmpdir: str) -> Any:
    """The bot's application on a new SQLite database in `tmpdir`, with a new data key."""
    from bot.app import create_app
    from bot.config import Settings

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmpdir}/bot.db",
        DATA_KEY=Fernet.generate_key().decode(),
    )
    return await create_app(settings)


async def compare(rounds: int, people: int) -> dict[str, Any]:
    from bot.telegram.entry.factory import build_dispatcher

    install_counters()
    problems = ProblemCounter()
    logging.getLogger().addHandler(problems)
    with tempfile.TemporaryDirectory() as tmpdir:
        app = await project_app(tmpdir)
        await count_sql(app.engine)
        ref_engine, write = await sql_writer(f"{tmpdir}/ref.db")
        await count_sql(ref_engine)
        stacks = []
        for index, (name, dp, walk) in enumerate(
            (
                ("echo", echo_dispatcher(), ECHO_WALK),
                ("dialog", dialog_dispatcher(), REFERENCE_WALK),
                ("dialog+sql", dialog_dispatcher(write), REFERENCE_WALK),
                ("project", build_dispatcher(app), PROJECT_WALK),
            )
        ):
            api = LeanBotAPI()
            # The project's bot as it runs: with its session middlewares (one answer per
            # button press, the reply pacer with no pace).
            make_bot = project_bot if name == "project" else create_bot
            stacks.append(
                Stack(name, dp, api, make_bot(LOCAL_TOKEN, api), walk, (index + 1) * 10**8)
            )
        stacks[2].counted = stacks[3].counted = True
        for stack in stacks:  # warm-up, not counted
            await stack.round(3)
            stack.cpu.clear()
            stack.counts.clear()
        problems.count = 0
        gc.collect()
        gc.freeze()
        # Interleaved person by person (tens of milliseconds each), in a rotating order: a
        # slow spell of a shared machine falls on every stack alike, not on one stack's turn.
        for r in range(rounds):
            for p in range(people):
                turn = (r + p) % len(stacks)
                for stack in stacks[turn:] + stacks[:turn]:
                    await stack.round(1)
        for stack in stacks:
            await stack.bot.session.close()
        await ref_engine.dispose()
        await app.close()
    logging.getLogger().removeHandler(problems)
    return summarise(stacks, rounds, people, problems.count)


def summarise(stacks: list[Stack], rounds: int, people: int, problems: int) -> dict[str, Any]:
    by_name = {stack.name: stack for stack in stacks}
    result: dict[str, Any] = {"rounds": rounds, "people_per_round": people, "stacks": {}}
    for stack in stacks:
        every = [c for kind in stack.cpu for c in stack.cpu[kind]]
        result["stacks"][stack.name] = {
            "updates": len(every),
            "median_us": statistics.median(every) * 1e6,
            "p99_us": centile(every, 0.99) * 1e6,
        }
    ref = by_name["dialog"].cpu
    ref_all = statistics.median([c for kind in ref for c in ref[kind]])
    project = by_name["project"]
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        cpu = project.cpu.get(kind)
        if not cpu:
            continue
        ref_cpu = ref[REFERENCE_KIND.get(kind, kind)]
        counts = list(zip(*project.counts[kind], strict=True))
        sql_counts = list(zip(*by_name["dialog+sql"].counts.get(kind, []), strict=True))
        kinds[kind] = {
            "updates": len(cpu),
            "median_us": statistics.median(cpu) * 1e6,
            "p99_us": centile(cpu, 0.99) * 1e6,
            "dialog_median_us": statistics.median(ref_cpu) * 1e6,
            "ratio": statistics.median(cpu) / statistics.median(ref_cpu),
            "statements": statistics.fmean(counts[0]),
            "transactions": statistics.fmean(counts[1]),
            "round_trips": statistics.fmean(counts[2]),
            "encryptions": statistics.fmean(counts[3]),
            "ref_sql_statements": statistics.fmean(sql_counts[0]) if sql_counts else None,
        }
    every = [c for kind in project.cpu for c in project.cpu[kind]]
    rows = [c for kind in project.counts for c in project.counts[kind]]
    all_counts = list(zip(*rows, strict=True))
    result["project"] = {
        "kinds": kinds,
        "median_us": statistics.median(every) * 1e6,
        "p99_us": centile(every, 0.99) * 1e6,
        "ratio": statistics.median(every) / ref_all,
        "p99_over_median": centile(every, 0.99) / statistics.median(every),
        "statements": statistics.fmean(all_counts[0]),
        "transactions": statistics.fmean(all_counts[1]),
        "round_trips": statistics.fmean(all_counts[2]),
        "encryptions": statistics.fmean(all_counts[3]),
        "warnings_and_errors": problems,
    }
    return result


# -- memory (child processes) ----------------------------------------------------------------
def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def memory_child(which: str, people: int) -> dict[str, Any]:
    pauses: list[tuple[float, float]] = []  # (wall, CPU of this thread): CPU holds under load
    started: list[tuple[float, float]] = []

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started.append((time.perf_counter(), time.thread_time()))
        elif started:
            wall, cpu = started.pop()
            pauses.append((time.perf_counter() - wall, time.thread_time() - cpu))

    with tempfile.TemporaryDirectory() as tmpdir:
        api = LeanBotAPI()
        bot = (project_bot if which == "project" else create_bot)(LOCAL_TOKEN, api)
        app = None
        if which == "project":
            from bot.app import freeze_start_up_objects
            from bot.telegram.entry.factory import build_dispatcher

            app = await project_app(tmpdir)
            dp = build_dispatcher(app)
            walk = PROJECT_WALK[:7]  # mid-form: the name typed, the country screen shown
        else:
            dp = dialog_dispatcher()
            walk = REFERENCE_WALK[:5]  # mid-form: a typed answer
        for i in range(20):  # warm: every screen drawn once
            person = LocalPerson(dp, bot, api, 9 * 10**8 + i)
            for _kind, action in walk:
                await action(person)
            api.forget(person.chat_id)
        if which == "project":
            freeze_start_up_objects()
        else:
            gc.collect()
            gc.freeze()
        heavy = ("alembic", "matplotlib", "mako", "PIL", "numpy")
        modules = sorted({m.split(".")[0] for m in sys.modules} & set(heavy))
        idle = rss_kib()
        gc.callbacks.append(on_gc)
        for i in range(people):
            person = LocalPerson(dp, bot, api, 10**8 + i)
            for _kind, action in walk:
                await action(person)
            api.forget(person.chat_id)
        gc.callbacks.remove(on_gc)
        busy = rss_kib()
        if app is not None:
            await app.close()
    return {
        "idle_rss_mib": idle / 1024,
        "kib_per_person": (busy - idle) / people,
        "people": people,
        "full_collections": len(pauses),
        "longest_full_gc_ms": max((w for w, _ in pauses), default=0.0) * 1000,
        "longest_full_gc_cpu_ms": max((c for _, c in pauses), default=0.0) * 1000,
        "heavy_modules_loaded": modules,
    }


def measure_memory(people: int) -> dict[str, Any]:
    found = {}
    for which in ("dialog", "project"):
        out = subprocess.run(
            [*CHILD, which, "--memory-people", str(people)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        ).stdout
        found[which] = json.loads(out)
    found["idle_ratio"] = found["project"]["idle_rss_mib"] / found["dialog"]["idle_rss_mib"]
    return found


# -- output ----------------------------------------------------------------------------------
def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['rounds']} rounds x {result['people_per_round']} people per stack, interleaved",
        "",
        f"{'stack':<12}{'updates':>8}{'median µs':>11}{'p99 µs':>9}",
    ]
    for name, stack in result["stacks"].items():
        lines.append(
            f"{name:<12}{stack['updates']:>8}{stack['median_us']:>11.0f}{stack['p99_us']:>9.0f}"
        )
    project = result["project"]
    lines += [
        "",
        "project per kind of update (ratio: to aiogram-dialog's median for the same kind)",
        f"{'kind':<15}{'n':>5}{'median':>8}{'p99':>7}{'ref':>6}{'ratio':>6}"
        f"{'SQL':>6}{'txn':>6}{'trips':>7}{'enc':>6}",
    ]
    for kind, k in project["kinds"].items():
        lines.append(
            f"{kind:<15}{k['updates']:>5}{k['median_us']:>8.0f}{k['p99_us']:>7.0f}"
            f"{k['dialog_median_us']:>6.0f}{k['ratio']:>6.2f}{k['statements']:>6.2f}"
            f"{k['transactions']:>6.2f}{k['round_trips']:>7.2f}{k['encryptions']:>6.2f}"
        )
    lines.append(
        f"{'all':<15}{'':>5}{project['median_us']:>8.0f}{project['p99_us']:>7.0f}{'':>6}"
        f"{project['ratio']:>6.2f}{project['statements']:>6.2f}{project['transactions']:>6.2f}"
        f"{project['round_trips']:>7.2f}{project['encryptions']:>6.2f}"
    )
    lines.append(
        f"\np99 / median {project['p99_over_median']:.2f}; "
        f"warnings/errors logged {project['warnings_and_errors']}"
    )
    memory = result.get("memory")
    if memory:
        lines.append("")
        for which in ("dialog", "project"):
            m = memory[which]
            lines.append(
                f"memory {which:<8} idle {m['idle_rss_mib']:.1f} MiB, "
                f"{m['kib_per_person']:.2f} KiB/person at {m['people']} people mid-dialog, "
                f"{m['full_collections']} full GCs, longest {m['longest_full_gc_ms']:.1f} ms "
                f"({m['longest_full_gc_cpu_ms']:.1f} ms CPU)"
                + (f", loaded {m['heavy_modules_loaded']}" if m["heavy_modules_loaded"] else "")
            )
        lines.append(f"idle RSS ratio project / aiogram-dialog {memory['idle_ratio']:.2f}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (5)")
    parser.add_argument("--people", type=int, default=12, help="people per stack per round (12)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--memory-people", type=int, default=10_000, help="people (10000)")
    parser.add_argument("--memory-child", choices=("dialog", "project"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.memory_child:
        print(json.dumps(asyncio.run(memory_child(args.memory_child, args.memory_people))))
        return
    if args.rounds < 1 or args.people < 1:
        parser.error("--rounds and --people must be at least 1")
    result = asyncio.run(compare(args.rounds, args.people))
    if not args.no_memory:
        result["memory"] = measure_memory(args.memory_people)
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
