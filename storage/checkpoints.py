"""WAL checkpoints off the event loop.

The bot's write transactions commit on the event loop (storage/sqlite_driver.py for the units of
work, storage/loop_sqlite.py for the dialog state), on connections whose automatic checkpoint is
off: a checkpoint copies the WAL into the database file and fsyncs it, milliseconds on a good
disk and tens on a slow one, and SQLite would run it inside the COMMIT that crossed its
threshold. Instead, every `every` commits of the process, one PASSIVE checkpoint runs on a worker
thread, on a connection of its own: it never waits for a lock and never stalls the loop, and the
WAL stays small (a few megabytes) whoever writes.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

logger = logging.getLogger(__name__)

EVERY = 250  # commits between checkpoints: ~1,000 pages of WAL, SQLite's own default threshold


def checkpoint(path: str) -> tuple[int, int, int]:
    """One PASSIVE checkpoint: (busy, frames in the WAL, frames checkpointed)."""
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        busy, frames, done = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return busy, frames, done
    finally:
        db.close()


class Checkpoints:
    """Counts the commits of one database in this process; checkpoints it now and then."""

    def __init__(self, every: int = EVERY) -> None:
        self.path: str | None = None  # the database file, known at the first connection
        self._every = every
        self._commits = 0
        self.running: asyncio.Future[tuple[int, int, int]] | None = None

    def committed(self) -> None:
        self._commits += 1
        if self._commits < self._every or self.running is not None or self.path is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a commit outside any loop (none in the bot): SQLite's way
            return
        self._commits = 0
        self.running = loop.run_in_executor(None, checkpoint, self.path)
        self.running.add_done_callback(self._done)

    def _done(self, future: asyncio.Future[tuple[int, int, int]]) -> None:
        self.running = None
        if not future.cancelled() and future.exception() is not None:
            logger.warning("WAL checkpoint failed: %s", type(future.exception()).__name__)
