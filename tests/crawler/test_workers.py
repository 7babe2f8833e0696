"""The worker pool: same results as inline, and no orphans when the crawl is killed."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from crawler.page_memo import packed
from crawler.workers import Workers, read_html, score_text

ROOT = Path(__file__).resolve().parents[2]
PAGE = """<html><head><title>Cedar Ketamine</title></head><body><nav><a href="/team/">Team</a></nav>
<p>Every patient completes a psychiatric evaluation before the first infusion.</p>
<p>Call <a href="tel:+15125550100">(512) 555-0100</a>.</p></body></html>"""


def test_pool_gives_the_same_results_as_inline():
    async def both():
        inline, pooled = Workers(0), Workers(1)
        try:
            a, sa, pa = await inline.run(read_html, PAGE, "https://cedar.example/", None)
            b, sb, pb = await pooled.run(read_html, PAGE, "https://cedar.example/", None)
            assert pa == pb == packed(b.facts, b.links, sb)  # the memo's blobs, packed by the worker
            scored = await pooled.run(score_text, b.text, "https://cedar.example/", None, b.title)  # the pipeline's call
            return a, b, sa, sb, scored
        finally:
            pooled.close()

    # In a thread of its own: Playwright's browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        a, b, sa, sb, scored = pool.submit(asyncio.run, both()).result()
    assert a == b and ("https://cedar.example/team/", "Team") in b.links
    assert sa == sb == scored and sb["evidence"]["screening"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too: only its parent can reap it.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_workers_exit_when_the_crawl_process_is_killed():
    code = textwrap.dedent("""
        import asyncio, time
        from crawler.workers import Workers, read_html
        w = Workers(2)
        async def go():
            await w.run(read_html, "<p>hi</p>", "", None)
        asyncio.run(go())
        print(" ".join(str(p) for p in w._pool._processes), flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert pids and all(_alive(p) for p in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(p) for p in pids)
    finally:
        proc.kill()
