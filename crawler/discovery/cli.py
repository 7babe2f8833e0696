"""`clinicvet discover`: crawl directory listings into the database and resolve them to clinics;
`seeds_from_db()`: the discovered clinics as seeds for `clinicvet crawl --from-db`.

The directory crawl runs in a subprocess (``python -m crawler.discovery.run``): a Twisted reactor
cannot restart, and this keeps `discover` callable from another command or a notebook.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from crawler.seeds import Seed, SeedError, read_seeds
from crawler.storage import StoreError

from .config import ConfigError, load_configs


def _parse_vars(values) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--var")
        out[key.strip()] = val.strip()
    return out


@click.command()
@click.option("--config", "configs", multiple=True, required=True, type=click.Path(path_type=Path),
              help="Directory config (YAML), or a folder of them; repeatable.")
@click.option("--db", required=True, type=click.Path(dir_okay=False, path_type=Path), help="SQLite database to write.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE",
              help="Fill {NAME} in the configs' URLs (e.g. --var demo_port=8790); repeatable.")
@click.option("--seeds", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also resolve a seeds CSV (url,name) with the listings (kind 'seed').")
@click.option("--check-websites/--no-check-websites", default=True, show_default=True,
              help="Fetch each listed website once to follow redirects (recommended).")
@click.option("--resolve-only", is_flag=True, help="Re-resolve the stored listings without crawling.")
def discover(configs, db, variables, seeds, check_websites, resolve_only):
    """Read clinic listings from the directories in CONFIG into DB, and resolve them to clinics
    (one row per clinic in `clinics`, every source in `clinic_sources`)."""
    from .store import DiscoveryStore

    variables = _parse_vars(variables)
    try:
        loaded = [cfg.with_vars(variables) for cfg in load_configs(configs)]
        if seeds:
            read_seeds(seeds)
        store = DiscoveryStore(db)
    except (ConfigError, SeedError, StoreError) as e:
        raise click.ClickException(str(e)) from None
    names = [cfg.name for cfg in loaded]
    run_id = store.start_run([str(c) for c in configs])
    store.close()
    stats: dict = {}
    if not resolve_only:
        click.echo(f"Discovering clinics in {len(loaded)} director{'y' if len(loaded) == 1 else 'ies'}: "
                   f"{', '.join(names)}", err=True)
        with tempfile.TemporaryDirectory() as tmp:
            stats_file = Path(tmp) / "stats.json"
            cmd = [sys.executable, "-m", "crawler.discovery.run", "--db", str(db), "--stats-out", str(stats_file)]
            for cfg in loaded:
                cmd += ["--config", str(cfg.path)]
            for key, value in variables.items():
                cmd += ["--var", f"{key}={value}"]
            if seeds:
                cmd += ["--seeds", str(seeds)]
            if not check_websites:
                cmd.append("--no-check-websites")
            code = subprocess.call(cmd)
            if stats_file.exists():
                stats = json.loads(stats_file.read_text(encoding="utf-8"))
        if code != 0 and not stats:
            _finish(db, run_id, "failed", {})
            raise click.ClickException("the directory crawl failed; see the log above")
        per_dir = stats.get("clinicvet/discover/per_directory", {})
        for name in names:
            d = per_dir.get(name, {})
            click.echo(f"  {name}: {d.get('listings', 0)} listings from {d.get('pages', 0)} pages", err=True)
        if not stats.get("clinicvet/discover/listings"):
            _finish(db, run_id, "failed", {"listings": 0})
            raise click.ClickException(f"no listing found in {', '.join(names)} (check the start URLs and selectors)")
    store = DiscoveryStore(db)
    try:
        counts = store.resolve_all()
        failed = store.db.execute("select count(distinct website) from listings where website_error != ''").fetchone()[0]
    finally:
        store.close()
    counts["websites_failed"] = failed
    _finish(db, run_id, "finished", counts, stats)
    click.echo(
        f"{counts.get('listings', 0)} listings -> {counts.get('clinics', 0)} clinics "
        f"({counts.get('new_clinics', 0)} new), {counts.get('locations', 0)} locations "
        f"({counts.get('multi_location', 0)} clinics with several); {counts.get('unlinked', 0)} listings without "
        f"a website left unlinked; {failed} websites did not answer. Written to {db}", err=True)


def _finish(db: Path, run_id: int, status: str, counts: dict, stats: dict | None = None) -> None:
    from .store import DiscoveryStore

    store = DiscoveryStore(db)
    try:
        store.finish_run(run_id, status, listings=counts.get("listings", 0), clinics=counts.get("clinics", 0),
                         new_clinics=counts.get("new_clinics", 0), locations=counts.get("locations", 0),
                         unlinked=counts.get("unlinked", 0), stats=json.dumps(stats or {}, sort_keys=True, default=str))
    finally:
        store.close()


def seeds_from_db(db_path: str | Path) -> list[Seed]:
    """Every clinic that discovery linked to a source, as a seed (its website after redirects and
    its name), in clinic id order. Raises SeedError when there is none or DB is no clinicvet database."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise SeedError(f"database not found: {db_path}")
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
            if not {"clinics", "clinic_sources"} <= tables:
                raise SeedError(f"{db_path}: no discovered clinics (run `clinicvet discover` first)")
            rows = conn.execute(
                "select website, coalesce(name, '') from clinics where coalesce(website, '') != '' and id in "
                "(select clinic_id from clinic_sources) order by id").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise SeedError(f"{db_path}: not a usable SQLite database ({e})") from None
    if not rows:
        raise SeedError(f"{db_path}: no discovered clinics (run `clinicvet discover` first)")
    return [Seed(url, name) for url, name in rows]


if __name__ == "__main__":  # python -m crawler.discovery.cli --config ... --db ...
    discover()
