"""The `clinicvet` command: crawl, score, serve, report, eval and demo.

Every expected failure (a missing or malformed file, an unwritable database, a bad rule file)
ends with a one-line `Error: …` and exit status 1 or 2, never a traceback.
"""

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from crawler.benchmark import own_host
from crawler.benchmark import profile as benchmark_profile
from crawler.discovery.cli import discover
from crawler.extract import extract_page, text_to_page
from crawler.seeds import SeedError, read_seeds, write_seeds_csv
from crawler.storage import Store, StoreError
from scoring import FLAGS, RuleError, aggregate, load_rules, scan_page

METADATA = Path(__file__).with_name("metadata.yml")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@click.group()
@click.version_option(package_name="clinicvet")
def cli():
    """Crawl ketamine clinic websites, score vetting signals with evidence, publish with Datasette."""


cli.add_command(discover)


# -- crawl ------------------------------------------------------------------------------------
@cli.command()
@click.option("--seeds", "seeds", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV with a 'url' column and optional 'name' column.")
@click.option("--from-db", is_flag=True, help="Crawl every clinic `clinicvet discover` found in DB.")
@click.option("--db", required=True, type=click.Path(path_type=Path), help="SQLite database to write.")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Page budget per site [default: 40].")
@click.option("--max-depth", type=click.IntRange(min=0), default=None, help="Link depth limit [default: 3].")
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rule file [default: scoring/rules.yml].")
@click.option("--progress-interval", type=float, default=5.0, show_default=True,
              help="Seconds between progress lines (0 for none).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Scrapy's log at INFO, appended [default: DB.log].")
@click.option("--no-cache", is_flag=True,
              help="Do not use the HTTP cache in DB.cache/ (by default pages are revalidated: 304s).")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting, e.g. --set DOWNLOAD_TIMEOUT=10 (repeatable).")
@click.option("--resume", is_flag=True,
              help="Keep the crawl's state in DB.job/: a run stopped with SIGTERM or Ctrl-C is "
                   "continued by the next --resume run (same seeds and options) instead of starting over.")
@click.option("--processes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Crawl processes, the sites split between them. One Scrapy process uses one core: "
                   "on a machine with cores to spare, more crawl many sites (and re-crawls) faster.")
@click.option("--benchmark", is_flag=True,
              help="Politeness off (crawler/benchmark_profile.yml), to measure the crawl on a web you serve "
                   "yourself: refused unless every seed is on a loopback or private address or a .test name.")
def crawl(seeds, from_db, db, max_pages, max_depth, rules, progress_interval, log_file, no_cache, overrides,
          resume, processes, benchmark):
    """Crawl each seed's site into DB (re-running updates clinics in place).

    Exit status: 0 when the run finished and at least one site was crawled; 1 when no site could be
    crawled, the run failed or was stopped, another crawl of DB is running, or the input is bad.
    """
    from crawler.job import CrawlJob, JobError
    from crawler.lock import CrawlLock, LockedError

    settings = {"CLINICVET_PROGRESS_INTERVAL": progress_interval}
    if benchmark:
        settings.update(benchmark_profile())
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set wants NAME=VALUE, got {item!r}")
        settings[name.strip()] = value
    if bool(seeds) == from_db:
        raise click.UsageError("give --seeds FILE or --from-db")
    try:
        if from_db:
            from crawler.discovery.cli import seeds_from_db

            seeds = write_seeds_csv(seeds_from_db(db), Path(f"{db}.seeds.csv"))
        seed_list = read_seeds(seeds)
        if benchmark:
            public = [s.url for s in seed_list if not own_host(s.url)]
            if public:
                raise click.ClickException(
                    f"--benchmark turns politeness off and is only for a web you serve yourself; "
                    f"{len(public)} seed(s) are not on a loopback or private address or a .test name, "
                    f"e.g. {public[0]}")
        if rules:
            load_rules(rules)
        Store(db).close()  # creates the schema, or fails early with a clear message
    except (SeedError, StoreError, RuleError) as e:
        raise click.ClickException(str(e)) from None
    lock = CrawlLock(db)
    try:
        lock.acquire()
    except LockedError as e:
        raise click.ClickException(f"another crawl of {db} is running (pid {e})") from None
    except OSError as e:
        raise click.ClickException(f"cannot lock {lock.path}: {e.strerror}") from None
    job, resumed_from = CrawlJob(db), None
    try:
        if resume:
            crawl_info = {"seeds": [s.url for s in seed_list], "max_pages": max_pages,
                          "max_depth": max_depth, "rules": str(rules.resolve()) if rules else None}
            if processes > 1:  # one job directory per process (crawler/shards.py): only the same N resumes
                crawl_info["processes"] = processes
            resumed_from = job.open(crawl_info)
        elif job.stopped_run() is not None:
            click.echo(f"Note: {job.dir}/ holds a stopped crawl; this run starts afresh and leaves it "
                       f"(--resume continues it)", err=True)
    except (JobError, OSError) as e:
        lock.release()
        raise click.ClickException(str(e)) from None
    log_file = log_file or Path(f"{db}.log")
    resuming = f", resuming run {resumed_from}" if resumed_from is not None else ""
    processes = min(processes, len(seed_list))
    in_processes = f" in {processes} processes" if processes > 1 else ""
    click.echo(f"Crawling {len(seed_list)} site(s) into {db}{in_processes}{resuming} (log: {log_file})", err=True)
    try:
        common = dict(settings=settings, log_file=str(log_file), cache=not no_cache,
                      job_dir=str(job.dir) if resume else None, resumed_from=resumed_from)
        if processes > 1:
            from crawler.shards import run_sharded

            stats = run_sharded(seed_list, str(seeds), str(db), processes, lock_fd=lock.fileno(),
                                max_pages=max_pages, max_depth=max_depth, rules=str(rules) if rules else None,
                                **common)
        else:
            from crawler.run import run_crawl  # imports Scrapy: keep `clinicvet score` fast

            stats = run_crawl(str(seeds), str(db), max_pages, max_depth, str(rules) if rules else None, **common)
        if resume:
            crawl_id, reason = stats.get("clinicvet/crawl_id"), stats.get("finish_reason")
            if crawl_id is None and resumed_from is not None:
                job.stopped(resumed_from)  # the resume did not start: the stopped run is still resumable
            elif crawl_id is not None and reason == "finished":
                job.finished()
            elif crawl_id is not None and reason:  # closed, not forced: Scrapy saved queue and state
                job.stopped(crawl_id)
    finally:
        lock.release()
    ok = stats.get("clinicvet/sites_ok", 0)
    if stats.get("clinicvet/crawl_id") is None:
        raise click.ClickException(f"the crawl did not start; see {log_file}")
    if stats.get("clinicvet/store_error"):
        raise click.ClickException(f"could not write {db} ({stats['clinicvet/store_error']}; is the disk full?); "
                                   f"the crawl stopped and is recorded as failed, earlier data are kept; see {log_file}")
    if stats.get("clinicvet/run_status") == "failed":
        then = "; the same command continues it" if resume and job.stopped_run() is not None else ""
        raise click.ClickException(f"the crawl stopped early ({stats.get('finish_reason') or 'forced'}); "
                                   f"recorded as failed, see {log_file}{then}")
    if not ok:
        raise click.ClickException(f"no site could be crawled ({len(seed_list)} tried)")


# -- score ------------------------------------------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--batch", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help='JSON lines, {"id", "url", "html" or "text"} each; one result line per input.')
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None)
def score(files, as_json, batch, rules):
    """Score FILES (HTML or .txt) as the pages of one clinic, or --batch lines one page each."""
    rule_set = _rules(rules)
    if batch:
        if files:
            raise click.UsageError("give either FILES or --batch, not both")
        for record in _read_jsonl(batch):
            result = _score_record(record, rule_set)
            click.echo(json.dumps({"id": record.get("id"), **result.to_dict()}, ensure_ascii=False))
        return
    if not files:
        raise click.UsageError("give one or more HTML/text files, or --batch FILE")
    pages = []
    for path in files:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise click.ClickException(f"cannot read {path}: {e.strerror}") from None
        if path.suffix.lower() in (".txt", ".text", ".md"):
            page = text_to_page(raw.decode("utf-8", errors="replace"))
        else:
            page = extract_page(raw, path.as_uri())
        pages.append(scan_page(page.text, str(path), rule_set))
    result = aggregate(pages, rule_set)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"score {result.score}  tier {result.tier}  ({result.words} words)")
    for flag in FLAGS:
        evidence = result.flags[flag]
        click.echo(f"  [{'x' if evidence else ' '}] {flag}")
        for ev in evidence[:2]:
            by = ", read by the sentence model" if ev.source == "model" else ""
            click.echo(f"        {ev.snippet[:160]}  ({Path(ev.url).name}{by})")


def _rules(path):
    try:
        return load_rules(path)
    except RuleError as e:
        raise click.ClickException(str(e)) from None


def _read_jsonl(path: Path):
    try:
        handle = open(path, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"cannot read {path}: {e.strerror}") from None
    with handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                raise click.ClickException(f"{path}:{n}: not valid JSON") from None
            if not isinstance(record, dict) or not isinstance(record.get("html", record.get("text")), str):
                raise click.ClickException(f'{path}:{n}: needs an "html" or "text" string')
            yield record


def _record_text(record: dict) -> str:
    url = str(record.get("url") or "")
    return (extract_page(record["html"], url) if "html" in record else text_to_page(record["text"])).text


def _score_record(record: dict, rules):
    url = str(record.get("url") or "")
    return aggregate([scan_page(_record_text(record), url, rules)], rules)


def _labelled(corpus) -> list[dict]:
    records = []
    for path in corpus:
        for record in _read_jsonl(path):
            if not isinstance(record.get("labels"), dict):
                raise click.ClickException(f'{path}: record {record.get("id")!r} has no "labels"')
            records.append(record)
    return records


# -- eval -------------------------------------------------------------------------------------
@cli.command("eval")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--model/--no-model", default=True, show_default=True,
              help="Use the rule file's sentence model (--no-model: the rules alone).")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List the misses.")
def eval_(corpus, rules, model, misses):
    """Precision, recall and F1 per flag on labelled CORPUS file(s) (JSON lines with "labels")."""
    from crawler.evaluate import evaluate, format_report

    rule_set = _rules(rules)
    if not model:
        rule_set = rule_set.without_model()
    result = evaluate(_labelled(corpus), lambda r: _score_record(r, rule_set))
    click.echo(format_report(result, show_misses=misses))


# -- train ------------------------------------------------------------------------------------
@cli.command("train")
@click.argument("corpus", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Model file to write (name it in the rule file's `model:` to use it).")
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rule file whose evidence marks the positive sentences [default: scoring/rules.yml].")
@click.option("--threshold", type=click.FloatRange(0.5, 0.9999), default=0.95, show_default=True,
              help="Probability a sentence needs to set a flag the rules did not.")
def train_(corpus, out, rules, threshold):
    """Train the sentence model on labelled CORPUS file(s) (the format `eval` reads)."""
    from scoring.train import train

    rule_set = _rules(rules)
    records = _labelled(corpus)
    if not records:
        raise click.ClickException("the corpus has no records")
    names = ", ".join(p.name for p in corpus)
    model = train([(_record_text(r), r["labels"]) for r in records], rule_set, threshold=threshold,
                  trained_on=f"{len(records)} labelled pages: {names}")
    try:
        out.write_text(model.to_json() + "\n", encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"cannot write {out}: {e.strerror}") from None
    kept = sum(len(m.weights) for m in model.flags.values())
    click.echo(f"Trained on {len(records)} pages; {kept} weights for {len(model.flags)} flags; wrote {out}", err=True)


# -- rescore ----------------------------------------------------------------------------------
@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rules", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Rule file [default: scoring/rules.yml].")
def rescore(db, rules):
    """Re-apply the rule file to the pages stored in DB (no network); records the run in history."""
    from crawler.rescore import rescore as run_rescore

    _check_db(db)
    _rules(rules)
    try:
        result = run_rescore(str(db), str(rules) if rules else None)
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Rescored {result['clinics']} clinics from {result['pages']} stored pages; "
               f"{result['changed']} changed score or tier (run {result['run']})", err=True)


# -- figures ----------------------------------------------------------------------------------
@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="clinicvet database to read.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the PNGs and CSVs (created if missing).")
def figures(db, out):
    """Write every analysis figure (PNG) and table (CSV) of DB into OUT."""
    try:
        from crawler import analysis  # imports matplotlib: keep the other commands fast
    except ImportError as e:
        raise click.ClickException(f"{e}; install clinicvet[analysis]") from None
    try:
        paths = analysis.write_figures(db, out)
    except (analysis.AnalysisError, OSError) as e:
        raise click.ClickException(str(e)) from None
    for path in paths:
        click.echo(path)


# -- serve ------------------------------------------------------------------------------------
@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def serve(db, port):
    """Serve DB with Datasette on 127.0.0.1, with clinicvet's metadata and canned queries."""
    _check_db(db)
    _serve(db, port)


def _check_db(db: Path) -> None:
    if not db.is_file():
        raise click.ClickException(f"database not found: {db}")
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        conn.close()
    except sqlite3.DatabaseError:
        raise click.ClickException(f"{db} is not an SQLite database") from None
    if "clinics" not in tables:
        raise click.ClickException(f"{db} is not a clinicvet database (no clinics table)")


def metadata_for(db: Path) -> dict:
    """The project's metadata named for this database (see crawler.publish.metadata_for)."""
    from crawler.publish import metadata_for as build

    return build(db)


def _serve(db: Path, port: int) -> None:
    """Datasette on DB with clinicvet's metadata, templates, plugin and settings. The database stays
    mutable (a crawl may be writing it; Datasette reads it with mode=ro and has no write endpoint
    here); `clinicvet publish` makes the immutable snapshot."""
    from crawler.publish import serve_options

    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata_for(db)), encoding="utf-8")
        cmd = [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(meta),
               "--host", "127.0.0.1", "--port", str(port), *serve_options()]
        click.echo(f"Datasette: http://127.0.0.1:{port}/{db.stem}/clinics (Ctrl-C to stop)", err=True)
        proc = subprocess.Popen(cmd)
        # SIGTERM (a test, a service manager) must stop Datasette too, not leave it orphaned.
        signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
        try:
            code = proc.wait()
        except KeyboardInterrupt:
            proc.terminate()
            code = proc.wait()
    sys.exit(0 if code in (-signal.SIGTERM, -signal.SIGINT) else code)


# -- report -----------------------------------------------------------------------------------
@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), default=None,
              help="Output format [default: from --out's suffix, else csv].")
@click.option("--state", multiple=True, help="Only clinics in this state (repeatable: any of them).")
@click.option("--tier", multiple=True, help="Only clinics in this tier (repeatable: any of them).")
@click.option("--flag", "flags", multiple=True, type=click.Choice(FLAGS),
              help="Only clinics with this flag set (repeatable: all of them).")
@click.option("--min-score", type=click.IntRange(0, 100), default=None, help="Only clinics scoring at least N.")
@click.option("--summary", is_flag=True, help="Counts and percentages per flag by state instead of clinics.")
def report(db, out, fmt, state, tier, flags, min_score, summary):
    """Write one row per clinic (facts, score, tier, flags, one evidence URL per set flag, crawl_id),
    or with --summary one row per state; the same database always gives the same bytes."""
    from crawler.report import ReportFilter, write_report

    _check_db(db)
    chosen = ReportFilter(states=state, tiers=tier, flags=flags, min_score=min_score)
    fmt = fmt or {".xlsx": "xlsx", ".json": "json"}.get(out.suffix.lower(), "csv")
    try:
        n = write_report(db, out, fmt=fmt, where=chosen, summary=summary)
    except OSError as e:
        raise click.ClickException(f"cannot write {out}: {e.strerror}") from None
    click.echo(f"Wrote {n} {'summary rows' if summary else 'clinics'} to {out}", err=True)


# -- publish ----------------------------------------------------------------------------------
@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="New or empty directory for the snapshot.")
def publish(db, out):
    """Prepare an immutable snapshot of DB in OUT for hosting and print the commands that serve it."""
    from crawler.publish import PublishError, publish as make_snapshot

    _check_db(db)
    try:
        cmds = make_snapshot(db, out)
    except (OSError, PublishError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Snapshot written to {out}. From that directory, serve it with:\n  {cmds['serve']}\n"
               f"or, spelled out:\n  {cmds['serve_explicit']}\n"
               f"Publish it (Google Cloud Run; see `datasette publish --help` for others):\n  {cmds['publish']}")


# -- demo -------------------------------------------------------------------------------------
@cli.command()
@click.option("--db", default=str(PROJECT_ROOT / "data" / "demo.db"), show_default=True,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("--no-serve", is_flag=True, help="Stop after writing the database.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Datasette port.")
@click.option("--web-port", default=0, type=click.IntRange(0, 65535),
              help="Port of the demo web (0: any free port).")
def demo(db, no_serve, port, web_port):
    """Serve the bundled demo web, discover its clinics from its directories, crawl and score them
    into DB, then serve DB with Datasette."""
    from crawler.demoweb import DemoWeb

    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        Store(db).close()
    except (OSError, StoreError) as e:
        raise click.ClickException(str(e)) from None
    with DemoWeb(port=web_port) as web:
        click.echo(f"Demo web: {len(web.sites)} clinic sites and 4 directories on 127.0.0.x:{web.port}",
                   err=True)
        # Discover the clinics from the demo directories (not from a hand-made list), then crawl them.
        configs = sorted((PROJECT_ROOT / "data" / "directories").glob("demo-*.yml"))
        code = subprocess.call([sys.executable, "-m", "crawler.cli", "discover", "--db", str(db),
                                "--var", f"demo_port={web.port}",
                                *[arg for c in configs for arg in ("--config", str(c))]])
        if code:
            raise click.ClickException("the demo discovery failed")
        code = subprocess.call([sys.executable, "-m", "crawler.cli", "crawl", "--from-db", "--db", str(db),
                                "--progress-interval", "2"])
        if code:
            raise click.ClickException("the demo crawl failed")
        click.echo(f"Demo database written: {db}", err=True)
        if not no_serve:
            _serve(db, port)


if __name__ == "__main__":
    cli()
