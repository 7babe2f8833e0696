"""Second crawl of an unchanged web against the first, in one run.

    python benchmarks/bench_recrawl.py [--keep DIR]

Serves the demo web (which answers conditional requests: ETag / Last-Modified -> 304), runs
`clinicvet crawl` into a fresh database twice with the HTTP cache in <db>.cache/ (RFC 2616 policy),
and prints bytes that came over the network (clinicvet/wire_bytes: bodies and headers of responses
not served from the cache), wall time of the whole command, requests, 304s and ratios.
Targets: at least 5x fewer bytes and 2x less wall time on the second crawl.
"""

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demoweb import DemoWeb  # noqa: E402


def crawl(seeds: Path, db: Path, *extra: str) -> dict:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "crawl", "--seeds", str(seeds),
                             "--db", str(db), "--progress-interval", "0", *extra],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    wall = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"crawl failed:\n{result.stderr}")
    with sqlite3.connect(db) as conn:
        stats = json.loads(conn.execute("select stats from crawls order by id desc limit 1").fetchone()[0])
    return {"wall": wall, "bytes": stats.get("clinicvet/wire_bytes", 0),
            "requests": stats.get("clinicvet/wire_responses", 0), "304": stats.get("clinicvet/wire_304", 0),
            "pages": stats.get("clinicvet/pages_stored", 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the database, cache and log in DIR")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clinicvet-recrawl-"))
    try:
        with DemoWeb(port=0) as web:
            seeds = tmp / "seeds.csv"
            web.write_seeds(seeds)
            db = tmp / "recrawl.db"
            first = crawl(seeds, db)
            second = crawl(seeds, db)
        rows = [("bytes downloaded", "bytes"), ("wall time (s)", "wall"), ("requests", "requests"),
                ("304 Not Modified", "304"), ("pages stored", "pages")]
        print(f"demo web: {len(web.sites)} sites; crawl, then re-crawl of the unchanged web\n")
        print("| measure | first crawl | second crawl | first / second |")
        print("|---|---|---|---|")
        for label, key in rows:
            a, b = first[key], second[key]
            fmt = (lambda v: f"{v:.2f}") if key == "wall" else (lambda v: f"{v:,}")
            ratio = f"{a / b:.1f}x" if b and key != "304" else ""
            print(f"| {label} | {fmt(a)} | {fmt(b)} | {ratio} |")
        byte_ratio = first["bytes"] / max(second["bytes"], 1)
        wall_ratio = first["wall"] / second["wall"]
        print(f"\nbytes: {byte_ratio:.1f}x fewer (target 5x) {'OK' if byte_ratio >= 5 else 'MISSED'}; "
              f"wall time: {wall_ratio:.1f}x less (target 2x) {'OK' if wall_ratio >= 2 else 'MISSED'}")
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
