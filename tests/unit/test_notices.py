"""Every kind of notice has one render function, and every render function is reachable."""

import ast
import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

import bot.telegram.outbox.notifier  # noqa: F401  (imports every view: their renderers register)
from bot.domain.notices import Audience, Notice, NoticeKind, Subject, subject_id
from bot.telegram.outbox.outgoing import RENDERERS, renders

TELEGRAM = Path(__file__).parents[2] / "bot" / "telegram"


REGISTERED_BY_THE_NOTIFIER_ALONE = """
import json, bot.telegram.outbox.notifier
from bot.telegram.outbox.outgoing import RENDERERS
print(json.dumps({k.value: [f.__module__, f.__name__] for k, f in RENDERERS.items()}))
"""


def _registered_by_the_notifier() -> dict[str, list[str]]:
    """What the sender knows, in a fresh process: only what the notifier itself imports."""
    out = subprocess.run(
        [sys.executable, "-c", REGISTERED_BY_THE_NOTIFIER_ALONE],
        capture_output=True,
        text=True,
        check=True,
        cwd=TELEGRAM.parents[1],
    ).stdout
    return json.loads(out)


@pytest.mark.slow  # a real process
def test_every_kind_has_a_renderer_and_every_render_function_is_reachable():
    """One fresh process (it takes seconds: it imports aiogram) for both checks. Every kind has
    a renderer; and a function decorated with @renders in a module the notifier does not import
    would never run: every one of them must be registered once the notifier is loaded."""
    by_kind = _registered_by_the_notifier()
    known = set(by_kind)
    assert known == {kind.value for kind in NoticeKind}, {k.value for k in NoticeKind} - known
    registered = {tuple(f) for f in by_kind.values()}
    declared = set()
    for path in TELEGRAM.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and getattr(d.func, "id", None) == "renders"
                for d in node.decorator_list
            ):
                module = ".".join(path.relative_to(TELEGRAM.parents[1]).with_suffix("").parts)
                declared.add((module, node.name))
    assert declared == registered


def test_render_functions_are_pure():
    """No render function is a coroutine (so it cannot wait on a database session)."""
    for function in RENDERERS.values():
        assert not inspect.iscoroutinefunction(function), function


def test_a_kind_registers_once():
    try:
        renders(NoticeKind.CHECKIN)(lambda r: None)
    except ValueError:
        return
    raise AssertionError("a second renderer for one kind was accepted")


def test_kind_values_are_the_outbox_strings():
    assert NoticeKind("registration_new") is NoticeKind.REGISTRATION_NEW
    assert NoticeKind.URGENT_ALERT == "urgent_alert"
    assert NoticeKind.URGENT_ALERT.priority > NoticeKind.CHECKIN.priority
    assert NoticeKind.CONCERN.audience is Audience.CONCERNS


def test_one_key_format_and_the_payload_read_back():
    reminder = Notice(NoticeKind.INTERVIEW_REMINDER, 7, 42, {"hours": 24}, detail="24")
    assert reminder.dedupe_key == "interview_reminder:7:24"
    assert reminder.payload() == {"booking_id": 7, "hours": 24}
    assert subject_id(reminder.kind, reminder.payload()) == 7
    withdrawn = Notice(NoticeKind.REGISTRATION_WITHDRAWN, 3, data={"reference": "R-1"})
    assert withdrawn.dedupe_key == "registration_withdrawn:3"
    assert withdrawn.payload() == {"reference": "R-1"}
    assert NoticeKind.REGISTRATION_WITHDRAWN.subject is Subject.NOTHING
