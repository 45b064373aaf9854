"""Instructions per update, counted by valgrind (callgrind): the bot next to the aiogram-dialog
reference, each walking the same people as in `bench/compare.py`.

CPU time on a shared machine varies by several percent from one run to the next, more than a
small change saves; the number of instructions does not (two runs agree within 0.1 %). It is a
measure of work done, not of time (cache misses and system calls are not in it), for telling
whether a change makes an update do less.

    PYTHONPATH=. .venv/bin/python bench/instructions.py [--people 5]

Needs valgrind (Debian: `apt install valgrind`). Each stack runs in its own process under
callgrind, with instrumentation switched on (`callgrind_control -i on`) only while its people
are walked, after start-up and a warm-up; about a minute and a half in all.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import subprocess
import sys
import tempfile

WALKS = {"project": "PROJECT_WALK", "dialog": "REFERENCE_WALK"}


def callgrind(*args: str) -> None:
    subprocess.run(
        ["callgrind_control", *args, str(os.getpid())],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


async def walk(which: str, people: int) -> None:
    """In the child, under callgrind: build one stack, warm it up, count `people` walks."""
    import bench.compare as c
    from bot.telegram.entry.factory import build_dispatcher

    with tempfile.TemporaryDirectory() as tmpdir:
        app = await c.project_app(tmpdir)
        api = c.LeanBotAPI()
        if which == "project":
            dp, bot = build_dispatcher(app), c.project_bot(c.LOCAL_TOKEN, api)
        else:
            dp, bot = c.dialog_dispatcher(), c.create_bot(c.LOCAL_TOKEN, api)
        stack = c.Stack(which, dp, api, bot, getattr(c, WALKS[which]), 10**8)
        await stack.round(3)
        gc.collect()
        gc.freeze()
        callgrind("-i", "on")
        await stack.round(people)
        callgrind("-i", "off")
        await bot.session.close()
        await app.close()


def count(which: str, people: int) -> int:
    """Run the child under callgrind; the instructions it collected."""
    with tempfile.TemporaryDirectory() as tmpdir:
        valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
        out = f"--callgrind-out-file={tmpdir}/callgrind.out"
        child = [sys.executable, "-m", "bench.instructions", "--child", which]
        result = subprocess.run(
            [*valgrind, out, *child, "--people", str(people)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            check=False,
        )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or found is None:
        raise SystemExit(f"{which}: callgrind failed\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5)
    parser.add_argument("--child", choices=sorted(WALKS))
    args = parser.parse_args()
    if args.child:
        asyncio.run(walk(args.child, args.people))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt install valgrind)")
    import bench.compare as c

    per_update = {}
    for which, walk_name in WALKS.items():
        updates = args.people * len(getattr(c, walk_name))
        per_update[which] = count(which, args.people) / updates
        print(f"{which:8} {per_update[which] / 1e3:8.0f} k instructions per update")
    print(f"ratio    {per_update['project'] / per_update['dialog']:8.2f}")


if __name__ == "__main__":
    main()
