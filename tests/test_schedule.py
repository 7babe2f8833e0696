"""Scheduled crawls: the lock, the log file, a crawl killed mid-run, the HTTP cache (304s)."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.helpers import ROOT, run_cli


def _copy_db(src, dst):
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)


def _rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_log_file_next_to_the_database(demo_crawl):
    log = demo_crawl.db.with_name(demo_crawl.db.name + ".log")
    text = log.read_text(encoding="utf-8")
    assert "[scrapy.core.engine] INFO: Spider opened" in text and "Spider closed (finished)" in text
    assert f"(log: {log})" in demo_crawl.result.stderr


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
    while time.monotonic() < deadline and not (db.exists() and _rows(db, "select id from crawls where status = 'running'")):
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
    for _ in range(2):
        result = run_cli("crawl", "--seeds", demo_crawl.seeds, "--db", db, "--progress-interval", "0", timeout=120)
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "cache.db.cache").is_dir()
    first, second = (json.loads(s) for (s,) in _rows(db, "select stats from crawls order by id"))
    assert second["clinicvet/wire_304"] >= 100
    assert first["clinicvet/wire_bytes"] >= 5 * second["clinicvet/wire_bytes"]
    flags = "domain, score, tier, screening, certified_staff, medical_monitoring, risk_disclosure"
    assert _rows(db, f"select {flags} from clinics order by domain") == _rows(
        demo_crawl.db, f"select {flags} from clinics order by domain")
    nocache = tmp_path / "nocache.db"
    one = tmp_path / "one.csv"
    one.write_text("\n".join(demo_crawl.seeds.read_text(encoding="utf-8").splitlines()[:2]) + "\n", encoding="utf-8")
    result = run_cli("crawl", "--seeds", one, "--db", nocache, "--no-cache", "--progress-interval", "0", timeout=60)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "nocache.db.cache").exists()
