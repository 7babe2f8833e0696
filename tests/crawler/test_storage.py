import sqlite3

import pytest

from crawler.storage import TABLES, Store, StoreError


def test_an_older_database_gains_new_columns_and_keeps_its_rows(tmp_path):
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db)
    conn.execute("create table crawls (id integer primary key, started_at text, status text)")
    conn.execute("insert into crawls (started_at, status) values ('2026-01-01', 'finished')")
    conn.execute("create table clinics (id integer primary key, domain text not null, name text)")
    conn.execute("insert into clinics (domain, name) values ('old.example', 'Old Clinic')")
    conn.commit()
    conn.close()
    store = Store(db)
    try:
        for name, (columns, *_rest) in TABLES.items():
            assert set(columns) <= set(store.db[name].columns_dict), name
        assert store.db.execute("select name from clinics").fetchall() == [("Old Clinic",)]
        assert store.start_crawl(seeds="s.csv") == 2
    finally:
        store.close()


def test_refuses_a_file_that_is_not_sqlite(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    with pytest.raises(StoreError, match="not an SQLite database"):
        Store(notes)
    assert notes.read_text() == "not a database"


def test_a_clinic_written_again_unchanged_keeps_its_evidence_rows(tmp_path):
    """A re-crawl of an unchanged site leaves evidence and staff rows (and their full-text index)
    as they were; changed evidence replaces the old; every run gets its history row."""
    from scoring import FLAGS, ClinicScore, Evidence

    store = Store(tmp_path / "c.db")
    try:
        store.db["pages"].insert_all([{"url": "http://a.test/"}, {"url": "http://a.test/team"}], pk="url")
        clinic = store.clinic_id("a.test", "http://a.test/")
        flags = {f: [] for f in FLAGS}
        flags["screening"] = [Evidence("http://a.test/", "Every patient has a psychiatric evaluation first.")]
        staff = [{"name": "Ana Ruiz", "credentials": "MD", "role": "Medical Director", "page_url": "http://a.test/team"}]

        def write(crawl):
            store.write_clinic(clinic, {"name": "A", "status": "ok"}, ClinicScore(40, "some", 300, flags),
                               staff, run_id=crawl)

        def rows(table):
            return store.db.execute(f"select * from {table} where clinic_id = ? order by id", [clinic]).fetchall()

        store.db.execute("create temp table rewritten (tbl text)")
        for table in ("evidence", "staff"):
            store.db.execute(f"create temp trigger {table}_deleted after delete on main.{table} "
                             f"begin insert into rewritten values ('{table}'); end")
        first, second, third = (store.start_crawl(seeds="s.csv") for _ in range(3))
        write(first)
        evidence, members = rows("evidence"), rows("staff")
        write(second)
        assert rows("evidence") == evidence and rows("staff") == members
        assert store.db.execute("select * from rewritten").fetchall() == []  # not deleted and written again
        flags["screening"].append(Evidence("http://a.test/team", "We screen for psychosis and heart disease."))
        write(third)
        assert store.db.execute("select distinct tbl from rewritten").fetchall() == [("evidence",)]
        snippets = [r[0] for r in store.db.execute("select snippet from evidence where clinic_id = ? order by id", [clinic])]
        assert snippets == ["Every patient has a psychiatric evaluation first.",
                            "We screen for psychosis and heart disease."]
        assert store.db.execute("select count(*) from evidence_fts where evidence_fts match 'psychosis'").fetchone() == (1,)
        history = store.db.execute("select crawl_id, score, tier, screening, status from clinic_history "
                                   "where clinic_id = ? order by crawl_id", [clinic]).fetchall()
        assert history == [(c, 40, "some", 1, "ok") for c in (first, second, third)]
        assert store.db.execute("select name, score, screening from clinics where id = ?", [clinic]).fetchone() == ("A", 40, 1)
    finally:
        store.close()
