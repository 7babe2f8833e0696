"""Scheduled crawls: the lock, the log file, a crawl killed mid-run, the HTTP cache (304s), resume."""

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import pytest

from crawler.job import CrawlJob
from tests.helpers import ROOT, run_cli

SLOW = ["--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=1", "--set", "CONCURRENT_REQUESTS=8"]


def _copy_db(src, dst):
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _running(db):
    """Ids of the database's running crawls; none yet while the crawl is still creating it."""
    try:
        return _rows(db, "select id from crawls where status = 'running'") if db.exists() else []
    except sqlite3.OperationalError:  # the file exists, its tables not yet
        return []


def _stop_slow_crawl(web, args, sig, pages=10):
    """Run `clinicvet ARGS` slowed down; once it has requested `pages` pages (not robots.txt) from
    the demo web, send it `sig`. Returns (exit status, stderr)."""
    start = len(web.requests)
    # stderr to a file: after a SIGKILL, processes the crawl started may still hold a pipe open.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", *map(str, args), *SLOW],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True)
        try:
            deadline = time.monotonic() + 60
            while sum(path != "/robots.txt" for _, path in web.requests[start:]) < pages:
                assert time.monotonic() < deadline and proc.poll() is None, "the crawl never got going"
                time.sleep(0.05)
            proc.send_signal(sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err.seek(0)
        return proc.returncode, err.read()


def test_log_file_next_to_the_database(demo_crawl):
    log = demo_crawl.db.with_name(demo_crawl.db.name + ".log")
    text = log.read_text(encoding="utf-8")
    assert "[scrapy.core.engine] INFO: Spider opened" in text and "Spider closed (finished)" in text
    assert f"(log: {log})" in demo_crawl.result.stderr
    # No code-execution server (Scrapy's remote control, on by default) nor its job file per crawl.
    assert "remote_control" not in text and "Remote control" not in text


def _disk_full_at(limit: int):
    """A real write limit for the crawl process (RLIMIT_FSIZE, with SIGXFSZ ignored): a write past
    `limit` bytes of any file fails as a full disk does, and SQLite reports an I/O error."""
    import resource

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_stops_the_crawl_and_keeps_earlier_data(demo_crawl, tmp_path):
    db = tmp_path / "full.db"
    base = ["crawl", "--seeds", demo_crawl.seeds, "--db", db, "--progress-interval", "0"]
    assert run_cli(*base, "--max-pages", "1", timeout=120).returncode == 0
    clinics = "select domain, score, tier, screening, pages_crawled from clinics order by domain"
    before = _rows(db, clinics)

    # The database may grow by 30 KB; a whole crawl needs about 270 KB more.
    result = run_cli(*base, timeout=120, preexec_fn=_disk_full_at(db.stat().st_size + 30_000))
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: could not write {db} (") and "is the disk full?" in last, result.stderr
    assert "Traceback" not in result.stderr
    assert "clinics written before the database refused a write" in result.stderr
    log = db.with_name("full.db.log").read_text(encoding="utf-8")
    assert "not caching for the rest of this crawl" in log and "Traceback" not in log  # the cache gave up quietly
    assert _rows(db, "pragma integrity_check") == [("ok",)]
    assert _rows(db, "select id, status from crawls") == [(1, "finished"), (2, "failed")]
    assert _rows(db, clinics) == before  # the batch that failed rolled back whole

    # With room again, the next crawl completes.
    assert run_cli(*base, timeout=120).returncode == 0
    assert _rows(db, "select status from crawls where id = 3") == [("finished",)]
    assert sum(n for *_, n in _rows(db, clinics)) > sum(n for *_, n in before)


def test_lock_kill_and_recovery(demo_crawl, tmp_path):
    """A second crawl of the same database is refused while one runs; a SIGKILLed crawl leaves the
    previous data intact and its run is marked failed by the next crawl."""
    db = tmp_path / "sched.db"
    _copy_db(demo_crawl.db, db)
    before = _rows(db, "select domain, score, tier, screening, certified_staff from clinics order by domain")
    evidence_before = _rows(db, "select count(*) from evidence")[0][0]
    slow = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", "--seeds", str(demo_crawl.seeds), "--db", str(db),
         "--progress-interval", "0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=1",
         "--set", "CLINICVET_STORE_BATCH=5"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # running, with some of this run's pages written
            running = _rows(db, "select id from crawls where status = 'running'")
            if running and _rows(db, f"select count(*) from pages where crawl_id = {running[0][0]}")[0][0] >= 5:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the slow crawl never got going")
        second = run_cli("crawl", "--seeds", demo_crawl.seeds, "--db", db, "--progress-interval", "0", timeout=60)
        assert second.returncode == 1
        assert second.stderr.strip().splitlines()[-1] == f"Error: another crawl of {db} is running (pid {slow.pid})"
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
    finally:
        if slow.poll() is None:
            slow.kill()
            slow.wait()
    # The database opens, is intact, and still holds the previous crawl's clinics and evidence.
    assert _rows(db, "pragma integrity_check") == [("ok",)]
    assert _rows(db, "select domain, score, tier, screening, certified_staff from clinics order by domain") == before
    assert _rows(db, "select count(*) from evidence")[0][0] == evidence_before
    killed = _rows(db, "select id from crawls where status = 'running'")
    assert len(killed) == 1
    # The next crawl (the lock died with its holder) marks the killed run failed.
    one = tmp_path / "one.csv"
    lines = demo_crawl.seeds.read_text(encoding="utf-8").splitlines()
    one.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    third = run_cli("crawl", "--seeds", one, "--db", db, "--progress-interval", "0", timeout=60)
    assert third.returncode == 0, third.stderr
    assert _rows(db, f"select status from crawls where id = {killed[0][0]}") == [("failed",)]
    assert _rows(db, "select status from crawls order by id desc limit 1") == [("finished",)]


def test_sigterm_is_recorded_as_failed(demo_crawl, tmp_path):
    db = tmp_path / "term.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "crawl", "--seeds", str(demo_crawl.seeds), "--db", str(db),
         "--progress-interval", "0", "--set", "AUTOTHROTTLE_ENABLED=False", "--set", "DOWNLOAD_DELAY=1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not _running(db):
        time.sleep(0.2)
    time.sleep(1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "recorded as failed" in err.strip().splitlines()[-1]
    assert _rows(db, "select status from crawls") == [("failed",)]
    assert _rows(db, "pragma integrity_check") == [("ok",)]


def test_recrawl_revalidates_from_the_cache(demo_crawl, tmp_path):
    """The default crawl caches pages in <db>.cache/; a re-crawl gets 304s and the same flags."""
    db = tmp_path / "cache.db"
    cache = tmp_path / "cache.db.cache" / "clinic.sqlite"
    site = demo_crawl.seeds.read_text(encoding="utf-8").splitlines()[1].split(",")[0].rstrip("/")
    for run in range(2):
        result = run_cli("crawl", "--seeds", demo_crawl.seeds, "--db", db, "--progress-interval", "0", timeout=120)
        assert result.returncode == 0, result.stderr
        if run == 0:  # a page the site has since removed, and a page of a site this crawl does not visit
            with sqlite3.connect(cache) as conn:
                conn.executemany("insert into responses (fingerprint, request_url, stored_at, status, url) "
                                 "values (?, ?, 0, 200, ?)", [(b"gone", f"{site}/removed/", f"{site}/removed/"),
                                                              (b"other", "http://elsewhere.test/", "http://elsewhere.test/")])
            conn.close()
    # The whole re-crawl dropped the removed page's entry and left the other site's.
    assert _rows(cache, "select request_url from responses where fingerprint in (x'676f6e65', x'6f74686572')") == [
        ("http://elsewhere.test/",)]
    assert "dropped 1 entries" in (tmp_path / "cache.db.log").read_text()
    first, second = (json.loads(s) for (s,) in _rows(db, "select stats from crawls order by id"))
    assert second["clinicvet/wire_304"] >= 100
    # The demo's pages were last modified 90 days ago and say nothing of freshness: RFC 2616's
    # heuristic would serve them from the cache unasked; a research crawl asks every time.
    assert second.get("httpcache/hit", 0) == 0 and second["httpcache/revalidate"] >= 100
    assert first["clinicvet/wire_bytes"] >= 5 * second["clinicvet/wire_bytes"]
    # Unchanged pages came from the page memo: not parsed or scored again, same results.
    assert second["clinicvet/memo_pages"] >= 100 and "clinicvet/memo_pages" not in first
    flags = "domain, score, tier, screening, certified_staff, medical_monitoring, risk_disclosure"
    assert _rows(db, f"select {flags} from clinics order by domain") == _rows(
        demo_crawl.db, f"select {flags} from clinics order by domain")
    evidence = "select c.domain, e.flag, e.page_url, e.snippet from evidence e join clinics c on c.id = e.clinic_id order by 1, 2, 3, 4"
    assert _rows(db, evidence) == _rows(demo_crawl.db, evidence)
    assert _rows(db, "select distinct crawl_id from pages where status < 400") == [(2,)]
    assert _rows(db, "select count(*) from pages_fts where pages_fts match 'infusion'") == _rows(
        demo_crawl.db, "select count(*) from pages_fts where pages_fts match 'infusion'")
    nocache = tmp_path / "nocache.db"
    one = tmp_path / "one.csv"
    one.write_text("\n".join(demo_crawl.seeds.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = run_cli("crawl", "--seeds", one, "--db", nocache, "--no-cache", "--progress-interval", "0", timeout=60)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "nocache.db.cache").exists()


def test_stopped_crawl_resumes_without_refetching(demo_crawl, tmp_path):
    """--resume: a crawl stopped by SIGTERM keeps its state in DB.job/ and the next --resume run
    continues it. Pages the stopped run fetched are not requested again, the per-site budgets hold
    across the stop, and the database ends as an uninterrupted crawl leaves it."""
    web, seeds = demo_crawl.web, demo_crawl.seeds
    # Most demo sites have more pages than that. Without sitemaps: which 4 pages a site gets must not
    # depend on whether its sitemap or its home page's links arrive first.
    budget = ["--max-pages", "4", "--set", "CLINICVET_SITEMAPS=0"]
    whole = tmp_path / "whole.db"
    result = run_cli("crawl", "--seeds", seeds, "--db", whole, *budget, "--progress-interval", "0", timeout=120)
    assert result.returncode == 0, result.stderr

    db = tmp_path / "resume.db"
    base = ["crawl", "--seeds", str(seeds), "--db", str(db), "--resume", "--progress-interval", "0"]
    command = [*base, *budget]
    code, err = _stop_slow_crawl(web, command, signal.SIGTERM)
    assert code == 1, err
    assert err.strip().splitlines()[-1].endswith(f"recorded as failed, see {db}.log; the same command continues it")
    assert _rows(db, "select id, status from crawls") == [(1, "failed")]
    stored_first = {url for (url,) in _rows(db, "select url from pages")}
    expected = {url for (url,) in _rows(whole, "select url from pages")}
    assert stored_first and stored_first < expected  # stopped part-way
    assert CrawlJob(db).stopped_run() == 1

    # Other seeds or options do not resume this crawl (and leave it resumable).
    other = run_cli(*base, "--max-pages", "5", timeout=60)
    assert other.returncode == 1
    assert "holds a stopped crawl (run 1) with other max_pages" in other.stderr
    assert CrawlJob(db).stopped_run() == 1

    start = len(web.requests)
    result = run_cli(*command, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "resuming run 1" in result.stderr
    requested = {f"http://{host}:{web.port}{path}" for host, path in web.requests[start:]}
    assert requested - {u for u in requested if u.endswith("/robots.txt")}  # the rest was fetched now
    assert not stored_first & requested  # ... and nothing the stopped run had fetched

    # The resumed run is a new row covering the whole crawl; the stopped run stays failed.
    assert _rows(db, "select id, status, resumed_from from crawls") == [(1, "failed", None), (2, "finished", 1)]
    assert {url for (url,) in _rows(db, "select url from pages")} == expected
    assert _rows(db, "select distinct crawl_id from pages") == [(2,)]
    assert _rows(db, "select pages, sites, sites_ok from crawls where id = 2") == _rows(
        whole, "select pages, sites, sites_ok from crawls")
    facts = ("domain, name, phone, city, state, score, tier, screening, certified_staff, medical_monitoring, "
             "individualized_plan, risk_disclosure, provider_coordination, overclaiming, no_screening_claim, "
             "false_fda_claim, claims_nonaddictive, services, conditions, pages_crawled, words, status")
    assert _rows(db, f"select {facts} from clinics order by domain") == _rows(
        whole, f"select {facts} from clinics order by domain")
    # Row by row, so that a difference (seen once, 159 rows against 156) names the rows.
    evidence = ("select c.domain, e.flag, e.page_url, e.snippet from evidence e join clinics c on c.id = e.clinic_id "
                "order by 1, 2, 3, 4")
    assert _rows(db, evidence) == _rows(whole, evidence)
    stats = json.loads(_rows(db, "select stats from crawls where id = 2")[0][0])
    assert stats["clinicvet/resumed_pages"] == len(stored_first)
    assert not (tmp_path / "resume.db.job").exists()  # finished: the next run starts afresh


def test_a_killed_resume_is_not_resumed(demo_crawl, tmp_path):
    """A resumed run that is killed (SIGKILL, power loss) leaves a half-consumed queue and stale
    state behind: the next --resume run starts afresh instead of continuing from them."""
    db = tmp_path / "killed.db"
    command = ["crawl", "--seeds", demo_crawl.seeds, "--db", db, "--resume", "--progress-interval", "0"]
    assert _stop_slow_crawl(demo_crawl.web, command, signal.SIGTERM, pages=5)[0] == 1
    assert CrawlJob(db).stopped_run() == 1
    assert _stop_slow_crawl(demo_crawl.web, command, signal.SIGKILL, pages=5)[0] == -signal.SIGKILL
    assert CrawlJob(db).stopped_run() is None
    result = run_cli(*command, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "resuming" not in result.stderr
    assert _rows(db, "select id, status from crawls") == [(1, "failed"), (2, "failed"), (3, "finished")]
    assert _rows(db, "select resumed_from from crawls where id = 3") == [(None,)]
    assert _rows(db, "select count(*), sum(status = 'ok') from clinics") == [(23, 23)]
    assert not (tmp_path / "killed.db.job").exists()


def test_a_run_stopped_outside_clinicvet_crawl_is_recorded_as_failed(demo_crawl, tmp_path):
    """A plain `scrapy crawl` (or scrapyd) run that ends early is not a whole crawl, whoever stopped it."""
    db = tmp_path / "plain.db"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "clinic", "-a", f"seeds={demo_crawl.seeds}",
         "-s", f"CLINICVET_DB={db}", "-s", "CLOSESPIDER_PAGECOUNT=5", "-s", "LOG_LEVEL=ERROR"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (status, stats), = _rows(db, "select status, stats from crawls")
    assert status == "failed" and json.loads(stats)["finish_reason"] == "closespider_pagecount"
