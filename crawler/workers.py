"""CPU work off the reactor thread: page extraction and scoring run in worker processes.

Scrapy runs callbacks and pipelines on the reactor thread, so parsing and scoring a 100 KB page
there stalls every download in flight, and a 2-core machine crawls on one core. The spider and
the score pipeline hand that work to a process pool shared by the crawl and await the result, so
downloads go on while pages are parsed. CLINICVET_WORKERS sets the pool size (default: every core
but the reactor's, at most 4); 0 runs the same functions inline, with the same results.

No Scrapy import here: the worker processes import this module and only what the work needs.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from crawler.extract import ExtractedPage, extract_page, text_to_page
from crawler.page_memo import packed
from crawler.pdf import pdf_text
from scoring import load_rules, scan_page

log = logging.getLogger(__name__)


def default_workers() -> int:
    return max(0, min(4, (os.cpu_count() or 1) - 1))


# -- the work (module-level functions, so they pickle by name) ----------------------------------
def read_html(html: str, url: str, rules_path: str | None) -> tuple[ExtractedPage, dict, tuple]:
    """Extract and score in one trip to a worker, so the page's text is not sent back and forth
    again to be scored (the score pipeline then has nothing to do for this page); also packs what
    the page memo keeps of it (crawler.page_memo.packed)."""
    page = extract_page(html, url)
    signals = score_text(page.text, url, rules_path, page.title)
    return page, signals, packed(page.facts, page.links, signals)


def extract_pdf(body: bytes) -> tuple[str, ExtractedPage]:
    """(title, page) of a PDF's text; raises crawler.pdf.PdfError when unreadable."""
    title, text = pdf_text(body)
    return title, text_to_page(text)


def score_text(text: str, url: str, rules_path: str | None, title: str = "") -> dict:
    # load_rules is cached per path: each worker compiles the rules (and keeps their sentence cache) once.
    return scan_page(text, url, load_rules(rules_path), title).to_dict()


def _init_worker(crawl_pid: int) -> None:
    # Ctrl-C reaches the whole process group; the crawl process decides how to stop, not workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A crawl killed outright (SIGKILL, OOM) cannot shut its pool down: leave with it.
    threading.Thread(target=_exit_with, args=(crawl_pid,), daemon=True).start()


def _exit_with(pid: int) -> None:
    while True:
        time.sleep(1)
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, PermissionError):  # gone, or its pid reused by another user
            os._exit(0)


class Workers:
    """A lazily started process pool; `await workers.run(fn, *args)` from a Scrapy coroutine."""

    def __init__(self, size: int):
        self.size = size
        self._pool: ProcessPoolExecutor | None = None
        self.broken = False

    @classmethod
    def for_crawler(cls, crawler) -> Workers:
        """One pool per crawl, shared by the spider and the pipelines, closed with the spider."""
        workers = getattr(crawler, "_clinicvet_workers", None)
        if workers is None:
            from scrapy import signals

            size = crawler.settings.get("CLINICVET_WORKERS")
            size = default_workers() if size in (None, "") else int(size)
            workers = crawler._clinicvet_workers = cls(size)
            crawler.signals.connect(workers.close, signal=signals.spider_closed)
        return workers

    async def run(self, fn, *args):
        if self.size <= 0 or self.broken:
            return fn(*args)
        if self._pool is None:
            # forkserver: workers never inherit the reactor's threads and sockets.
            self._pool = ProcessPoolExecutor(self.size, mp_context=multiprocessing.get_context("forkserver"),
                                             initializer=_init_worker, initargs=(os.getpid(),))
        try:
            return await asyncio.wrap_future(self._pool.submit(fn, *args))
        except BrokenProcessPool:
            # A worker died (killed, out of memory): finish the crawl inline rather than lose pages.
            log.warning("a worker process died; extraction and scoring continue in the crawl process")
            self.broken = True
            return fn(*args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
