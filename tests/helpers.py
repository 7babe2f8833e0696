"""Helpers shared by the tests: run the CLI as a user would, find a free port, read a database."""

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args, timeout=600, **kwargs) -> subprocess.CompletedProcess:
    """Run `clinicvet ARGS` in a fresh process."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rows(db, sql, params=()) -> list[dict]:
    """The rows of a query on a database file, as dicts."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def assert_one_line_error(result, fragment):
    """A CLI failure as a user sees it: non-zero exit, one 'Error:' line, no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[-1].startswith("Error:") and fragment in lines[-1], result.stderr
