"""`clinicvet serve` in a subprocess for tests: started on a free port, stopped with its Datasette."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.helpers import ROOT, free_port


@contextmanager
def running_datasette(db: Path, timeout: float = 30):
    """Yield the base URL of `clinicvet serve --db DB`; the process group is stopped afterwards,
    so no Datasette outlives the test."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + "/-/versions.json").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"datasette did not start: {_stderr(proc)}")
            time.sleep(0.1)
        yield base
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(10)
            return
        except subprocess.TimeoutExpired:
            continue


def _stderr(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        _stop(proc)
    return proc.stderr.read().decode(errors="replace")[-2000:]
