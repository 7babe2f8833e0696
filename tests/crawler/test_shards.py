"""`clinicvet crawl --processes N`: one run in N Scrapy processes (crawler/shards.py)."""

import json
import signal

from crawler.job import CrawlJob
from crawler.seeds import Seed
from crawler.shards import merge_stats, shard_of, split
from tests.helpers import run_cli
from tests.test_schedule import _rows, _stop_slow_crawl

FACTS = ("domain, name, phone, city, state, score, tier, screening, certified_staff, medical_monitoring, "
         "individualized_plan, risk_disclosure, provider_coordination, overclaiming, no_screening_claim, "
         "false_fda_claim, claims_nonaddictive, services, conditions, pages_crawled, words, status")
EVIDENCE = ("select c.domain, e.flag, e.page_url, e.snippet from evidence e join clinics c on c.id = e.clinic_id "
            "order by 1, 2, 3, 4")
STAFF = "select c.domain, s.name, s.credentials, s.role from staff s join clinics c on c.id = s.clinic_id order by 1, 2"


def test_a_site_always_goes_to_the_same_process():
    seeds = [Seed(f"https://clinic-{i}.example/", "") for i in range(40)]
    parts = split(seeds, 3)
    assert sorted(s.url for part in parts for s in part) == sorted(s.url for s in seeds)
    assert all(parts)  # 40 sites over 3 processes: none left idle
    # By site, not by URL: the www. host and a deeper seed URL of one site stay together.
    assert shard_of("https://clinic-7.example/", 3) == shard_of("http://www.clinic-7.example/team/", 3)


def test_stats_add_up_and_a_run_finished_only_if_every_process_did():
    merged = merge_stats([{"clinicvet/sites_ok": 2, "finish_reason": "finished", "start_time": "a"},
                          {"clinicvet/sites_ok": 3, "finish_reason": "shutdown", "start_time": "b"}])
    assert merged["clinicvet/sites_ok"] == 5 and merged["finish_reason"] == "shutdown"
    assert merged["start_time"] == "a"
    assert merge_stats([{"finish_reason": "finished"}, {"finish_reason": "finished"}])["finish_reason"] == "finished"


def test_two_processes_store_what_one_does_and_recrawl_from_their_caches(demo_crawl, tmp_path):
    db = tmp_path / "two.db"
    for run in (1, 2):
        result = run_cli("crawl", "--seeds", demo_crawl.seeds, "--db", db, "--processes", "2",
                         "--progress-interval", "0", timeout=120)
        assert result.returncode == 0, result.stderr
        assert "into " + str(db) + " in 2 processes" in result.stderr
        finished = [line for line in result.stderr.splitlines() if "finished (" in line]
        assert len(finished) == 1 and finished[0].startswith("[clinicvet] finished (finished): sites 23/23 done")
        assert "Traceback" not in result.stderr
    # One run row each, with the counts of a crawl in one process.
    assert _rows(db, "select id, status, sites, sites_ok, sites_failed, pages from crawls") == [
        (run, "finished", *row) for run in (1, 2)
        for row in _rows(demo_crawl.db, "select sites, sites_ok, sites_failed, pages from crawls")]
    for sql in (f"select {FACTS} from clinics order by domain", EVIDENCE, STAFF):
        assert _rows(db, sql) == _rows(demo_crawl.db, sql)
    # Each process has its own HTTP cache file; the second run revalidated from them (304s).
    assert sorted(p.name for p in (tmp_path / "two.db.cache").glob("*.sqlite")) == ["clinic-1of2.sqlite",
                                                                                    "clinic-2of2.sqlite"]
    second = json.loads(_rows(db, "select stats from crawls where id = 2")[0][0])
    assert second["clinicvet/processes"] == 2
    assert second["clinicvet/wire_304"] >= 100 and second["clinicvet/memo_pages"] >= 100
    assert _rows(db, "pragma integrity_check") == [("ok",)]


def test_a_stopped_run_in_two_processes_resumes_in_two(demo_crawl, tmp_path):
    """SIGTERM reaches both processes through the run's process: the run is recorded as failed and
    resumable; a --resume run with other --processes is refused, one with the same finishes it."""
    db = tmp_path / "resume.db"
    base = ["crawl", "--seeds", str(demo_crawl.seeds), "--db", str(db), "--resume", "--progress-interval", "0",
            "--set", "CLINICVET_SITEMAPS=0", "--max-pages", "4"]
    code, err = _stop_slow_crawl(demo_crawl.web, [*base, "--processes", "2"], signal.SIGTERM)
    assert code == 1, err
    assert err.strip().splitlines()[-1].endswith("the same command continues it")
    assert _rows(db, "select id, status from crawls") == [(1, "failed")]
    assert CrawlJob(db).stopped_run() == 1
    stored_first = {url for (url,) in _rows(db, "select url from pages")}

    other = run_cli(*base, "--processes", "3", timeout=60)
    assert other.returncode == 1 and "with other processes" in other.stderr

    web = demo_crawl.web
    start = len(web.requests)
    result = run_cli(*base, "--processes", "2", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "resuming run 1" in result.stderr
    requested = {f"http://{host}:{web.port}{path}" for host, path in web.requests[start:]}
    assert stored_first and not stored_first & requested  # neither process fetched a page again
    assert _rows(db, "select id, status, resumed_from, sites_ok from crawls") == [
        (1, "failed", None, _rows(db, "select sites_ok from crawls where id = 1")[0][0]), (2, "finished", 1, 23)]
    assert _rows(db, "select count(*) from clinics where status = 'ok' and last_crawl_id = 2") == [(23,)]
    assert not (tmp_path / "resume.db.job").exists()
