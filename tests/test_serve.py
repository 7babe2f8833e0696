"""`clinicvet serve` starts the real Datasette; fetch a clinic as JSON and the table as CSV."""

import csv
import io

import httpx
import pytest

from tests.datasette_server import running_datasette


@pytest.fixture(scope="module")
def server(demo_crawl):
    with running_datasette(demo_crawl.db) as base:
        yield base, demo_crawl.db.stem


def test_clinic_row_as_json(server):
    base, name = server
    data = httpx.get(f"{base}/{name}/clinics/1.json?_shape=objects").json()
    [row] = data["rows"]
    assert row["id"] == 1 and row["domain"] and "screening" in row


def test_clinics_table_as_csv_sorted_by_score(server, demo_crawl):
    base, name = server
    response = httpx.get(f"{base}/{name}/clinics.csv?_size=max")
    assert response.status_code == 200
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert len(table) == len(demo_crawl.web.sites)
    scores = [int(r["score"]) for r in table]
    assert scores == sorted(scores, reverse=True)


def test_metadata_and_canned_queries_are_served(server):
    base, name = server
    meta = httpx.get(f"{base}/-/metadata.json").json()
    assert meta["title"].startswith("clinicvet")
    result = httpx.get(f"{base}/{name}/tiers_by_state.json?_shape=objects").json()
    assert result["rows"] and "meets_basics" in result["rows"][0]


def test_full_text_search_on_evidence(server):
    base, name = server
    data = httpx.get(f"{base}/{name}/evidence.json?_search=evaluation&_shape=objects").json()
    assert data["rows"] and all("evaluation" in r["snippet"].lower() for r in data["rows"])


def test_datasette_reads_the_database_through_mmap(server, tmp_path):
    import sqlite3

    from crawler.datasette.plugins.clinicvet_sqlite import MMAP_BYTES, prepare_connection

    base, _ = server
    plugins = {p["name"]: p["hooks"] for p in httpx.get(f"{base}/-/plugins.json?all=1").json()}
    assert "prepare_connection" in plugins["clinicvet_sqlite.py"]  # loaded by the real Datasette
    conn = sqlite3.connect(tmp_path / "x.db")
    prepare_connection(conn)
    assert conn.execute("pragma mmap_size").fetchone() == (MMAP_BYTES,)


def test_page_search_shows_twenty_pages_at_a_time(server, demo_crawl):
    import sqlite3

    base, name = server
    with sqlite3.connect(demo_crawl.db) as conn:
        matches = conn.execute("select count(*) from pages_fts where pages_fts match 'ketamine'").fetchone()[0]
    assert matches > 20
    data = httpx.get(f"{base}/{name}/pages.json?_search=ketamine&_shape=objects").json()
    assert len(data["rows"]) == 20 and data["next"] and data["filtered_table_rows_count"] == matches


def test_every_table_and_column_is_described(server, demo_crawl):
    import sqlite3

    base, name = server
    tables = httpx.get(f"{base}/-/metadata.json").json()["databases"][name]["tables"]
    conn = sqlite3.connect(demo_crawl.db)
    names = [r[0] for r in conn.execute(
        "select name from sqlite_master where type = 'table' and name not like '%_fts%' and name not like 'sqlite_%'")]
    for table in names:
        assert tables[table].get("description") or tables[table].get("description_html"), table
        columns = [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        assert set(columns) <= set(tables[table]["columns"]), (table, set(columns) - set(tables[table]["columns"]))


def test_facets_include_every_flag_and_array_facets(server):
    base, name = server
    data = httpx.get(f"{base}/{name}/clinics.json?_size=0").json()
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # key layout differs between Datasette versions
    assert {"state", "tier", "services", "conditions", "screening", "claims_nonaddictive"} <= set(facets)


def test_clinic_page_and_rubric_page(server):
    base, name = server
    # A scored clinic (ids follow the order sites finish, so id 1 may be the unreachable one).
    [clinic] = httpx.get(f"{base}/{name}/clinics.json?status=ok&screening=1&_size=1&_shape=array").json()
    html = httpx.get(f"{base}/{name}/clinics/{clinic['id']}").text
    assert 'class="clinic-card"' in html and "text as crawled" in html
    rubric = httpx.get(f"{base}/rubric")
    assert rubric.status_code == 200 and "no_screening_claim" in rubric.text
