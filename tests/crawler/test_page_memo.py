"""crawler/page_memo.py: an unchanged page is reused only when its bytes, the extraction code and
the rules all match; re-touching a page leaves its full-text index alone."""

import sqlite3

from crawler.extract import extract_page
from crawler.page_memo import PageMemo, _sources_digest, body_digest, memo_row, rules_version
from crawler.storage import Store
from scoring import scan_page
from scoring.rules import DEFAULT_RULES

URL = "https://alder.example/faq/"
HTML = b"""<html><head><title>FAQ</title></head><body><nav><a href="/team/">Team</a></nav>
<p>Every patient completes a psychiatric evaluation with our physician before the first infusion.</p>
</body></html>"""


def stored(tmp_path, rules=None):
    db = tmp_path / "m.db"
    store = Store(db)
    clinic = store.clinic_id("alder.example", "https://alder.example/")
    page = extract_page(HTML.decode(), URL)
    signals = scan_page(page.text, URL).to_dict()
    store.write_pages([{"url": URL, "clinic_id": clinic, "status": 200, "title": page.title, "text": page.text,
                        "words": 12, "depth": 1, "fetched_at": "t1", "crawl_id": None}])
    store.write_memos([memo_row(URL, body_digest(HTML), page.facts, page.links, signals, rules or rules_version(None))])
    store.close()
    return db, page, signals


def test_same_bytes_give_back_what_they_gave(tmp_path):
    db, page, signals = stored(tmp_path)
    memo = PageMemo(str(db), None)
    hit = memo.lookup(URL, body_digest(HTML))
    assert (hit["title"], hit["facts"]) == (page.title, page.facts)
    assert hit["text"] == ""  # nothing to score again: the stored text is left where it is
    assert hit["links"] == page.links and hit["signals"] == signals
    assert memo.lookup(URL, body_digest(HTML + b" ")) is None  # a changed page is parsed again
    assert memo.lookup(URL + "x/", body_digest(HTML)) is None
    memo.close()


def test_a_changed_rule_file_reuses_extraction_but_not_signals(tmp_path):
    db, page, _ = stored(tmp_path, rules="an older rule file")
    hit = PageMemo(str(db), None).lookup(URL, body_digest(HTML))
    assert hit["text"] == page.text and hit["signals"] is None


def test_rules_version_follows_the_rule_file(tmp_path):
    edited = tmp_path / "rules.yml"
    edited.write_text(DEFAULT_RULES.read_text(encoding="utf-8") + "\n# a researcher's edit\n", encoding="utf-8")
    assert rules_version(str(edited)) != rules_version(None)


def test_versions_follow_the_word_lists_too(tmp_path):
    """Editing phones.yml or offerings.yml changes results, so it must change the version."""
    (tmp_path / "contacts.py").write_text("X = 1\n")
    (tmp_path / "phones.yml").write_text("region_by_tld: {uk: GB}\n")
    before = _sources_digest(tmp_path)
    (tmp_path / "phones.yml").write_text("region_by_tld: {uk: GB, au: AU}\n")
    assert _sources_digest(tmp_path) != before


def test_no_database_or_no_memo_table_is_a_miss(tmp_path):
    assert PageMemo(str(tmp_path / "none.db"), None).lookup(URL, "x") is None
    db = tmp_path / "old.db"
    sqlite3.connect(db).execute("create table pages (url text primary key, title text, text text)").connection.close()
    assert PageMemo(str(db), None).lookup(URL, "x") is None


def test_touching_a_page_does_not_reindex_its_text(tmp_path):
    db, _, _ = stored(tmp_path)
    store = Store(db)
    trigger = store.db.execute("select sql from sqlite_master where name = 'pages_au'").fetchone()[0]
    assert 'AFTER UPDATE OF "title", "text" ON' in trigger  # not on every update, as sqlite-utils makes it
    store.write_pages([{"url": URL, "fetched_at": "t2", "crawl_id": None}])
    assert store.db.execute("select fetched_at, title from pages").fetchone() == ("t2", "FAQ")
    assert store.db.execute("select count(*) from pages_fts where pages_fts match 'psychiatric'").fetchone() == (1,)
    store.write_pages([{"url": URL, "text": "Walk in today for an infusion."}])  # a changed page is
    assert store.db.execute("select count(*) from pages_fts where pages_fts match 'psychiatric'").fetchone() == (0,)
    assert store.db.execute("select count(*) from pages_fts where pages_fts match 'walk'").fetchone() == (1,)
    store.close()
