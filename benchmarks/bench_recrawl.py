"""Second crawl of an unchanged web against the first, in one run.

    python benchmarks/bench_recrawl.py [--sites 300] [--processes N] [--keep DIR]

Two webs, each crawled twice by `clinicvet crawl` into a fresh database with the HTTP cache in
<db>.cache/ (crawler/httpcache.py: every page revalidated, an unchanged page costs a 304):

* the demo web (23 small sites, politeness on as in a real crawl): what a scheduled re-crawl of a
  few sites costs, where start-up and per-site delays dominate;
* a synthetic web of N sites (benchmarks/synthweb.py, 30-150 KB pages that answer If-None-Match
  with 304) with the benchmark profile of bench_crawl.py (politeness delays off), where the work
  per page shows: the second crawl neither downloads nor parses nor scores an unchanged page
  (crawler/page_memo.py).

On the synthetic web, bare Scrapy (benchmarks/bare_spider.py) with the same HTTP cache also crawls
twice: its second crawl is Scrapy's own cost for the same conditional requests, the floor under
clinicvet's in one process. Then clinicvet crawls it twice again with --processes N (default: the
machine's cores), the sites split between N Scrapy processes.

Prints bytes that came over the network (clinicvet/wire_bytes: bodies and headers of responses not
served from the cache), wall time of the whole command, requests, 304s, pages parsed again and
ratios. Targets: at least 5x fewer bytes and 2x less wall time on the second crawl.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_crawl import PROFILE, bare_spider_cmd  # noqa: E402
from crawler import settings as project  # noqa: E402
from benchmarks.synthweb import served  # noqa: E402
from crawler.demoweb import DemoWeb  # noqa: E402


def crawl(seeds: Path, db: Path, settings: dict | None = None, processes: int = 1) -> dict:
    overrides = [arg for k, v in (settings or {}).items() for arg in ("--set", f"{k}={v}")]
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--seeds", str(seeds),
                             "--db", str(db), "--progress-interval", "0", "--processes", str(processes), *overrides],
                            cwd=ROOT, capture_output=True, text=True, timeout=1800)
    wall = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stderr}")
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawls order by id desc limit 1").fetchone()[0])
    pages = stats.get("clinicvet/pages_stored", 0)
    return {"wall": wall, "bytes": stats.get("clinicvet/wire_bytes", 0),
            "requests": stats.get("clinicvet/wire_responses", 0), "304": stats.get("clinicvet/wire_304", 0),
            "pages": pages, "parsed": pages - stats.get("clinicvet/memo_pages", 0)}


def twice(label: str, seeds: Path, db: Path, settings: dict | None = None, processes: int = 1,
          polite: bool = False) -> dict:
    first = crawl(seeds, db, settings, processes)
    second = crawl(seeds, db, settings, processes)
    rows = [("bytes downloaded", "bytes"), ("wall time (s)", "wall"), ("requests", "requests"),
            ("304 Not Modified", "304"), ("pages stored", "pages"), ("pages parsed and scored", "parsed")]
    print(f"\n{label}: crawl, then re-crawl of the unchanged web\n")
    print("| measure | first crawl | second crawl | first / second |")
    print("|---|---|---|---|")
    for name, key in rows:
        a, b = first[key], second[key]
        fmt = (lambda v: f"{v:.2f}") if key == "wall" else (lambda v: f"{v:,}")
        ratio = f"{a / b:.1f}x" if b and key != "304" else ""
        print(f"| {name} | {fmt(a)} | {fmt(b)} | {ratio} |")
    byte_ratio = first["bytes"] / max(second["bytes"], 1)
    wall_ratio = first["wall"] / second["wall"]
    wall = (f"wall time: {wall_ratio:.1f}x less (set by the per-site politeness delays, waited out alike "
            f"in both crawls; the 2x target is measured on the synthetic web)") if polite else \
        f"wall time: {wall_ratio:.1f}x less (target 2x) {'OK' if wall_ratio >= 2 else 'MISSED'}"
    print(f"\nbytes: {byte_ratio:.1f}x fewer (target 5x) {'OK' if byte_ratio >= 5 else 'MISSED'}; {wall}")
    return {"web": label, "first": first, "second": second, "bytes_ratio": round(byte_ratio, 2),
            "wall_ratio": round(wall_ratio, 2)}


def synthetic(sites: int, tmp: Path, processes: int) -> list[dict]:
    """Both crawls in one process, then both in `processes` (clinicvet crawl --processes): a
    re-crawl has nothing to parse, and one Scrapy process is bound to one core."""
    with served() as port:
        seeds = tmp / "synth-seeds.csv"
        seeds.write_text("url,name\n" + "".join(f"http://site-{i:05d}.bench.test:{port}/,\n" for i in range(sites)))
        settings = {k: v for k, v in PROFILE.items() if k not in ("LOG_LEVEL", "CLINICVET_PROGRESS_INTERVAL")}
        label = f"synthetic web, {sites} sites, benchmark profile (delays off)"
        result = twice(f"{label}, one crawl process", seeds, tmp / "synth.db", settings)
        result["bare_scrapy"] = bare_twice(tmp / "synth.db", tmp, settings)
        results = [result]
        if processes > 1:
            results.append(twice(f"{label}, --processes {processes}", seeds, tmp / f"synth-{processes}.db",
                                 settings, processes))
        return results


def bare_twice(db: Path, tmp: Path, settings: dict) -> dict:
    """Bare Scrapy with the same HTTP cache, on the same web, twice each way
    (benchmarks/bare_spider.py): following links, which parses every page again on the second
    crawl as a spider without clinicvet's page memo must; and requesting the list of URLs
    clinicvet stored, parsing nothing. The second crawl of the list is what the conditional
    requests alone cost Scrapy: the floor under any Scrapy re-crawl of this web."""
    with sqlite3.connect(db) as conn:
        (tmp / "urls.txt").write_text("\n".join(url for (url,) in conn.execute("select url from pages")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = {}
    for mode, spider_args in (("links", ["-a", f"seeds={tmp / 'synth-seeds.csv'}"]),
                              ("url list", ["-a", f"urls={tmp / 'urls.txt'}"])):
        cache = tmp / f"bare-cache-{mode.replace(' ', '-')}"
        cmd = bare_spider_cmd(spider_args, {**settings, "LOG_LEVEL": "WARNING", "HTTPCACHE_ENABLED": "1",
                                            "HTTPCACHE_DIR": str(cache), "HTTPCACHE_POLICY": project.HTTPCACHE_POLICY,
                                            "HTTPCACHE_STORAGE": project.HTTPCACHE_STORAGE})
        walls = []
        for _ in range(2):
            started = time.monotonic()
            run = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=1800)
            walls.append(time.monotonic() - started)
            if run.returncode != 0:
                sys.exit(f"bare crawl failed:\n{run.stderr}")
        result[mode] = {"first_wall": round(walls[0], 2), "second_wall": round(walls[1], 2),
                        "wall_ratio": round(walls[0] / walls[1], 2)}
        print(f"bare Scrapy, same cache, {mode}: {walls[0]:.2f} s, then {walls[1]:.2f} s ({walls[0] / walls[1]:.1f}x)")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=300, help="sites of the synthetic web (0: skip it)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="also crawl the synthetic web twice with --processes N [default: the cores]")
    parser.add_argument("--keep", type=Path, help="keep the databases, caches and logs in DIR")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clinicvet-recrawl-"))
    results = []
    try:
        with DemoWeb(port=0) as web:
            seeds = tmp / "seeds.csv"
            web.write_seeds(seeds)
            results.append(twice(f"demo web, {len(web.sites)} sites, polite (as a real crawl)", seeds, tmp / "recrawl.db",
                                 polite=True))
        if args.sites:
            results += synthetic(args.sites, tmp, args.processes)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
