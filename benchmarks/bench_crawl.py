"""Crawl throughput at market scale: bare Scrapy vs the full clinicvet crawl on the same web.

    python benchmarks/bench_crawl.py --sites 100 [--sites 1000 ...] [--json results.json] [--no-bare]

For each N: serve a synthetic web of N clinic sites (~10 pages, 30-150 KB each; synthweb.py),
measure the server alone, then crawl it (a) with a bare Scrapy spider that fetches the same pages
and does nothing (bare_spider.py) and (b) with the full clinicvet crawl (extract, score, store), both
with the benchmark profile below: politeness delays off, everything else as in a real crawl
(robots.txt obeyed, same concurrency). Then time `rescore`, `report` and Datasette on the database
the crawl wrote. Prints a table and writes JSON so runs can be compared. --no-bare skips (a), for
market scale (10,000 sites), where bare Scrapy's start of every seed at once is too slow to wait for.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthweb import free_port, served  # noqa: E402
from crawler.benchmark import profile  # noqa: E402

# The benchmark profile (crawler/benchmark_profile.yml, as `clinicvet crawl --benchmark` applies it):
# delays off for both crawls, identical concurrency; plus the synthetic web's resolver and the log
# level this script reads the stats from.
PROFILE = {**{name: str(value) for name, value in profile().items()},
           "DNS_RESOLVER": "benchmarks.resolver.BenchResolver", "LOG_LEVEL": "INFO", "CLINICVET_PROGRESS_INTERVAL": "0"}


def bare_spider_cmd(spider_args: list[str], settings: dict) -> list[str]:
    """benchmarks/bare_spider.py under `scrapy runspider`. Run it outside the project directory:
    with no scrapy.cfg in sight it is a bare Scrapy with its defaults and no clinicvet parts."""
    return [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / "bare_spider.py"), *spider_args,
            *[arg for name, value in settings.items() for arg in ("-s", f"{name}={value}")]]


def run_measured(cmd: list[str], cwd: Path = ROOT) -> dict:
    """Run a command; its wall time, output, exit code, and the peak RSS and CPU seconds of its
    whole process tree (the crawl and its worker processes together), sampled every 0.1 s. CPU
    is each process's own user + system time as last seen: the worker processes are forked by
    multiprocessing's forkserver, which the crawl never waits for, so RUSAGE_CHILDREN misses them."""
    import threading

    import psutil

    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak, cpu = [0], {}

    def sample():
        try:
            root = psutil.Process(proc.pid)
            while proc.poll() is None:
                total = 0
                for p in [root, *root.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                        times = p.cpu_times()
                        cpu[p.pid] = times.user + times.system
                    except psutil.Error:
                        pass
                peak[0] = max(peak[0], total)
                time.sleep(0.1)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join(1)
    return {"wall": time.monotonic() - start, "out": out, "err": err, "code": proc.returncode,
            "rss_tree_mb": peak[0] / 2**20, "cpu_tree_s": sum(cpu.values())}


def scrapy_stats(log: str) -> dict:
    pages = re.findall(r"'response_received_count': (\d+)", log)
    size = re.findall(r"'downloader/response_bytes': (\d+)", log)
    return {"pages": int(pages[-1]) if pages else 0, "bytes": int(size[-1]) if size else 0}


async def server_alone(base_port: int, sites: int, fetches: int) -> dict:
    import aiohttp

    from benchmarks.synthweb import PAGES

    urls = [f"http://127.0.0.1:{base_port}/{PAGES[i % len(PAGES)]}" for i in range(fetches)]
    hosts = [f"site-{i % sites:05d}.bench.test" for i in range(fetches)]
    total = 0
    start = time.monotonic()
    async with aiohttp.ClientSession() as session:
        sem = asyncio.Semaphore(32)

        async def get(url, host):
            nonlocal total
            async with sem, session.get(url, headers={"Host": host}) as r:
                total += len(await r.read())

        await asyncio.gather(*(get(u, h) for u, h in zip(urls, hosts)))
    wall = time.monotonic() - start
    return {"pages": fetches, "bytes": total, "wall": wall}


def bench(sites: int, tmp: Path, bare_too: bool = True) -> list[dict]:
    with served() as port:
        rows = []
        alone = asyncio.run(server_alone(port, sites, min(sites * 10, 3000)))
        rows.append(row(sites, "server alone (aiohttp client)", alone["pages"], alone["bytes"], alone["wall"], None, None))

        seeds = tmp / f"seeds-{sites}.csv"
        seeds.write_text("url,name\n" + "".join(f"http://site-{i:05d}.bench.test:{port}/,\n" for i in range(sites)))
        settings = [arg for k, v in PROFILE.items() for arg in ("-s", f"{k}={v}")]

        if bare_too:
            # Outside the project directory, so no scrapy.cfg: a bare Scrapy with no clinicvet parts.
            bare = run_measured(bare_spider_cmd(["-a", f"seeds={seeds}"], PROFILE), cwd=tmp)
            stats = scrapy_stats(bare["err"])
            rows.append(row(sites, "(a) bare Scrapy", stats["pages"], stats["bytes"], bare["wall"], bare["cpu_tree_s"],
                            bare["rss_tree_mb"]))

        db = tmp / f"bench-{sites}.db"
        full = run_measured([sys.executable, "-m", "scrapy", "crawl", "clinic", "-a", f"seeds={seeds}",
                             "-s", f"CLINICVET_DB={db}", *settings])
        stats = scrapy_stats(full["err"])
        rows.append(row(sites, "(b) clinicvet crawl", stats["pages"], stats["bytes"], full["wall"], full["cpu_tree_s"],
                        full["rss_tree_mb"]))
        if full["code"] or (bare_too and bare["code"]):
            print(full["err"][-2000:], bare["err"][-2000:] if bare_too else "", file=sys.stderr)
        if bare_too and rows[-2]["pages_per_s"]:
            rows[-1]["ratio_b_to_a"] = round(rows[-1]["pages_per_s"] / rows[-2]["pages_per_s"], 3)

        rescore = run_measured([sys.executable, "-m", "crawler.cli", "rescore", "--db", str(db)])
        stored = int(re.search(r"from (\d+) stored pages", rescore["err"]).group(1)) if "stored pages" in rescore["err"] else 0
        rows.append(row(sites, "rescore (stored pages)", stored, 0, rescore["wall"], None, None))
        report = run_measured([sys.executable, "-m", "crawler.cli", "report", "--db", str(db), "--out", str(tmp / "r.csv")])
        rows.append(row(sites, "report (clinics)", sites, 0, report["wall"], None, None))
        rows += datasette_timings(sites, db)
        return rows


def datasette_timings(sites: int, db: Path) -> list[dict]:
    import httpx

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}/{db.stem}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/-/versions.json")
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        out = []
        for label, path in (("datasette: clinics + 2 facets", "/clinics?_facet=state&_facet=tier"),
                            ("datasette: full-text search", "/pages?_search=evaluation"),
                            ("datasette: clinic page", "/clinics/1")):
            httpx.get(base + path, timeout=30)  # warm
            times = []
            for _ in range(5):
                start = time.monotonic()
                r = httpx.get(base + path, timeout=30)
                times.append(time.monotonic() - start)
            out.append({"sites": sites, "run": label, "ms_median": round(sorted(times)[2] * 1000, 1),
                        "status": r.status_code})
        return out
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(10)


def row(sites, run, pages, nbytes, wall, cpu, rss) -> dict:
    return {"sites": sites, "run": run, "pages": pages, "mb": round(nbytes / 1e6, 1),
            "wall_s": round(wall, 1), "pages_per_s": round(pages / wall, 1) if wall else 0,
            "mb_per_s": round(nbytes / 1e6 / wall, 2) if wall else 0,
            "cpu_ms_per_page": round(cpu / pages * 1000, 2) if cpu and pages else None,
            "peak_rss_mb": round(rss, 0) if rss else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, action="append", help="N clinic sites (repeatable)")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Scrapy crawl (and the ratio)")
    args = parser.parse_args()
    results = []
    tmp = Path(tempfile.mkdtemp(prefix="clinicvet-bench-"))
    try:
        for n in args.sites or [100]:
            results += bench(n, tmp, bare_too=not args.no_bare)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'sites':>6} {'run':32} {'pages':>7} {'MB':>7} {'wall s':>7} {'pages/s':>8} {'MB/s':>6} {'CPU ms/p':>8} {'RSS MB':>7} {'b/a':>6} {'ms':>7}")
    for r in results:
        print(f"{r['sites']:>6} {r['run']:32} {r.get('pages', ''):>7} {r.get('mb', ''):>7} {r.get('wall_s', ''):>7} "
              f"{r.get('pages_per_s', ''):>8} {r.get('mb_per_s', ''):>6} {str(r.get('cpu_ms_per_page') or ''):>8} "
              f"{str(r.get('peak_rss_mb') or ''):>7} {str(r.get('ratio_b_to_a') or ''):>6} {str(r.get('ms_median', '')):>7}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
