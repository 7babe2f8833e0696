"""Every command, including its errors: one line, non-zero exit, no traceback, no data lost."""

import csv
import json

import pytest

from tests.helpers import ROOT, assert_one_line_error, run_cli
from scoring import FLAGS

FILES = ROOT / "tests" / "files"


def test_crawl_missing_seeds_file(tmp_path):
    assert_one_line_error(run_cli("crawl", "--seeds", tmp_path / "nope.csv", "--db", tmp_path / "x.db"),
                          "seeds file not found")


def test_crawl_bad_csv(tmp_path):
    seeds = tmp_path / "s.csv"
    seeds.write_text("name,homepage\nA,https://a.example/\n")
    assert_one_line_error(run_cli("crawl", "--seeds", seeds, "--db", tmp_path / "x.db"), "no 'url' column")
    seeds.write_bytes(b"url\n\xff\xfe\x00garbage\n")
    assert_one_line_error(run_cli("crawl", "--seeds", seeds, "--db", tmp_path / "x.db"), "not UTF-8")


@pytest.mark.parametrize("db", ["missing-dir/x.db", "."])
def test_crawl_unwritable_db_path(tmp_path, db):
    seeds = tmp_path / "s.csv"
    seeds.write_text("url\nhttp://127.0.0.1:9/\n")
    assert_one_line_error(run_cli("crawl", "--seeds", seeds, "--db", tmp_path / db), str(tmp_path))


def test_crawl_refuses_a_file_that_is_not_a_database_and_leaves_it_alone(tmp_path):
    seeds = tmp_path / "s.csv"
    seeds.write_text("url\nhttp://127.0.0.1:9/\n")
    precious = tmp_path / "notes.db"
    precious.write_text("my notes, not a database")
    assert_one_line_error(run_cli("crawl", "--seeds", seeds, "--db", precious), "not an SQLite database")
    assert precious.read_text() == "my notes, not a database"


def test_crawl_of_unreachable_sites_fails_cleanly(tmp_path):
    seeds = tmp_path / "s.csv"
    seeds.write_text("url\nhttp://127.0.0.1:9/\n")  # discard port: connection refused
    db = tmp_path / "x.db"
    result = run_cli("crawl", "--seeds", seeds, "--db", db, "--progress-interval", "0")
    assert_one_line_error(result, "no site could be crawled")
    import sqlite3
    conn = sqlite3.connect(db)
    status, error = conn.execute("select status, last_error from clinics").fetchone()
    assert status == "unreachable" and "refused" in error.lower()


def test_benchmark_profile_is_refused_for_a_public_site_and_applied_on_a_local_one(tmp_path):
    seeds = tmp_path / "s.csv"
    seeds.write_text("url\nhttp://127.0.0.1:9/\nhttps://calm-harbor-ketamine.com/\n")
    db = tmp_path / "x.db"
    assert_one_line_error(run_cli("crawl", "--benchmark", "--seeds", seeds, "--db", db),
                          "1 seed(s) are not on a loopback or private address or a .test name, "
                          "e.g. https://calm-harbor-ketamine.com/")
    assert not db.exists()  # refused before anything was written
    seeds.write_text("url\nhttp://127.0.0.1:9/\n")  # connection refused: the crawl ends at once
    result = run_cli("crawl", "--benchmark", "--seeds", seeds, "--db", db, "--progress-interval", "0",
                     "--set", "CONCURRENT_REQUESTS=8")
    assert_one_line_error(result, "no site could be crawled")
    log = (tmp_path / "x.db.log").read_text()
    overridden = log[log.index("Overridden settings"):][:2000]
    # The profile's values where crawler/settings.py says otherwise, and --set still wins.
    assert "'CONCURRENT_REQUESTS_PER_DOMAIN': 4" in overridden and "'CONCURRENT_REQUESTS': '8'" in overridden
    assert "'RETRY_ENABLED': False" in overridden
    assert "'AUTOTHROTTLE_ENABLED'" not in overridden  # back to Scrapy's default, off (the project's is on)


def test_score_html_file_as_json():
    result = run_cli("score", "--json", FILES / "wordpress_home.html")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["flags"]) == list(FLAGS)
    assert data["flags"]["certified_staff"]["present"] is True  # JSON-LD "Physician-supervised"
    assert data["tier"] in {"meets-basics", "incomplete", "red-flags", "not-enough-info"}


def test_score_several_files_as_one_clinic(tmp_path):
    (tmp_path / "a.txt").write_text("Every patient completes a psychiatric evaluation before treatment.")
    (tmp_path / "b.txt").write_text("Infusions are given by our board-certified anesthesiologists.")
    result = run_cli("score", tmp_path / "a.txt", tmp_path / "b.txt")
    assert result.returncode == 0, result.stderr
    assert "[x] screening" in result.stdout and "[x] certified_staff" in result.stdout


def test_score_batch(tmp_path):
    batch = tmp_path / "in.jsonl"
    batch.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "url": "https://a.example/", "text": "Ketamine is not addictive."},
        {"id": 7, "url": "https://b.example/", "html": "<p>We monitor your blood pressure throughout.</p>"},
    ]) + "\n")
    result = run_cli("score", "--batch", batch)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 7]
    assert out[0]["flags"]["claims_nonaddictive"] == {
        "present": True, "evidence": [{"url": "https://a.example/", "snippet": "Ketamine is not addictive.", "source": "rules"}]}
    assert out[1]["flags"]["medical_monitoring"]["present"] is True
    assert all(list(o["flags"]) == list(FLAGS) for o in out)
    assert {"score", "tier"} <= set(out[0])


@pytest.mark.parametrize("content, message", [
    ('{"id": 1, "text": "ok"}\nnot json\n', "in.jsonl:2: not valid JSON"),
    ('{"id": 1}\n', 'in.jsonl:1: needs an "html" or "text" string'),
])
def test_score_batch_bad_lines(tmp_path, content, message):
    batch = tmp_path / "in.jsonl"
    batch.write_text(content)
    assert_one_line_error(run_cli("score", "--batch", batch), message)


def test_score_missing_file(tmp_path):
    assert_one_line_error(run_cli("score", tmp_path / "gone.html"), "cannot read")


def test_score_with_a_broken_rule_file(tmp_path):
    rules = tmp_path / "rules.yml"
    rules.write_text("flags: [")
    assert_one_line_error(run_cli("score", "--rules", rules, FILES / "wordpress_home.html"), "not valid YAML")


def test_report(demo_crawl, tmp_path):
    out = tmp_path / "report.csv"
    result = run_cli("report", "--db", demo_crawl.db, "--out", out)
    assert result.returncode == 0, result.stderr
    with open(out, newline="") as f:
        reader = csv.DictReader(f)
        table = list(reader)
    assert reader.fieldnames[:7] == ["name", "website", "phone", "city", "state", "score", "tier"]
    assert len(table) == len(demo_crawl.web.sites)
    assert [int(r["score"]) for r in table] == sorted((int(r["score"]) for r in table), reverse=True)
    for row in table:
        for flag in FLAGS:
            assert bool(row[f"{flag}_evidence_url"]) == (row[flag] == "1")
    again = tmp_path / "again.csv"
    run_cli("report", "--db", demo_crawl.db, "--out", again)
    assert again.read_bytes() == out.read_bytes()


def test_report_errors(tmp_path):
    assert_one_line_error(run_cli("report", "--db", tmp_path / "none.db", "--out", tmp_path / "r.csv"),
                          "database not found")
    other = tmp_path / "other.db"
    import sqlite3
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    assert_one_line_error(run_cli("report", "--db", other, "--out", tmp_path / "r.csv"), "not a clinicvet database")


def test_serve_missing_db(tmp_path):
    assert_one_line_error(run_cli("serve", "--db", tmp_path / "none.db"), "database not found")


def test_eval_prints_per_flag_scores(tmp_path):
    corpus = tmp_path / "c.jsonl"
    labels = {f: 0 for f in FLAGS}
    corpus.write_text("\n".join(json.dumps(r) for r in [
        {"id": "p1", "text": "Ketamine cured my depression!", "labels": {**labels, "overclaiming": 1}},
        {"id": "p2", "text": "We monitor your vital signs throughout.", "labels": labels},
    ]) + "\n")
    result = run_cli("eval", corpus)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("overclaiming"))
    assert line.split()[1:4] == ["1.000", "1.000", "1.000"]
    assert "FP medical_monitoring" in result.stdout and "p2" in result.stdout
