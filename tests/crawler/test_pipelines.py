"""The store writes each clinic as soon as its site is done, whatever order its items arrive in."""

import sqlite3

from scrapy.utils.test import get_crawler

from crawler.items import FetchErrorItem, PageItem, SiteDoneItem
from crawler.pipelines import StorePipeline
from scoring import scan_page
from spiders.clinic import ClinicSpider

A, B = "https://alder.example/", "https://birch.example/"


def page(seed: str, path: str, text: str) -> PageItem:
    url = seed + path
    return PageItem(site=seed.split("/")[2], seed_url=seed, seed_name="", url=url, status=200,
                    title=path or "Home", text=text, fetched_at="2026-11-30T00:00:00Z", depth=1 if path else 0,
                    facts={"name": seed.split("/")[2]}, signals=scan_page(text, url).to_dict())


def clinics(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {d: s for d, s in conn.execute("select domain, status from clinics where status != 'pending'")}


def test_clinics_are_written_when_their_site_is_done_not_at_the_end(tmp_path):
    db = tmp_path / "c.db"
    crawler = get_crawler(ClinicSpider, {"CLINICVET_DB": str(db), "CLINICVET_STORE_BATCH": 2})
    crawler.spider = ClinicSpider.from_crawler(crawler, urls=f"{A},{B}")
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    screening = "Every patient completes a psychiatric evaluation before the first infusion."
    # Alder's done-signal arrives before its last page (pipelines run items concurrently).
    store.process_item(page(A, "", "Welcome to Alder, a ketamine clinic."))
    store.process_item(SiteDoneItem(site="alder.example", seed_url=A, seed_name="", items=2))
    store.process_item(page(B, "", "Welcome to Birch."))
    assert clinics(db) == {}  # Alder's second item is still to come
    store.process_item(page(A, "faq/", screening))  # Alder is complete: written with the next batch
    assert clinics(db) == {}
    store.process_item(page(B, "about/", "About Birch."))  # a batch of 2 pages: pages, then Alder
    assert clinics(db) == {"alder.example": "ok"}
    # Birch never says done (a stopped crawl): written at the close, like a seed with no item.
    store.process_item(FetchErrorItem(site="birch.example", seed_url=B, seed_name="", url=B + "x/",
                                      error="DNSLookupError: x", fetched_at=""))
    store.close_spider()
    assert clinics(db) == {"alder.example": "ok", "birch.example": "ok"}
    store.spider_closed("shutdown")  # stopped, as by a scrapyd cancel: the run is not a whole crawl
    with sqlite3.connect(db) as conn:
        assert conn.execute("select screening from clinics where domain = 'alder.example'").fetchone() == (1,)
        assert conn.execute("select status, sites_ok, sites_failed, pages from crawls").fetchone() == ("failed", 2, 0, 4)
