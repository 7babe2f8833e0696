"""`clinicvet report`: filters, CSV/XLSX/JSON, the per-state summary, provenance, same bytes twice."""

import csv
import json
import sqlite3
import zipfile

from openpyxl import load_workbook

from crawler.report import CLINIC_COLUMNS, SUMMARY_COLUMNS, ReportFilter, summary_rows, write_report
from scoring import FLAGS
from tests.helpers import run_cli


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ids(db, sql, params=()):
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute(f"select id from clinics where tier is not null and {sql}", params))
    finally:
        conn.close()


def test_cli_filters_and_provenance(demo_crawl, tmp_path):
    db = demo_crawl.db
    out = tmp_path / "r.csv"
    result = run_cli("report", "--db", db, "--out", out, "--flag", "screening", "--flag", "certified_staff",
                     "--min-score", "60", "--tier", "meets-basics", "--tier", "incomplete")
    assert result.returncode == 0, result.stderr
    table = rows_of(out)
    assert sorted(int(r["clinic_id"]) for r in table) == ids(
        db, "screening = 1 and certified_staff = 1 and score >= 60 and tier in ('meets-basics', 'incomplete')")
    assert table and list(table[0]) == CLINIC_COLUMNS
    [(crawl,)] = sqlite3.connect(db).execute("select max(id) from crawls").fetchall()
    assert {r["crawl_id"] for r in table} == {str(crawl)}


def test_state_filter_is_case_insensitive(demo_crawl, tmp_path):
    [(state,)] = sqlite3.connect(demo_crawl.db).execute(
        "select state from clinics where state is not null group by state order by count(*) desc, state limit 1")
    write_report(demo_crawl.db, tmp_path / "s.csv", where=ReportFilter(states=(state.lower(),)))
    table = rows_of(tmp_path / "s.csv")
    assert sorted(int(r["clinic_id"]) for r in table) == ids(demo_crawl.db, "state = ?", [state])


def test_unknown_flag_is_a_usage_error(demo_crawl, tmp_path):
    result = run_cli("report", "--db", demo_crawl.db, "--out", tmp_path / "r.csv", "--flag", "friendly")
    assert result.returncode == 2 and "friendly" in result.stderr


def test_summary_counts_and_percentages_by_state(demo_crawl, tmp_path):
    out = tmp_path / "summary.csv"
    assert write_report(demo_crawl.db, out, summary=True) == len(summary_rows(demo_crawl.db))
    table = rows_of(out)
    assert list(table[0]) == SUMMARY_COLUMNS
    *states, total = table
    assert total["state"] == "all" and int(total["clinics"]) == len(ids(demo_crawl.db, "1"))
    assert [r["state"] for r in states] == sorted(r["state"] for r in states)
    assert sum(int(r["clinics"]) for r in states) == int(total["clinics"])
    for flag in FLAGS:
        count = len(ids(demo_crawl.db, f"[{flag}] = 1"))
        assert int(total[flag]) == count
        assert float(total[f"{flag}_pct"]) == round(100 * count / int(total["clinics"]), 1)


def test_summary_leaves_out_sites_that_offer_no_ketamine_care(demo_crawl, tmp_path):
    # A copy of the demo database with one clinic re-tiered as a site offering no ketamine care.
    db = tmp_path / "copy.db"
    with sqlite3.connect(demo_crawl.db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
        clinic = dst.execute("select id from clinics where tier is not null order by id").fetchone()[0]
        dst.execute("update clinics set tier = 'no-ketamine-service' where id = ?", [clinic])
    total = summary_rows(db)[-1]
    assert total["clinics"] == len(ids(demo_crawl.db, "1")) - 1
    asked = summary_rows(db, ReportFilter(tiers=("no-ketamine-service",)))
    assert asked[-1]["clinics"] == 1


def test_xlsx_and_json_hold_the_same_rows(demo_crawl, tmp_path):
    write_report(demo_crawl.db, tmp_path / "r.csv")
    csv_rows = rows_of(tmp_path / "r.csv")
    result = run_cli("report", "--db", demo_crawl.db, "--out", tmp_path / "r.xlsx")  # format from the suffix
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(tmp_path / "r.xlsx").active
    values = list(sheet.values)
    assert list(values[0]) == CLINIC_COLUMNS and len(values) == len(csv_rows) + 1
    assert [r[0] for r in values[1:]] == [r["name"] for r in csv_rows]
    write_report(demo_crawl.db, tmp_path / "r.json", fmt="json")
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in data] == [r["name"] for r in csv_rows] and list(data[0]) == CLINIC_COLUMNS


def test_every_format_is_byte_for_byte_reproducible(demo_crawl, tmp_path):
    for fmt in ("csv", "xlsx", "json"):
        for summary in (False, True):
            a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
            write_report(demo_crawl.db, a, fmt=fmt, summary=summary)
            write_report(demo_crawl.db, b, fmt=fmt, summary=summary)
            assert a.read_bytes() == b.read_bytes(), (fmt, summary)
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:  # no clock inside the workbook
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in z.read("docProps/core.xml")
