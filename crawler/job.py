"""The job directory of a resumable crawl, ``<db>.job/`` (`clinicvet crawl --resume`).

Scrapy keeps a stopped crawl's pending requests there (JOBDIR) and the clinic spider its per-site
state (``spider.state``). clinicvet adds ``clinicvet.json``: what is crawled (seeds, page budget,
depth, rule file) and, once a run has stopped cleanly (SIGTERM, Ctrl-C: Scrapy finishes the requests
in flight and saves its queue and the state), that run's id. Only such a directory is resumed, and
only by a crawl of the same seeds and options. A directory left by a run that was killed (SIGKILL, a
second Ctrl-C, power loss) holds no consistent state: the next run starts afresh. A crawl that
finishes removes the directory, so the next scheduled run starts afresh too.
"""

import json
import shutil
from pathlib import Path


class JobError(Exception):
    """The job directory holds a stopped crawl of other seeds or options."""


class CrawlJob:
    def __init__(self, db: str | Path):
        self.dir = Path(f"{db}.job")
        self._info_path = self.dir / "clinicvet.json"

    def stopped_run(self) -> int | None:
        """The id of the stopped run this directory would resume, if any."""
        # A run in several processes (crawler/shards.py) keeps one state per process, in shard-*/.
        states = (self.dir / "spider.state").exists() or any(self.dir.glob("shard-*/spider.state"))
        return self._info().get("stopped_crawl_id") if states else None

    def open(self, crawl: dict) -> int | None:
        """Make the directory ready for `crawl` (seeds and options); returns the id of the stopped
        run it resumes, or None when the crawl starts afresh. Raises JobError when the directory
        holds a stopped crawl of other seeds or options."""
        stopped = self.stopped_run()
        if stopped is not None:
            before = self._info().get("crawl", {})
            changed = sorted(k for k in {*before, *crawl} if before.get(k) != crawl.get(k))
            if changed:
                raise JobError(f"{self.dir}/ holds a stopped crawl (run {stopped}) with other "
                               f"{', '.join(changed)}; resume it with the same ones, or delete "
                               f"{self.dir}/ to start afresh")
            self._write({"crawl": crawl})  # resumable again only once this run, too, stops cleanly
            return stopped
        if self.dir.exists():
            shutil.rmtree(self.dir)  # nothing resumable: a killed crawl's queue is not consistent
        self.dir.mkdir()
        self._write({"crawl": crawl})
        return None

    def stopped(self, crawl_id: int) -> None:
        """The run stopped before the end: keep the directory for the next --resume."""
        self._write({**self._info(), "stopped_crawl_id": crawl_id})

    def finished(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _info(self) -> dict:
        try:
            return json.loads(self._info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write(self, info: dict) -> None:
        self._info_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
