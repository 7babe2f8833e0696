"""`clinicvet publish`: an immutable snapshot directory that Datasette serves as is."""

import json
import sqlite3
import subprocess
import sys
import time

import httpx

from crawler.publish import metadata_for
from tests.helpers import free_port, run_cli


def test_publish_writes_a_servable_immutable_snapshot(demo_crawl, tmp_path):
    out = tmp_path / "site"
    result = run_cli("publish", "--db", demo_crawl.db, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "datasette publish cloudrun demo.db" in result.stdout and "--inspect-file inspect-data.json" in result.stdout
    names = {p.name for p in out.iterdir()}
    assert {"demo.db", "metadata.json", "settings.json", "inspect-data.json", "templates", "plugins"} <= names
    assert not (out / "demo.db-wal").exists()
    meta = json.loads((out / "metadata.json").read_text())
    assert list(meta["databases"]) == ["demo"] and "Snapshot of the data as of crawl" in meta["description_html"]
    inspect = json.loads((out / "inspect-data.json").read_text())
    src = sqlite3.connect(demo_crawl.db)
    assert inspect["demo"]["tables"]["clinics"]["count"] == src.execute("select count(*) from clinics").fetchone()[0]
    snap = sqlite3.connect(out / "demo.db")
    assert snap.execute("pragma journal_mode").fetchone()[0] == "delete"
    assert snap.execute("select * from evidence order by id").fetchall() == src.execute(
        "select * from evidence order by id").fetchall()
    # config-directory mode, as the printed `datasette serve .` does: immutable, with our pages
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", ".", "--port", str(port)], cwd=out,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        dbs, deadline = None, time.monotonic() + 30
        while dbs is None and proc.poll() is None and time.monotonic() < deadline:
            try:
                dbs = httpx.get(f"{base}/-/databases.json").json()
            except httpx.HTTPError:
                time.sleep(0.1)
        assert dbs is not None, "datasette serve . did not start"
        assert [(d["name"], d["is_mutable"]) for d in dbs] == [("demo", False)]
        assert 'class="clinic-card"' in httpx.get(f"{base}/demo/clinics/1").text
    finally:
        proc.terminate()
        proc.wait(10)


def test_publish_never_overwrites(demo_crawl, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("keep")
    result = run_cli("publish", "--db", demo_crawl.db, "--out", tmp_path / "taken")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "not an empty directory" in result.stderr
    assert (tmp_path / "taken" / "x").read_text() == "keep"


def test_metadata_fits_an_older_schema(demo_crawl, tmp_path):
    """Facets on columns and canned queries on tables a database lacks are left out, not broken."""
    old = tmp_path / "old.db"
    src, dst = sqlite3.connect(demo_crawl.db), sqlite3.connect(old)
    src.backup(dst)
    dst.execute("alter table clinics drop column services")
    dst.execute("drop table if exists clinic_history")
    dst.commit()
    entry = metadata_for(old)["databases"]["old"]
    facets = entry["tables"]["clinics"]["facets"]
    assert "state" in facets and {"array": "conditions"} in facets and {"array": "services"} not in facets
    assert "what_changed" not in entry["queries"] and "tiers_by_state" in entry["queries"]
    assert not any(q.get("write") for q in entry["queries"].values())  # served read-only
