"""Datasette configuration for a clinicvet database, and immutable snapshots for hosting.

`clinicvet serve` and `clinicvet publish` share one configuration: crawler/metadata.yml (named
for the database), the templates and plugin in crawler/datasette/, and its settings.json. A
snapshot directory is laid out as a Datasette configuration directory (database, metadata.json,
settings.json, templates/, plugins/, inspect-data.json), so `datasette serve DIR` opens it
immutable with instant counts, and `datasette publish` can ship the same files.
"""

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

METADATA = Path(__file__).with_name("metadata.yml")
DATASETTE_DIR = Path(__file__).with_name("datasette")
TEMPLATES = DATASETTE_DIR / "templates"
PLUGINS = DATASETTE_DIR / "plugins"
SETTINGS = DATASETTE_DIR / "settings.json"
EXTRA_PLUGINS = ["datasette-cluster-map"]  # installed on the host by `datasette publish --install`
INSPECT_FILE = "inspect-data.json"


class PublishError(Exception):
    """The snapshot cannot be written."""


def metadata_for(db: Path, name: str | None = None) -> dict:
    """The project's metadata with its "*" database entry named for this database (Datasette keys
    metadata by database name, the file's stem), without the facets and canned queries an older
    database's schema cannot serve (no services column, no history table)."""
    meta = yaml.safe_load(METADATA.read_text(encoding="utf-8"))
    entry = meta["databases"].pop("*")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        columns = _columns(conn)
        for table, config in entry.get("tables", {}).items():
            if "facets" in config:
                config["facets"] = [f for f in config["facets"] if _facet_column(f) in columns.get(table, ())]
        entry["queries"] = {k: q for k, q in entry.get("queries", {}).items() if _compiles(conn, q["sql"])}
    finally:
        conn.close()
    meta["databases"] = {name or db.stem: entry}
    return meta


def _facet_column(facet) -> str:
    return facet if isinstance(facet, str) else next(iter(facet.values()))


def _columns(conn) -> dict[str, set[str]]:
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    return {t: {r[1] for r in conn.execute(f"pragma table_info([{t}])")} for t in tables}


def _compiles(conn, sql: str) -> bool:
    """Whether SQLite can prepare this query here (EXPLAIN compiles without running it)."""
    conn.create_function("escape_fts", 1, lambda q: q)  # Datasette's SQL function
    try:
        conn.execute("explain " + sql, dict.fromkeys(re.findall(r":(\w+)", sql)))
        return True
    except sqlite3.Error:
        return False


def settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def serve_options() -> list[str]:
    """`datasette serve` options for templates, plugin and settings (not metadata: it is per database)."""
    options = ["--template-dir", str(TEMPLATES), "--plugins-dir", str(PLUGINS)]
    for key, value in settings().items():
        options += ["--setting", key, str(value)]
    return options


def publish(db: str | Path, out_dir: str | Path) -> dict[str, str]:
    """Write an immutable snapshot of DB into OUT_DIR (new or empty) and return the commands that
    serve it: {"serve": config-directory mode, "serve_explicit": the same with every option,
    "publish": `datasette publish cloudrun`}. Paths in the commands are relative to OUT_DIR."""
    db, out = Path(db), Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PublishError(f"{out} exists and is not an empty directory (a snapshot is never overwritten)")
    out.mkdir(parents=True, exist_ok=True)
    snapshot = out / f"{db.stem}.db"
    _backup(db, snapshot)
    meta = metadata_for(snapshot)
    meta["description_html"] += _provenance_html(snapshot)
    (out / "metadata.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "settings.json").write_text(json.dumps(settings(), indent=2) + "\n", encoding="utf-8")
    shutil.copytree(TEMPLATES, out / "templates")
    shutil.copytree(PLUGINS, out / "plugins", ignore=shutil.ignore_patterns("__pycache__"))
    _inspect(snapshot, out / INSPECT_FILE)
    return commands(snapshot.name)


def commands(db_file: str) -> dict[str, str]:
    files = ["--metadata", "metadata.json", "--template-dir", "templates", "--plugins-dir", "plugins"]
    setting_args = [a for k, v in settings().items() for a in ("--setting", k, str(v))]
    installs = [a for p in EXTRA_PLUGINS for a in ("--install", p)]
    return {
        "serve": "datasette serve .",
        "serve_explicit": shlex.join(["datasette", "serve", "-i", db_file, "--inspect-file", INSPECT_FILE,
                                      *files, *setting_args]),
        "publish": shlex.join(["datasette", "publish", "cloudrun", db_file, "--service", "clinicvet",
                               *files, *installs, "--extra-options", shlex.join(setting_args)]),
    }


def _backup(src: Path, dest: Path) -> None:
    """A consistent copy even while a crawl writes (SQLite's backup API), switched out of WAL so
    the snapshot is one self-contained file."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    target = sqlite3.connect(dest)
    try:
        source.backup(target)
        target.execute("pragma journal_mode = delete")
        target.execute("vacuum")
    finally:
        target.close()
        source.close()


def _provenance_html(db: Path) -> str:
    conn = sqlite3.connect(f"file:{db}?immutable=1", uri=True)
    try:
        row = conn.execute("select id, finished_at from crawls where finished_at is not null "
                           "order by id desc limit 1").fetchone()
    finally:
        conn.close()
    if row is None:
        return ""
    return f"\n<p>Snapshot of the data as of crawl {row[0]}, finished {row[1]} (UTC).</p>"


def _inspect(db: Path, out: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "datasette", "inspect", db.name, "--inspect-file", out.name],
                            cwd=db.parent, capture_output=True, text=True)
    if result.returncode:
        raise PublishError(f"datasette inspect failed: {result.stderr.strip()[-500:]}")
