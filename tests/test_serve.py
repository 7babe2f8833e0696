"""`clinicvet serve` starts the real Datasette; fetch a clinic as JSON and the table as CSV."""

import csv
import io
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers import ROOT, free_port


@pytest.fixture(scope="module")
def server(demo_crawl):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(demo_crawl.db),
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(base + "/-/versions.json").status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"datasette did not start: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    yield base, demo_crawl.db.stem
    proc.terminate()
    proc.wait(10)


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
