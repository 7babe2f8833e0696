"""End to end: `clinicvet discover` over the demo directories served on loopback (real crawls, real
SQLite), checked against the demo web's ground truth."""

import json
import sqlite3
import subprocess
import sys
from collections import defaultdict
from types import SimpleNamespace

import pytest

from crawler.discovery.cli import seeds_from_db
from crawler.seeds import SeedError, site_key
from tests.helpers import ROOT, rows


def run_discover(*args, timeout=120) -> subprocess.CompletedProcess:
    """`discover ARGS` in a fresh process, through its own module (the same click command that
    `clinicvet discover` runs once crawler/cli.py registers it)."""
    return subprocess.run([sys.executable, "-m", "crawler.discovery.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)

CONFIGS = ROOT / "data" / "directories"
# Demo directory (data/demo_web/directories/*.yml key) -> the config that reads it.
CONFIG_FOR = {"ketamine-society": "demo-society", "ketamine-finder": "demo-finder",
              "infusion-map": "demo-infusion-map"}


def _discover(web, db, *extra):
    return run_discover("--config", CONFIGS, "--db", db, "--var", f"demo_port={web.port}", *extra)


@pytest.fixture(scope="module")
def discovered(demo_web, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discover")
    db = tmp / "discovered.db"
    first = _discover(demo_web, db)
    assert first.returncode == 0, first.stderr
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    snapshot = {
        "listings": {r["id"]: r["clinic_id"] for r in conn.execute("select id, clinic_id from listings")},
        "clinics": {r["id"]: r["domain"] for r in conn.execute("select id, domain from clinics")},
    }
    conn.close()
    return SimpleNamespace(db=db, result=first, web=demo_web, first=snapshot, tmp=tmp)


def _rows(db, sql, *params):
    return rows(db, sql, params)


def _truth(web):
    """(directory config name, listed name) -> truth clinic key; and truth key -> expected host."""
    by_listing = {}
    for d in web.directories:
        for item in d["listings"]:
            by_listing[(CONFIG_FOR[d["key"]], item["name"])] = (item["clinic"], item["location"])
    for site in web.sites:  # the first directory (127.0.0.2) lists every site under its own name
        by_listing[("demo-care-finder", site["name"])] = (site["key"], "main")
    hosts = {key: (c["host"] if c["host"] else None) for key, c in web.discovery_clinics.items()}
    return by_listing, hosts


def test_every_listing_is_read(discovered):
    by_listing, _ = _truth(discovered.web)
    rows = _rows(discovered.db, "select directory, name from listings")
    assert sorted((r["directory"], r["name"]) for r in rows) == sorted(by_listing)
    assert "demo-society: 9 listings from 10 pages" in discovered.result.stderr
    assert "demo-finder: 13 listings from 3 pages" in discovered.result.stderr


def test_merged_clinics_match_ground_truth(discovered):
    by_listing, hosts = _truth(discovered.web)
    clinics = {r["id"]: r for r in _rows(discovered.db, "select * from clinics")}
    listings = _rows(discovered.db, "select * from listings")
    clinic_of_truth = defaultdict(set)
    for row in listings:
        key, _ = by_listing[(row["directory"], row["name"])]
        if hosts[key] is None:
            assert row["clinic_id"] is None, row["name"]  # no website: kept, proposes no clinic
            continue
        assert row["clinic_id"] is not None, row["name"]
        assert clinics[row["clinic_id"]]["domain"] == hosts[key], (row["directory"], row["name"])
        clinic_of_truth[key].add(row["clinic_id"])
    # no duplicate clinics: one row per true clinic ...
    assert all(len(ids) == 1 for ids in clinic_of_truth.values()), clinic_of_truth
    # ... and no wrong merges: one true clinic per row
    assert len({next(iter(ids)) for ids in clinic_of_truth.values()}) == len(clinic_of_truth)
    assert len(clinic_of_truth) == sum(1 for h in hosts.values() if h) == 24
    assert len(clinics) == 24


def test_sources_are_kept(discovered):
    sources = _rows(discovered.db, "select * from clinic_sources")
    listed = _rows(discovered.db, "select id, kind from listings where clinic_id is not null")
    assert sorted(s["listing_id"] for s in sources) == sorted(r["id"] for r in listed)
    kinds = {r["directory"]: r["kind"] for r in _rows(discovered.db, "select distinct directory, kind from listings")}
    assert kinds == {"demo-care-finder": "directory", "demo-finder": "directory", "demo-society": "directory",
                     "demo-infusion-map": "sitemap"}
    renew = _rows(discovered.db, "select s.source, s.match, l.website, l.website_final from clinic_sources s "
                                 "join listings l on l.id = s.listing_id join clinics c on c.id = s.clinic_id "
                                 "where c.name like 'Renew%'")
    assert {r["source"] for r in renew} == {"demo-care-finder", "demo-finder", "demo-society", "demo-infusion-map"}
    moved = [r for r in renew if "127.0.0.6" in r["website"]]
    assert len(moved) == 2 and all(site_key(r["website_final"]) == "127.0.0.26" for r in moved)


def test_duplicates_inside_one_directory_and_dead_website(discovered):
    zen = _rows(discovered.db, "select clinic_id from listings where directory = 'demo-finder' and name like 'Zen Drip%'")
    assert len(zen) == 2 and len({r["clinic_id"] for r in zen}) == 1
    dead = _rows(discovered.db, "select l.website_error, c.status, c.domain from listings l join clinics c "
                                "on c.id = l.clinic_id where l.name like 'Lamar%'")
    assert len(dead) == 2 and all("refused" in r["website_error"].lower() for r in dead)
    assert {(r["status"], r["domain"]) for r in dead} == {("pending", "127.0.0.7")}
    # same building as Calm Harbor, never merged with it
    harbor = _rows(discovered.db, "select id from clinics where domain = '127.0.0.12'")[0]["id"]
    assert harbor not in {r["clinic_id"] for r in _rows(discovered.db, "select clinic_id from listings where name like 'Lamar%'")}


def test_multi_location_clinic(discovered):
    (lakeshore,) = _rows(discovered.db, "select id from clinics where domain = '127.0.0.20'")
    locations = _rows(discovered.db, "select * from locations where clinic_id = ? order by city", lakeshore["id"])
    assert [(loc["city"], loc["phone"], loc["listings"]) for loc in locations] == [
        ("Chicago", "+13125550127", 2), ("Evanston", "+18475550127", 2)]
    evanston = _rows(discovered.db, "select l.location_id from listings l where l.name like 'Lakeshore%Evanston'")
    assert {r["location_id"] for r in evanston} == {next(loc["id"] for loc in locations if loc["city"] == "Evanston")}


def test_directory_claims_are_the_directorys_own(discovered):
    claims = _rows(discovered.db, "select d.directory, d.claim from directory_claims d join clinics c "
                                  "on c.id = d.clinic_id where c.domain = '127.0.0.12' order by 1, 2")
    assert claims == [
        {"directory": "demo-finder", "claim": "Physician-owned"},
        {"directory": "demo-finder", "claim": "Top rated"},
        {"directory": "demo-infusion-map", "claim": "Board-certified anesthesiologist"},
        {"directory": "demo-society", "claim": "Board-certified anesthesiologist (MD)"},
        {"directory": "demo-society", "claim": "Physician-owned"},
    ]
    # the clinic's own flags are the crawl's business: discovery sets none
    assert _rows(discovered.db, "select certified_staff, score from clinics where domain = '127.0.0.12'") == [
        {"certified_staff": None, "score": None}]
    # fields a config names beyond the known ones stay in the listing's raw fields
    raw = _rows(discovered.db, "select raw from listings where directory = 'demo-care-finder' and name like 'Zen%'")
    assert json.loads(raw[0]["raw"])["description"] == "IV bar with vitamin and ketamine drips."


def test_seeds_from_db(discovered):
    seeds = seeds_from_db(discovered.db)
    assert len(seeds) == 24
    hosts = {site_key(s.url) for s in seeds}
    assert hosts == {s["host"] for s in discovered.web.sites} | {"127.0.0.7"}
    assert all(s.url.endswith(f":{discovered.web.port}/") for s in seeds)
    with pytest.raises(SeedError, match="database not found"):
        seeds_from_db(discovered.tmp / "missing.db")


def test_rerun_with_seeds_is_idempotent_and_adds_seed_sources(discovered, tmp_path):
    seeds = tmp_path / "seeds.csv"
    discovered.web.write_seeds(seeds)
    again = _discover(discovered.web, discovered.db, "--seeds", seeds)
    assert again.returncode == 0, again.stderr
    listings = {r["id"]: r["clinic_id"] for r in _rows(discovered.db, "select id, clinic_id, kind from listings where kind != 'seed'")}
    assert listings == discovered.first["listings"]  # same rows, same clinics
    assert {r["id"]: r["domain"] for r in _rows(discovered.db, "select id, domain from clinics")} == discovered.first["clinics"]
    seed_sources = _rows(discovered.db, "select clinic_id, match from clinic_sources where kind = 'seed'")
    assert len(seed_sources) == 23 and len({r["clinic_id"] for r in seed_sources}) == 23
    runs = _rows(discovered.db, "select status, clinics from discovery_runs order by id")
    assert runs == [{"status": "finished", "clinics": 24}, {"status": "finished", "clinics": 24}]


def test_errors_are_one_line(tmp_path, demo_web):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: bad\nstart_urls: [http://127.0.0.3/]\nentries: 'td..x'\nfields: {name: td, phone: td}\n")
    result = run_discover("--config", bad, "--db", tmp_path / "x.db")
    assert result.returncode == 1
    assert result.stderr.strip().startswith(f"Error: {bad}: entries: invalid CSS selector 'td..x': ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.db").exists()  # nothing written before the config is known good
    missing = run_discover("--config", CONFIGS / "demo-society.yml", "--db", tmp_path / "x.db")
    assert missing.returncode == 1
    assert missing.stderr.strip() == (f"Error: {CONFIGS / 'demo-society.yml'}: start_urls: placeholder {{demo_port}} "
                                      "has no value (give --var demo_port=VALUE)")
    empty = tmp_path / "empty.yml"
    empty.write_text(f"name: empty\nstart_urls: ['http://127.0.0.3:{demo_web.port}/no-such-page/']\n"
                     "entries: tr\nfields: {name: td, phone: td}\n")
    nothing = run_discover("--config", empty, "--db", tmp_path / "y.db")
    assert nothing.returncode == 1 and "Error: no listing found in empty" in nothing.stderr
