"""CSV reports from a clinicvet database: one row per clinic, one evidence URL per set flag.

Rows are ordered by score, then name, then id, and carry no timestamps, so the same database
always gives the same bytes.
"""

import csv
import sqlite3
from pathlib import Path

from scoring import FLAGS

BASE_COLUMNS = ["name", "website", "phone", "city", "state", "score", "tier"]


def report_rows(db_path: str | Path):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        evidence = {}
        for row in conn.execute(
            "select clinic_id, flag, min(page_url) as url from evidence group by clinic_id, flag"
        ):
            evidence[(row["clinic_id"], row["flag"])] = row["url"]
        cols = ", ".join(["id"] + BASE_COLUMNS + list(FLAGS))
        for row in conn.execute(
            f"select {cols} from clinics where tier is not null order by score desc, name, id"
        ):
            out = {c: row[c] for c in BASE_COLUMNS + list(FLAGS)}
            for flag in FLAGS:
                out[f"{flag}_evidence_url"] = evidence.get((row["id"], flag), "") if row[flag] else ""
            yield out
    finally:
        conn.close()


def write_report(db_path: str | Path, out: str | Path) -> int:
    header = BASE_COLUMNS + list(FLAGS) + [f"{f}_evidence_url" for f in FLAGS]
    n = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        for row in report_rows(db_path):
            writer.writerow(row)
            n += 1
    return n
