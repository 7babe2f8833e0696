"""What a page's bytes gave last time, so an unchanged page is neither parsed nor scored again.

A re-crawl with the HTTP cache gets most pages back as a 304, which Scrapy answers with the cached
body: the same bytes as last run. Parsing and scoring them again would cost the same CPU as the
first crawl. The `page_memo` table keeps, per URL, the SHA-1 of the body and what extraction
(title, facts, links; the text is in `pages`) and scoring (signals) made of it, each stamped with
the version of the code and rule file that made it. A page whose body and versions match is
reused; anything else (a changed page, a new rule file, a new clinicvet) is done afresh, so the
memo can only save work, never change a result.

No Scrapy import: the spider reads the memo, the store pipeline writes it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from functools import lru_cache
from pathlib import Path

from scoring import load_rules

_ROOT = Path(__file__).resolve().parent.parent


def body_digest(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()


def _sources_digest(*folders: Path, extra: bytes = b"") -> str:
    """The code and its word lists: extraction reads phones.yml and staff.yml, scoring offerings.yml."""
    h = hashlib.sha1(extra)
    for folder in folders:
        for path in sorted([*folder.glob("*.py"), *folder.glob("*.yml")]):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=1)
def extract_version() -> str:
    """Changes whenever the extraction code or its word lists do (crawler/extract/*.py, *.yml)."""
    return _sources_digest(_ROOT / "crawler" / "extract")


@lru_cache(maxsize=8)
def rules_version(rules_path: str | None) -> str:
    """Changes whenever the rule file, its model or the scoring code does."""
    rules = load_rules(rules_path)
    model = Path(rules.model_source).read_bytes() if rules.model_source else b""
    return _sources_digest(_ROOT / "scoring", extra=Path(rules.source).read_bytes() + model)


def pack(value) -> bytes:
    """Links repeat the same menu on every page: compressed JSON is a tenth of the size."""
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 6)


def unpack(blob: bytes | None):
    return json.loads(zlib.decompress(blob)) if blob else None


def packed(facts: dict, links: list, signals: dict | None) -> tuple[bytes, bytes, bytes | None]:
    """What a memo row stores of a page; the worker that parsed the page packs it, off the reactor."""
    return pack(facts), pack(links), pack(signals) if signals else None


def memo_row(url: str, digest: str, facts: dict, links: list, signals: dict | None, rules: str,
             packs: tuple | None = None) -> dict:
    """A `page_memo` row, as the store pipeline writes it next to the page."""
    facts_blob, links_blob, signals_blob = packs or packed(facts, links, signals)
    return {"url": url, "body_sha1": digest, "extract_version": extract_version(), "facts": facts_blob,
            "links": links_blob, "rules_version": rules if signals_blob else None, "signals": signals_blob}


class PageMemo:
    """Read side: one read-only connection to the crawl's database, one indexed lookup a page."""

    def __init__(self, db_path: str, rules_path: str | None):
        self.db_path = db_path
        self.rules = rules_version(rules_path)
        self.conn: sqlite3.Connection | None = None
        self.opened = False

    def _connect(self) -> sqlite3.Connection | None:
        """Opened at the first lookup, after the store has opened the database in WAL mode. When
        this connection opened the file first, the store's commits stayed invisible to other
        processes (Datasette, the lock test) until the crawl ended: seen in tests, every time."""
        self.opened = True
        if not Path(self.db_path).exists():
            return None
        conn = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA query_only = 1")
        if conn.execute("select 1 from sqlite_master where type = 'table' and name = 'page_memo'").fetchall():
            return conn
        conn.close()
        return None

    def lookup(self, url: str, digest: str) -> dict | None:
        """{title, text, facts, links, signals} or None. Under new rules signals is None and text
        the stored text, to score again; otherwise text is "" (the stored text stays as it is)."""
        if not self.opened:
            self.conn = self._connect()
        if self.conn is None:
            return None
        # fetchall, not fetchone: a statement left unfinished keeps a read lock that blocks the
        # store's commits on a database not (yet) in WAL mode.
        rows = self.conn.execute(
            "select p.title, m.facts, m.links, m.rules_version = ?, m.signals, "
            "case when m.rules_version = ? then '' else p.text end from page_memo m "
            "join pages p on p.url = m.url where m.url = ? and m.body_sha1 = ? and m.extract_version = ?",
            [self.rules, self.rules, url, digest, extract_version()]).fetchall()
        if not rows:
            return None
        title, facts, links, same_rules, signals, text = rows[0]
        return {"title": title or "", "text": text or "", "facts": unpack(facts) or {},
                "links": [tuple(link) for link in unpack(links) or []],
                "signals": unpack(signals) if same_rules else None}

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
