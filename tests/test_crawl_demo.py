"""A real crawl of the demo web over loopback, checked against each site's ground truth."""

import shutil
from urllib.parse import urlsplit

import sqlite_utils

from tests.helpers import rows, run_cli
from scoring import FLAGS


def clinics_by_host(db):
    return {r["domain"]: r for r in rows(db, "select * from clinics")}


def test_crawl_reports_progress_and_summary(demo_crawl):
    n = len(demo_crawl.web.sites)
    assert f"sites {n}/{n} done" in demo_crawl.result.stderr
    assert "clinics scored" in demo_crawl.result.stderr


def test_every_demo_clinic_matches_its_ground_truth_flags(demo_crawl):
    clinics = clinics_by_host(demo_crawl.db)
    wrong = []
    for site in demo_crawl.web.sites:
        row = clinics[site["host"]]
        for flag in FLAGS:
            if row[flag] != site["truth"]["flags"][flag]:
                wrong.append(f"{site['key']}: {flag} is {row[flag]}, truth {site['truth']['flags'][flag]}")
    assert wrong == []


def test_every_demo_clinic_has_its_facts(demo_crawl):
    clinics = clinics_by_host(demo_crawl.db)
    wrong = []
    for site in demo_crawl.web.sites:
        row, truth = clinics[site["host"]], site["truth"]["facts"]
        for field in ("phone", "city", "state", "postcode"):
            if str(row[field]) != str(truth[field]):
                wrong.append(f"{site['key']}: {field} {row[field]!r} != {truth[field]!r}")
    assert wrong == []


def test_set_flags_carry_evidence_on_stored_pages(demo_crawl):
    db = demo_crawl.db
    for clinic in rows(db, "select * from clinics"):
        flags_with_evidence = {r["flag"] for r in rows(db, "select flag from evidence where clinic_id = ?", [clinic["id"]])}
        assert flags_with_evidence == {f for f in FLAGS if clinic[f]}, clinic["name"]
    orphans = rows(db, "select * from evidence where page_url not in (select url from pages)")
    assert orphans == []


def test_robots_txt_is_obeyed_and_links_stay_on_site(demo_crawl):
    by_id = {r["id"]: r for r in rows(demo_crawl.db, "select id, domain from clinics")}
    disallowed = {s["host"]: s["disallowed"] for s in demo_crawl.web.sites}
    assert any(disallowed.values()), "the demo web should disallow something"
    for page in rows(demo_crawl.db, "select url, clinic_id from pages"):
        parts = urlsplit(page["url"])
        host = by_id[page["clinic_id"]]["domain"]
        assert parts.hostname == host, page["url"]
        assert not any(parts.path.startswith(d) for d in disallowed[host]), page["url"]


def test_pages_only_the_sitemap_lists_are_crawled(demo_crawl):
    # cedar-grove's /new-patients/ is linked from no page; its sitemap.xml lists it.
    cedar = next(s for s in demo_crawl.web.sites if s["key"] == "cedar-grove")
    urls = {r["url"] for r in rows(demo_crawl.db, "select url from pages")}
    assert cedar["url"] + "new-patients/" in urls
    assert (cedar["host"], "/sitemap.xml") in demo_crawl.web.requests
    assert (cedar["host"], "/sitemap_index.xml") not in demo_crawl.web.requests  # only when sitemap.xml fails
    assert not any(u.endswith("sitemap.xml") for u in urls)  # read for links, not stored as a page


def test_schema_is_the_documented_contract(demo_crawl):
    db = sqlite_utils.Database(demo_crawl.db)
    clinic_cols = set(db["clinics"].columns_dict)
    assert {"id", "name", "website", "domain", "phone", "email", "address", "city", "state", "postcode",
            "score", "tier", "pages_crawled", "last_crawled", *FLAGS} <= clinic_cols
    assert {"clinic_id", "url", "status", "title", "text", "fetched_at"} <= set(db["pages"].columns_dict)
    assert {"clinic_id", "flag", "page_url", "snippet"} <= set(db["evidence"].columns_dict)
    assert {"id", "started_at", "finished_at", "pages"} <= set(db["crawls"].columns_dict)
    assert {(fk.column, fk.other_table) for fk in db["pages"].foreign_keys} >= {("clinic_id", "clinics")}
    assert {(fk.column, fk.other_table) for fk in db["evidence"].foreign_keys} >= {("clinic_id", "clinics")}
    assert db["pages"].detect_fts() == "pages_fts" and db["evidence"].detect_fts() == "evidence_fts"
    assert any(i.columns == ["domain"] and i.unique for i in db["clinics"].indexes)
    assert db.execute("select count(*) from pages_fts where pages_fts match 'ketamine'").fetchone()[0] > 0
    for flag in FLAGS:
        assert db.execute(f"select count(*) from clinics where {flag} not in (0, 1)").fetchone()[0] == 0


def test_page_budget_is_held(demo_web, tmp_path):
    seeds = tmp_path / "seeds.csv"
    demo_web.write_seeds(seeds)
    db = tmp_path / "budget.db"
    result = run_cli("crawl", "--seeds", seeds, "--db", db, "--max-pages", "2", "--progress-interval", "0")
    assert result.returncode == 0, result.stderr
    counts = rows(db, "select clinic_id, count(*) as n from pages group by clinic_id")
    assert counts and max(r["n"] for r in counts) <= 2
    assert max(r["pages_crawled"] for r in rows(db, "select pages_crawled from clinics")) <= 2


def test_recrawl_updates_in_place(demo_crawl, tmp_path):
    db = tmp_path / "again.db"
    shutil.copy(demo_crawl.db, db)
    before = rows(db, "select id, domain, score from clinics order by id")
    pages_before = rows(db, "select count(*) as n from pages")[0]["n"]
    result = run_cli("crawl", "--seeds", demo_crawl.seeds, "--db", db, "--progress-interval", "0")
    assert result.returncode == 0, result.stderr
    after = rows(db, "select id, domain, score from clinics order by id")
    assert after == before
    assert rows(db, "select count(*) as n from pages")[0]["n"] == pages_before
    assert [r["status"] for r in rows(db, "select status from crawls order by id")] == ["finished", "finished"]


def test_staff_services_and_conditions_are_stored(demo_crawl):
    import json
    staff = rows(demo_crawl.db, "select s.*, c.domain from staff s join clinics c on c.id = s.clinic_id")
    assert len(staff) >= 10
    assert all(s["page_url"].startswith("http") for s in staff)
    assert any("CRNA" in s["credentials"] for s in staff)
    assert any(s["credentials"] == "DC" for s in staff)  # kept, and does not make certified_staff
    for clinic in rows(demo_crawl.db, "select services, conditions from clinics"):
        assert isinstance(json.loads(clinic["services"]), list)
        assert isinstance(json.loads(clinic["conditions"]), list)
    with_services = rows(demo_crawl.db, "select count(*) as n from clinics where services like '%IV infusion%'")
    assert with_services[0]["n"] >= 5


def test_clinicvet_demo_discovers_crawls_and_scores(tmp_path):
    """The README's quick start, without serving: clinics come from the demo directories."""
    from crawler.demoweb import DemoWeb

    db = tmp_path / "demo.db"
    result = run_cli("demo", "--no-serve", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "53 listings -> 24 clinics" in result.stderr
    clinics = clinics_by_host(db)
    with DemoWeb(port=0) as web:  # the ground truth; hosts do not depend on the port
        truth = {s["host"]: s["truth"]["flags"] for s in web.sites}
    wrong = [f"{host}: {flag}" for host, flags in truth.items() for flag in FLAGS
             if clinics[host][flag] != flags[flag]]
    assert wrong == []
    assert sum(1 for c in clinics.values() if c["status"] == "unreachable") == 1  # the dead website
    sources = rows(db, "select clinic_id, count(*) as n from clinic_sources group by clinic_id")
    assert len(sources) == 24 and max(r["n"] for r in sources) >= 3
