"""Reports from a clinicvet database, for spreadsheets and papers.

Two shapes: one row per clinic (facts, score, tier, the ten flags, one evidence URL per set flag),
or with `summary` one row per state (clinics, and per flag the count and percentage set) plus an
"all" row — the table a paper prints. Either as CSV, XLSX or JSON.

Reproducible: rows are ordered by score, name and id (states alphabetically), carry no
timestamps, and the XLSX file's zip dates and document properties are fixed, so the same database
and options always give the same bytes. Provenance is a column, not a comment line that CSV
readers choke on: `crawl_id` is the crawl that last updated the clinic (see the `crawls` table);
a summary row lists its clinics' crawl ids in `crawl_ids`.
"""

import csv
import io
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from scoring import FLAGS, NO_KETAMINE_TIER

BASE_COLUMNS = ["name", "website", "phone", "city", "state", "score", "tier"]
CLINIC_COLUMNS = BASE_COLUMNS + list(FLAGS) + [f"{f}_evidence_url" for f in FLAGS] + ["clinic_id", "crawl_id"]
SUMMARY_COLUMNS = (["state", "clinics"] + [c for f in FLAGS for c in (f, f"{f}_pct")]
                   + ["mean_score", "crawl_ids"])
ALL_STATES = "all"  # the summary's total row
UNKNOWN_STATE = "unknown"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "1980-01-01T00:00:00Z"


@dataclass(frozen=True)
class ReportFilter:
    """Which clinics a report covers: any of `states`, any of `tiers`, all of `flags` set, and a
    minimum score. Clinics never scored (no tier) are always left out."""
    states: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    min_score: int | None = None

    def sql(self) -> tuple[str, list]:
        clauses, params = ["tier is not null"], []
        if self.states:
            clauses.append(f"upper(state) in ({', '.join('?' * len(self.states))})")
            params += [s.upper() for s in self.states]
        if self.tiers:
            clauses.append(f"tier in ({', '.join('?' * len(self.tiers))})")
            params += list(self.tiers)
        for flag in self.flags:
            if flag not in FLAGS:
                raise ValueError(f"unknown flag {flag!r}")
            clauses.append(f"[{flag}] = 1")
        if self.min_score is not None:
            clauses.append("score >= ?")
            params.append(self.min_score)
        return " and ".join(clauses), params


def report_rows(db_path: str | Path, where: ReportFilter = ReportFilter()):
    """One dict per clinic, in CLINIC_COLUMNS order."""
    conn = _connect(db_path)
    try:
        evidence = {(r["clinic_id"], r["flag"]): r["url"] for r in conn.execute(
            "select clinic_id, flag, min(page_url) as url from evidence group by clinic_id, flag")}
        condition, params = where.sql()
        cols = ", ".join(["id", "last_crawl_id"] + BASE_COLUMNS + list(FLAGS))
        for row in conn.execute(
            f"select {cols} from clinics where {condition} order by score desc, name, id", params
        ):
            out = {c: row[c] for c in BASE_COLUMNS + list(FLAGS)}
            for flag in FLAGS:
                out[f"{flag}_evidence_url"] = evidence.get((row["id"], flag), "") if row[flag] else ""
            out["clinic_id"], out["crawl_id"] = row["id"], row["last_crawl_id"]
            yield out
    finally:
        conn.close()


def summary_rows(db_path: str | Path, where: ReportFilter = ReportFilter()) -> list[dict]:
    """One dict per state (alphabetical, then "unknown"), then the "all" row. Sites that offer no
    ketamine care are no part of the market a summary describes, unless their tier is asked for."""
    groups: dict[str, list] = {}
    for row in report_rows(db_path, where):
        if row["tier"] == NO_KETAMINE_TIER and NO_KETAMINE_TIER not in where.tiers:
            continue
        groups.setdefault(row["state"] or UNKNOWN_STATE, []).append(row)
    states = sorted(s for s in groups if s != UNKNOWN_STATE) + [s for s in groups if s == UNKNOWN_STATE]
    rows = [_summarise(s, groups[s]) for s in states]
    if groups:
        rows.append(_summarise(ALL_STATES, [r for s in states for r in groups[s]]))
    return rows


def _summarise(state: str, clinics: list[dict]) -> dict:
    n = len(clinics)
    out = {"state": state, "clinics": n}
    for flag in FLAGS:
        count = sum(1 for c in clinics if c[flag])
        out[flag], out[f"{flag}_pct"] = count, round(100 * count / n, 1)
    out["mean_score"] = round(sum(c["score"] or 0 for c in clinics) / n, 1)
    out["crawl_ids"] = " ".join(str(i) for i in sorted({c["crawl_id"] for c in clinics if c["crawl_id"] is not None}))
    return out


def write_report(db_path: str | Path, out: str | Path, fmt: str = "csv",
                 where: ReportFilter = ReportFilter(), summary: bool = False) -> int:
    """Write the report; returns the number of rows (clinics, or states plus the "all" row)."""
    header = SUMMARY_COLUMNS if summary else CLINIC_COLUMNS
    rows = summary_rows(db_path, where) if summary else list(report_rows(db_path, where))
    writer = {"csv": _write_csv, "json": _write_json, "xlsx": _write_xlsx}[fmt]
    data = writer(header, rows, "summary" if summary else "clinics")
    Path(out).write_bytes(data)
    return len(rows)


def _write_csv(header, rows, _title) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _write_json(header, rows, _title) -> bytes:
    """A JSON array of objects, keys in column order (pandas.read_json reads it as is)."""
    text = json.dumps([{c: r[c] for c in header} for r in rows], ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def _write_xlsx(header, rows, title) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append([row[c] for c in header])
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return _fix_zip_dates(buf.getvalue())


def _fix_zip_dates(data: bytes) -> bytes:
    """openpyxl stamps each zip entry and docProps/core.xml with the current time; fix both."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + FIXED_DOC_TIME.encode(),
                                 content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
            dst.writestr(entry, content)
    return buf.getvalue()


def _connect(db_path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn
