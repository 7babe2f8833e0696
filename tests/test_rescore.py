"""`clinicvet rescore` re-applies a rule file to stored pages, with no network."""

import shutil
import sqlite3

import yaml

from scoring.rules import DEFAULT_RULES
from tests.helpers import run_cli


def table(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_rescore_with_the_same_rules_reproduces_the_crawl(demo_crawl, tmp_path):
    db = tmp_path / "same.db"
    shutil.copy(demo_crawl.db, db)
    before = table(db, "select id, score, tier, screening, overclaiming from clinics order by id")
    evidence = table(db, "select clinic_id, flag, snippet from evidence order by 1, 2, 3")
    staff = table(db, "select clinic_id, name, credentials, role, page_url from staff order by 1, 2")
    # willow-creek's consulting physician is named only in its JSON-LD, not in any page's text.
    assert ("Miriam Castellanos", "MD") in [(name, cred) for _, name, cred, _, _ in staff]
    result = run_cli("rescore", "--db", db)
    assert result.returncode == 0, result.stderr
    assert "0 changed" in result.stderr
    assert table(db, "select id, score, tier, screening, overclaiming from clinics order by id") == before
    assert table(db, "select clinic_id, flag, snippet from evidence order by 1, 2, 3") == evidence
    assert table(db, "select clinic_id, name, credentials, role, page_url from staff order by 1, 2") == staff


def test_rescore_reads_staff_from_the_text_where_the_memo_is_from_other_code(demo_crawl, tmp_path):
    db = tmp_path / "oldmemo.db"
    shutil.copy(demo_crawl.db, db)
    staff = table(db, "select name from staff order by 1")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("update page_memo set extract_version = 'older-clinicvet'")
    conn.close()
    result = run_cli("rescore", "--db", db)
    assert result.returncode == 0, result.stderr
    # The text's people come back; the one only the JSON-LD named waits for the next crawl.
    assert table(db, "select name from staff order by 1") == [n for n in staff if n != ("Miriam Castellanos",)]


def test_rescore_applies_new_weights_and_records_history(demo_crawl, tmp_path):
    db = tmp_path / "weights.db"
    shutil.copy(demo_crawl.db, db)
    rules = yaml.safe_load(DEFAULT_RULES.read_text())
    rules["weights"]["screening"] = 0
    rules_path = tmp_path / "rules.yml"
    rules_path.write_text(yaml.safe_dump(rules))
    before = dict(table(db, "select id, score from clinics where screening = 1 and tier != 'red-flags'"))
    result = run_cli("rescore", "--db", db, "--rules", rules_path)
    assert result.returncode == 0, result.stderr
    after = dict(table(db, "select id, score from clinics where screening = 1 and tier != 'red-flags'"))
    assert before and all(after[i] == before[i] - 25 for i in before)
    kinds = [k for (k,) in table(db, "select kind from crawls order by id")]
    assert kinds == ["crawl", "rescore"]
    runs = table(db, "select crawl_id, count(*) from clinic_history group by crawl_id order by crawl_id")
    n = len(demo_crawl.web.sites)
    assert [count for _, count in runs] == [n, n]  # every clinic, once per run
    # A second rescore still finds the pages of the last crawl.
    again = run_cli("rescore", "--db", db, "--rules", rules_path)
    assert again.returncode == 0 and "0 changed" in again.stderr


def test_rescore_errors(tmp_path):
    result = run_cli("rescore", "--db", tmp_path / "none.db")
    assert result.returncode != 0 and "database not found" in result.stderr
