"""One crawl in several Scrapy processes (`clinicvet crawl --processes N`).

A Scrapy process does its work on one reactor thread, so it uses one core however many the machine
has; a re-crawl of unchanged sites, where the worker processes have nothing to parse, is bound by
it. With N > 1 the sites are split between N crawl processes (a site's pages always in the same
one: the split is a hash of the site's key), which run the ordinary crawl of their share and write
to the same database, each clinic in its own transaction as always.

This process is the run: it holds the crawl lock (which the children inherit, so the lock outlives
this process if it is killed before them), writes the run's `crawls` row, and finishes it from the
children's stats once all have ended. A child runs with CLINICVET_CRAWL_ID (it writes into this
run instead of starting its own) and CLINICVET_SHARD "k/N", which names its HTTP cache file and
its progress lines. SIGINT and SIGTERM are passed on, so every child stops as a lone crawl does
(and a --resume run continues each from its own job directory).

No Scrapy import here: the children import it.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from crawler.progress import summary
from crawler.seeds import Seed, site_key, write_seeds_csv
from crawler.storage import Store, StoreError, mark_stale_runs, record_resumed, run_status
from scoring.rules import rule_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shard_name(shard: str) -> str:
    """A process's name in file names ("2/3" -> "2of3"): its HTTP cache file and job directory."""
    return shard.replace("/", "of")


def shard_of(seed_url: str, n: int) -> int:
    """Which of n processes crawls this seed's site: stable across runs, so a re-crawl finds its
    pages in the same process's HTTP cache and a resumed run in the same job directory."""
    return zlib.crc32(site_key(seed_url).encode()) % n


def split(seeds: list[Seed], n: int) -> list[list[Seed]]:
    parts: list[list[Seed]] = [[] for _ in range(n)]
    for seed in seeds:
        parts[shard_of(seed.url, n)].append(seed)
    return parts


def run_sharded(seed_list: list[Seed], seeds_label: str, db: str, processes: int, *, lock_fd: int,
                max_pages: int | None, max_depth: int | None, rules: str | None, settings: dict,
                log_file: str, cache: bool, job_dir: str | None, resumed_from: int | None) -> dict:
    """Crawl seed_list in `processes` children; returns the run's stats, as run_crawl does."""
    started = time.monotonic()
    mark_stale_runs(db)
    with Store(db) as store:
        # The rule file's name only: the children compile it (a broken --rules file was refused
        # by the CLI already).
        crawl_id = store.start_crawl(seeds=seeds_label, sites=len(seed_list), max_pages=max_pages,
                                     rules=str(rule_path(rules)))
    if resumed_from is not None:
        record_resumed(db, crawl_id, resumed_from)

    parts = split(seed_list, processes)
    with tempfile.TemporaryDirectory(prefix="clinicvet-shards-") as tmp:
        children = []
        for k, part in enumerate(parts, 1):
            if not part:
                continue
            shard = f"{k}/{processes}"
            seeds_csv = write_seeds_csv(part, Path(tmp, f"seeds-{k}.csv"))
            spec = {"seeds": str(seeds_csv), "db": str(db), "max_pages": max_pages, "max_depth": max_depth,
                    "rules": rules, "log_file": log_file, "cache": cache,
                    "job_dir": str(Path(job_dir, f"shard-{shard_name(shard)}")) if job_dir else None,
                    "settings": {**settings, "CLINICVET_CRAWL_ID": crawl_id, "CLINICVET_SHARD": shard},
                    "stats_out": str(Path(tmp, f"stats-{k}.json"))}
            spec_path = Path(tmp, f"spec-{k}.json")
            spec_path.write_text(json.dumps(spec), encoding="utf-8")
            children.append((k, spec["stats_out"], subprocess.Popen(
                [sys.executable, "-m", "crawler.shards", str(spec_path)], cwd=PROJECT_ROOT,
                pass_fds=(lock_fd,), preexec_fn=_die_with_parent)))
        codes = _wait_passing_signals([p for _, _, p in children])
        shard_stats = []
        for (k, stats_out, _), code in zip(children, codes):
            try:
                shard_stats.append(json.loads(Path(stats_out).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                shard_stats.append({"finish_reason": f"process {k}/{processes} failed (exit status {code})"})

    stats = merge_stats(shard_stats)
    stats["clinicvet/crawl_id"] = crawl_id
    stats["clinicvet/processes"] = processes
    reason = stats.get("finish_reason")
    status = run_status(reason, stats.get("clinicvet/store_error"))
    if status == "failed":
        stats["clinicvet/run_status"] = "failed"
    try:
        with Store(db) as store:
            store.finish_run(crawl_id, status, stats)
    except (sqlite3.Error, StoreError) as e:  # still full: the next crawl marks this run failed
        stats.setdefault("clinicvet/store_error", str(e))
        stats["clinicvet/run_status"] = "failed"
    progress = {key: stats.get(f"clinicvet/progress/{key}", 0) for key in ("sites_done", "pages", "errors")}
    print(summary(reason, {**progress, "sites": len(seed_list)}, stats, time.monotonic() - started),
          file=sys.stderr, flush=True)
    return stats


def merge_stats(parts: list[dict]) -> dict:
    """The children's Scrapy stats as one run's: counts add up; the run finished only if every
    child finished; the first store error is kept."""
    merged: dict = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                merged.setdefault(key, value)
            else:
                merged[key] = merged.get(key, 0) + value
    reasons = [p.get("finish_reason") for p in parts]
    merged["finish_reason"] = next((r for r in reasons if r != "finished"), "finished") if parts else None
    return merged


def _wait_passing_signals(procs: list[subprocess.Popen]) -> list[int]:
    """Wait for every child; SIGINT or SIGTERM received meanwhile goes on to them as SIGTERM, which
    a crawl takes as Ctrl-C: the first stops it cleanly, a second forces it."""
    def forward(_signum, _frame):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        return [p.wait() for p in procs]
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _die_with_parent() -> None:
    """A child gets SIGTERM (and stops as a crawl does) if the run's process is killed."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    # Ctrl-C in a terminal reaches the whole process group: only the parent's SIGTERM counts, or
    # one Ctrl-C would be two (Scrapy leaves an ignored SIGINT ignored).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _child(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    from crawler.run import run_crawl

    stats = run_crawl(spec["seeds"], spec["db"], spec["max_pages"], spec["max_depth"], spec["rules"],
                      settings=spec["settings"], log_file=spec["log_file"], cache=spec["cache"],
                      job_dir=spec["job_dir"])
    Path(spec["stats_out"]).write_text(json.dumps(stats, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
