"""The HTTP cache: one SQLite row a response, every page revalidated."""

import sqlite3
import time

from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.httpcache import RevalidatePolicy, SqliteCacheStorage

URL = "https://cedar.example/team/"
HEADERS = {"ETag": '"abc"', "Last-Modified": "Mon, 01 Jun 2026 00:00:00 GMT", "Content-Type": "text/html; charset=utf-8"}


def opened(tmp_path, **settings):
    crawler = get_crawler(Spider, {"HTTPCACHE_DIR": str(tmp_path), **settings})
    spider = crawler._create_spider("clinic")
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    return storage, spider


def page(body=b"<html><body>Meet our psychiatrist</body></html>", **kwargs):
    return HtmlResponse(URL, status=200, headers=HEADERS, body=body, request=Request(URL), **kwargs)


def test_a_stored_response_comes_back_whole_after_the_crawl(tmp_path):
    storage, spider = opened(tmp_path)
    storage.store_response(spider, Request(URL), page())
    storage.close_spider(spider)
    assert (tmp_path / "clinic.sqlite").is_file()

    storage, spider = opened(tmp_path)
    request = Request(URL)
    cached = storage.retrieve_response(spider, request)
    assert isinstance(cached, HtmlResponse) and cached.status == 200 and cached.url == URL
    assert cached.body == page().body and cached.headers[b"ETag"] == b'"abc"'
    assert abs(request.meta["cache_timestamp"] - time.time()) < 60
    assert storage.retrieve_response(spider, Request("https://cedar.example/faq/")) is None


def test_a_revalidated_response_is_not_written_again(tmp_path):
    storage, spider = opened(tmp_path)
    storage.store_response(spider, Request(URL), page())
    storage.store_response(spider, Request(URL), page(body=b"<html>changed</html>", flags=["cached"]))
    assert storage.retrieve_response(spider, Request(URL)).body == page().body
    storage.store_response(spider, Request(URL), page(body=b"<html>changed</html>"))  # a 200: replaced
    assert storage.retrieve_response(spider, Request(URL)).body == b"<html>changed</html>"


def test_expired_entries_are_not_served(tmp_path):
    storage, spider = opened(tmp_path, HTTPCACHE_EXPIRATION_SECS=3600)
    storage.store_response(spider, Request(URL), page())
    storage.close_spider(spider)
    with sqlite3.connect(tmp_path / "clinic.sqlite") as conn:
        conn.execute("update responses set stored_at = ?", [time.time() - 7200])
    conn.close()
    storage, spider = opened(tmp_path, HTTPCACHE_EXPIRATION_SECS=3600)
    assert storage.retrieve_response(spider, Request(URL)) is None


def test_a_damaged_cache_file_is_started_afresh(tmp_path, caplog):
    (tmp_path / "clinic.sqlite").write_bytes(b"not a database" * 100)
    storage, spider = opened(tmp_path)
    assert "starting a new one" in caplog.text
    storage.store_response(spider, Request(URL), page())
    assert storage.retrieve_response(spider, Request(URL)).body == page().body


def test_every_cached_page_is_revalidated_even_when_the_site_calls_it_fresh():
    crawler = get_crawler(Spider)
    policy = RevalidatePolicy(crawler.settings)
    cached = HtmlResponse(URL, headers={**HEADERS, "Cache-Control": "max-age=86400",
                                        "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())})
    request = Request(URL)
    assert not policy.is_cached_response_fresh(cached, request)
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.headers[b"If-Modified-Since"] == HEADERS["Last-Modified"].encode()


def test_a_cache_that_cannot_be_written_is_skipped_not_fatal(tmp_path, caplog):
    storage, spider = opened(tmp_path)
    storage.conn.execute("pragma query_only = 1")  # SQLite now refuses every write, as on a full disk
    storage.store_response(spider, Request(URL), page())  # no exception: the crawl goes on
    assert "not caching for the rest of this crawl" in caplog.text and not storage.writable
    assert storage.retrieve_response(spider, Request(URL)) is None
    storage.store_response(spider, Request(URL + "x/"), page())  # skipped quietly from now on
    storage.close_spider(spider)


def test_after_a_whole_crawl_entries_it_no_longer_asked_for_are_dropped(tmp_path):
    """Pages gone from a site leave the cache with the next whole crawl of that site; other sites'
    entries stay, and a stopped or resumable crawl drops nothing."""
    other = "https://pine.example/faq/"
    gone = "https://cedar.example/old-page/"

    def crawl(urls, reason="finished", **settings):
        storage, spider = opened(tmp_path, **settings)
        for url in urls:
            if storage.retrieve_response(spider, Request(url)) is None:
                storage.store_response(spider, Request(url), page().replace(url=url))
        spider.crawler.stats.set_value("finish_reason", reason)
        storage.close_spider(spider)

    def cached():
        with sqlite3.connect(tmp_path / "clinic.sqlite") as conn:
            urls = {url for (url,) in conn.execute("select request_url from responses")}
        conn.close()
        return urls

    crawl([URL, gone, other])
    crawl([URL], reason="shutdown")  # stopped early: it did not ask for everything
    assert cached() == {URL, gone, other}
    crawl([URL], JOBDIR=str(tmp_path / "job"))  # resumable: a later run asks for the rest
    assert cached() == {URL, gone, other}
    crawl([URL])
    assert cached() == {URL, other}
