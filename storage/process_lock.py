"""One bot process per SQLite file: an OS lock on a file next to the database.

SQLite serves one process (the dialog-state cache, the in-process write gate and the outbox
worker's recovery of interrupted messages all assume it). A second process on the same file
would reset the messages the first one is sending and send them again, so it refuses to start.
The lock is `flock` on `<database>.lock`: the kernel releases it when the process ends, however
it ends (SIGKILL included), so a stale lock file never blocks a restart.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseInUseError(Exception):
    """Another process holds the database's lock; the message is one line for the operator."""


class ProcessLock:
    """Held from `acquire()` until `release()` or the end of the process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUseError(
                f"another bot process is using {self.path.with_suffix('')} "
                f"(it holds {self.path.name}); stop it first: one process per SQLite file"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for the operator: which process holds it
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def lock_database(path: Path | None) -> ProcessLock | None:
    """Take the lock of the SQLite file at `path` (DatabaseInUseError if another process holds
    it); None without a file (PostgreSQL: several processes are the design, the sender lease
    orders them)."""
    if path is None:
        return None
    lock = ProcessLock(path.with_name(path.name + ".lock"))
    lock.acquire()
    return lock
