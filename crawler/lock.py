"""One crawl per database: an exclusive ``fcntl.flock`` on ``<db>.lock``, holding the owner's pid.

The kernel drops the lock when the process dies, however it dies (SIGKILL included), so a stale lock
file never blocks the next scheduled run; only a live crawl does.
"""

import fcntl
import os
from pathlib import Path


class LockedError(Exception):
    """Another process holds the database's crawl lock."""


class CrawlLock:
    def __init__(self, db: str | Path):
        self.path = Path(f"{db}.lock")
        self._fh = None

    def acquire(self) -> "CrawlLock":
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip() or "?"
            fh.close()
            raise LockedError(pid) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def fileno(self) -> int:
        """The locked file's descriptor: a process that inherits it holds the lock too."""
        return self._fh.fileno()

    def release(self) -> None:
        if self._fh:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
