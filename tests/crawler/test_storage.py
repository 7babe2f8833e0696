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
