"""The SQLite store: the schema researchers query, written with sqlite-utils.

All writes of one clinic (its row and its evidence) happen in one transaction, and pages are
written in batches, so Datasette (reading through WAL) never sees a half-written clinic and a
crawl that dies leaves the previous data intact.
"""

import json
import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from scoring import FLAGS, ClinicScore


class StoreError(Exception):
    """The database cannot be opened or written."""


CLINIC_COLUMNS = {
    "id": int, "name": str, "website": str, "domain": str, "phone": str, "email": str,
    "address": str, "city": str, "state": str, "postcode": str, "latitude": float,
    "longitude": float, "score": int, "tier": str,
    **{flag: int for flag in FLAGS},
    "services": str, "conditions": str,
    "pages_crawled": int, "words": int, "status": str, "last_error": str,
    "last_crawled": str, "last_crawl_id": int, "first_seen": str,
}


STAFF_COLUMNS = ("name", "credentials", "role", "page_url")  # what the store writes of a staff member


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        check_writable(self.path)
        try:
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 10000")
            self.db.enable_wal()
            # In WAL mode NORMAL syncs at checkpoints, not at every commit (a clinic is a commit):
            # a killed crawl still leaves every committed clinic; only a power cut can lose the last.
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            ensure_schema(self.db)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a usable SQLite database ({e})") from None

    # -- crawls -------------------------------------------------------------------------------
    def start_crawl(self, **info) -> int:
        row = {"kind": "crawl", "started_at": now(), "status": "running", **info}
        return self.db["crawls"].insert(row).last_pk

    def finish_crawl(self, crawl_id: int, status: str, **counts) -> None:
        self.db["crawls"].update(crawl_id, {"finished_at": now(), "status": status, **counts})

    def finish_run(self, crawl_id: int, status: str, stats: dict) -> None:
        """Close a run's `crawls` row from its Scrapy stats: the counts, and the stats themselves
        (the values JSON can hold)."""
        self.finish_crawl(crawl_id, status, sites_ok=stats.get("clinicvet/sites_ok", 0),
                          sites_failed=stats.get("clinicvet/sites_failed", 0),
                          pages=stats.get("clinicvet/pages_stored", 0),
                          errors=stats.get("clinicvet/fetch_errors", 0),
                          stats=dumps({k: v for k, v in stats.items() if isinstance(v, (int, float, str))}))

    @contextmanager
    def transaction(self):
        """Writes made inside commit together (each write_* inside is a savepoint): one commit for
        a batch of pages and the clinics finished with them, not one per clinic.

        BEGIN IMMEDIATE takes the write lock up front, waiting (busy_timeout) while another process
        writes: a run in several processes (crawler/shards.py) has several writers, and a deferred
        transaction that read before it wrote would fail at once ("database is locked") when
        another writer committed in between.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        self.db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
            self.db.conn.execute("COMMIT")
        except BaseException:  # the writes, or the commit itself (a full disk)
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            raise

    # -- clinics and pages ---------------------------------------------------------------------
    def clinic_id(self, domain: str, website: str) -> int:
        """The id of the clinic with this domain, creating its row on first sight."""
        row = self.db.execute("select id from clinics where domain = ?", [domain]).fetchone()
        if row:
            return row[0]
        return self.db["clinics"].insert(
            {"domain": domain, "website": website, "first_seen": now(), "status": "pending"}
        ).last_pk

    def write_pages(self, rows: list[dict]) -> None:
        """Upsert pages by URL, setting only the columns the rows give: a page fetched again
        unchanged comes without title and text, so the full-text index (whose update trigger
        watches those two) is left alone."""
        if rows:
            with self.db.atomic():
                self.db["pages"].upsert_all(rows, pk="url")

    def write_memos(self, rows: list[dict]) -> None:
        if rows:
            with self.db.atomic():
                self.db["page_memo"].upsert_all(rows, pk="url")

    def write_errors(self, rows: list[dict]) -> None:
        if rows:
            with self.db.atomic():
                self.db["crawl_errors"].insert_all(rows)

    def write_clinic(self, clinic_id: int, fields: dict, result: ClinicScore | None,
                     staff: list[dict] | None = None, run_id: int | None = None) -> None:
        """Update one clinic and replace its evidence, atomically.

        With result None (nothing could be fetched this run) the last good flags, score and
        evidence are kept; only status, error and crawl time change. Evidence and staff the same
        as stored are left as they are: a re-crawl of an unchanged site rewrites neither them nor
        their full-text index.
        """
        with self.db.atomic():
            row = dict(fields)
            if result is not None:
                row.update(score=result.score, tier=result.tier, words=result.words)
                row.update({f: int(result.present(f)) for f in FLAGS})
                row.update(services=dumps(result.services), conditions=dumps(result.conditions))
                self._replace("evidence", clinic_id, ("flag", "page_url", "snippet", "source"),
                              [(flag, ev.url, ev.snippet, ev.source) for flag, evs in result.flags.items() for ev in evs])
            if staff is not None:
                self._replace("staff", clinic_id, STAFF_COLUMNS, [tuple(m.get(c) for c in STAFF_COLUMNS) for m in staff])
            if row:
                sets = ", ".join(f'"{column}" = ?' for column in row)
                self.db.execute(f"update clinics set {sets} where id = ?", [*row.values(), clinic_id])
            if run_id:
                self._record_history(clinic_id, run_id)

    def _replace(self, table: str, clinic_id: int, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Make the clinic's rows of table these (in this order), unless they already are."""
        cols = ", ".join(columns)
        stored = self.db.execute(f"select {cols} from {table} where clinic_id = ? order by id", [clinic_id]).fetchall()
        if stored == rows:
            return
        self.db.execute(f"delete from {table} where clinic_id = ?", [clinic_id])
        self.db.conn.executemany(f"insert into {table} (clinic_id, {cols}) values (?, {', '.join('?' * len(columns))})",
                                 [(clinic_id, *r) for r in rows])

    def _record_history(self, clinic_id: int, crawl_id: int) -> None:
        """The clinic's score, tier, flags and status as this run left them (one row per run)."""
        cols = ", ".join(["score", "tier", *FLAGS, "status"])
        self.db.execute(f"insert or replace into clinic_history (crawl_id, clinic_id, {cols}, recorded_at) "
                        f"select ?, id, {cols}, ? from clinics where id = ?", [crawl_id, now(), clinic_id])

    def stored_pages(self, urls: list[str]) -> dict[str, dict]:
        """Stored pages by URL (status, title, text, fetched_at): what a resumed crawl replays."""
        cols, rows = ("url", "status", "title", "text", "fetched_at"), {}
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ", ".join("?" * len(chunk))
            cursor = self.db.execute(f"select {', '.join(cols)} from pages where url in ({marks})", chunk)
            rows.update((row[0], dict(zip(cols, row))) for row in cursor)
        return rows

    def pages_of(self, clinic_id: int, crawl_id: int | None, extract_version: str = ""):
        """(url, text, depth, facts, title) of the clinic's successfully fetched pages from that crawl;
        facts is the page memo's packed facts when that extraction version made them, else None."""
        return self.db.execute(
            "select p.url, p.text, p.depth, m.facts, p.title from pages p left join page_memo m "
            "on m.url = p.url and m.extract_version = ? where p.clinic_id = ? and p.status < 400 "
            "and p.crawl_id is ? order by p.depth, p.url", [extract_version, clinic_id, crawl_id]).fetchall()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def check_writable(path: Path) -> None:
    """Fail early, with a clear message, when the database cannot be created or written."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise StoreError(f"directory {parent} does not exist")
    if path.exists():
        try:
            with open(path, "r+b"):
                pass
        except OSError as e:
            raise StoreError(f"cannot write {path}: {e.strerror}") from None
        with open(path, "rb") as f:
            head = f.read(16)
        if head and head != b"SQLite format 3\x00":
            raise StoreError(f"{path} exists and is not an SQLite database")
    else:
        try:
            path.touch()
            path.unlink()
        except OSError as e:
            raise StoreError(f"cannot create {path}: {e.strerror}") from None


TABLES = {
    # name: (columns, primary key, foreign keys, indexes, full-text columns)
    "crawls": ({
        "id": int, "kind": str, "started_at": str, "finished_at": str, "status": str, "seeds": str,
        "sites": int, "sites_ok": int, "sites_failed": int, "pages": int, "errors": int,
        "max_pages": int, "rules": str, "stats": str, "resumed_from": int,
    }, "id", [], [], []),
    "clinics": (CLINIC_COLUMNS, "id", [("last_crawl_id", "crawls", "id")],
                [["state"], ["tier"], ["score"], ["screening"], ["certified_staff"]], []),
    "pages": ({
        "url": str, "clinic_id": int, "status": int, "title": str, "text": str,
        "words": int, "depth": int, "fetched_at": str, "crawl_id": int,
    }, "url", [("clinic_id", "clinics", "id"), ("crawl_id", "crawls", "id")], [["clinic_id"]],
        ["title", "text"]),
    # crawler/page_memo.py: what each page's body gave last time (hidden in Datasette).
    "page_memo": ({
        "url": str, "body_sha1": str, "extract_version": str, "facts": bytes, "links": bytes,
        "rules_version": str, "signals": bytes,
    }, "url", [], [], []),
    "evidence": ({
        "id": int, "clinic_id": int, "flag": str, "page_url": str, "snippet": str, "source": str,
    }, "id", [("clinic_id", "clinics", "id"), ("page_url", "pages", "url")],
        [["clinic_id", "flag"], ["flag"]], ["snippet"]),
    "staff": ({
        "id": int, "clinic_id": int, "name": str, "credentials": str, "role": str, "page_url": str,
    }, "id", [("clinic_id", "clinics", "id"), ("page_url", "pages", "url")], [["clinic_id"]], []),
    "clinic_history": ({
        "crawl_id": int, "clinic_id": int, "score": int, "tier": str, **{f: int for f in FLAGS},
        "status": str, "recorded_at": str,
    }, ("crawl_id", "clinic_id"), [("crawl_id", "crawls", "id"), ("clinic_id", "clinics", "id")],
        [["clinic_id"]], []),
    "crawl_errors": ({
        "id": int, "crawl_id": int, "clinic_id": int, "url": str, "error": str, "at": str,
    }, "id", [("crawl_id", "crawls", "id"), ("clinic_id", "clinics", "id")], [["crawl_id"]], []),
    # Discovery (crawler/discovery/store.py): directory listings and seeds, the clinic each one
    # resolved to, a clinic's locations, and what directories claim about a clinic.
    "listings": ({
        "id": str, "directory": str, "kind": str, "source_url": str, "detail_url": str, "position": int,
        "raw": str, "name": str, "website": str, "website_final": str, "website_status": int,
        "website_error": str, "domain": str, "phone": str, "street": str, "city": str, "state": str,
        "postcode": str, "claims": str, "clinic_id": int, "location_id": str, "cluster": str,
        "first_seen": str, "last_seen": str,
    }, "id", [("clinic_id", "clinics", "id")], [["directory"], ["clinic_id"], ["domain"], ["phone"]], []),
    "locations": ({
        "id": str, "clinic_id": int, "name": str, "street": str, "city": str, "state": str,
        "postcode": str, "phone": str, "address_key": str, "listings": int,
    }, "id", [("clinic_id", "clinics", "id")], [["clinic_id"]], []),
    "clinic_sources": ({
        "id": int, "clinic_id": int, "listing_id": str, "location_id": str, "kind": str, "source": str,
        "source_url": str, "match": str, "name": str, "website": str, "phone": str, "resolved_at": str,
    }, "id", [("clinic_id", "clinics", "id"), ("listing_id", "listings", "id"), ("location_id", "locations", "id")],
        [["clinic_id"], ["listing_id"], ["source"]], []),
    "directory_claims": ({
        "id": int, "listing_id": str, "clinic_id": int, "directory": str, "claim": str,
    }, "id", [("listing_id", "listings", "id"), ("clinic_id", "clinics", "id")], [["clinic_id"], ["claim"]], []),
    "discovery_runs": ({
        "id": int, "started_at": str, "finished_at": str, "status": str, "configs": str, "listings": int,
        "clinics": int, "new_clinics": int, "locations": int, "unlinked": int, "stats": str,
    }, "id", [], [], []),
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, indexes and full-text search; add columns a newer clinicvet defines
    to a database an older one wrote (idempotent, never drops anything)."""
    existing = set(db.table_names())
    for name, (columns, pk, fks, indexes, fts) in TABLES.items():
        table = db[name]
        if name not in existing:
            table.create(columns, pk=pk, foreign_keys=fks, not_null={"domain"} if name == "clinics" else None)
            if name == "clinics":
                table.create_index(["domain"], unique=True)
            for cols in indexes:
                table.create_index(cols)
            if fts:
                table.enable_fts(fts, create_triggers=True)
        else:
            for column, kind in columns.items():
                if column not in table.columns_dict:
                    table.add_column(column, kind)
        if fts:
            _narrow_update_trigger(db, name, fts)


def _narrow_update_trigger(db: sqlite_utils.Database, table: str, columns: list[str]) -> None:
    """sqlite-utils re-indexes a row on any update; only its indexed columns need it. A re-crawl
    touches every unchanged page's crawl id and time, and would re-index all their text."""
    row = db.execute("select sql from sqlite_master where type = 'trigger' and name = ?", [f"{table}_au"]).fetchone()
    if row and re.search(r"AFTER UPDATE ON", row[0], re.I):
        cols = ", ".join(f'"{c}"' for c in columns)
        sql = re.sub(r"AFTER UPDATE ON", f"AFTER UPDATE OF {cols} ON", row[0], count=1, flags=re.I)
        with db.conn:
            db.execute(f'DROP TRIGGER "{table}_au"')
            db.execute(sql)


def dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def mark_stale_runs(db: str) -> int:
    """Crawls left 'running' by a process that died (SIGKILL, power loss) become 'failed'.

    Called with the crawl lock held, so no live crawl of this database can be 'running'.
    """
    return update_crawls(db, "update crawls set status = 'failed', finished_at = ? "
                             "where status = 'running' and kind = 'crawl'", [now()])


def record_resumed(db: str, crawl_id: int, resumed_from: int) -> None:
    """The run that continued a stopped one (`clinicvet crawl --resume`) names it."""
    update_crawls(db, "update crawls set resumed_from = ? where id = ?", [resumed_from, crawl_id])


def run_status(reason: str | None, store_error) -> str:
    """A run is a whole crawl only when Scrapy finished it and every write went through."""
    return "finished" if reason == "finished" and not store_error else "failed"


def update_crawls(db: str, sql: str, params: list) -> int:
    """One statement on the crawls table, committed (the run's record, outside any crawl)."""
    with Store(db) as store, store.db.conn:
        return store.db.execute(sql, params).rowcount
