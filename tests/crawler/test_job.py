"""The job directory of a resumable crawl (crawler/job.py); the crawl itself is tested in
tests/test_schedule.py."""

import pytest

from crawler.job import CrawlJob, JobError

CRAWL = {"seeds": ["https://a.example/"], "max_pages": None, "max_depth": None, "rules": None}


def _stop(job, crawl_id):
    (job.dir / "spider.state").write_bytes(b"saved by Scrapy")
    job.stopped(crawl_id)


def test_fresh_then_resumed_then_finished(tmp_path):
    job = CrawlJob(tmp_path / "c.db")
    assert job.open(CRAWL) is None and job.dir.is_dir() and job.stopped_run() is None
    _stop(job, 7)
    assert job.stopped_run() == 7
    assert job.open(CRAWL) == 7
    assert job.stopped_run() is None  # until this run, too, stops cleanly
    _stop(job, 8)
    assert job.open(CRAWL) == 8
    job.finished()
    assert not job.dir.exists()


def test_other_seeds_or_options_are_refused(tmp_path):
    job = CrawlJob(tmp_path / "c.db")
    job.open(CRAWL)
    _stop(job, 3)
    with pytest.raises(JobError, match=r"c\.db\.job/ holds a stopped crawl \(run 3\) with other max_pages, seeds;"):
        job.open({**CRAWL, "seeds": ["https://b.example/"], "max_pages": 5})
    assert job.stopped_run() == 3  # left as it was


def test_a_killed_run_starts_afresh(tmp_path):
    job = CrawlJob(tmp_path / "c.db")
    job.open(CRAWL)
    (job.dir / "requests.queue").mkdir()  # what Scrapy left; no clean stop was recorded
    assert job.open(CRAWL) is None
    assert list(job.dir.iterdir()) == [job.dir / "clinicvet.json"]
