"""The served demo web behaves like the real web: per-site origins, robots, redirects, errors."""

import csv
import http.client
import re
import time

import pytest

from crawler.demoweb import DemoWeb, build


@pytest.fixture(scope="module")
def web():
    with DemoWeb(port=0) as served:
        yield served


def _get(url_base: str, path: str, port: int) -> http.client.HTTPResponse:
    """One GET without following redirects, so status and Location can be checked."""
    host = re.match(r"http://([\d.]+):", url_base).group(1)
    conn = http.client.HTTPConnection(host, port, timeout=5)
    conn.request("GET", path)
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def _site(web, key):
    return next(s for s in web.sites if s["key"] == key)


def test_sites_have_urls_on_their_own_ips(web):
    assert len(web.sites) >= 22
    for i, site in enumerate(web.sites):
        assert site["url"] == f"http://127.0.0.{10 + i}:{web.port}/"
    assert web.directory_url == f"http://127.0.0.2:{web.port}/"


def test_each_home_is_served_on_its_own_ip(web):
    bodies = set()
    for site in web.sites:
        response = _get(site["url"], "/", web.port)
        if response.status in (301, 302):
            response = _get(site["url"], response.getheader("Location"), web.port)
        assert response.status == 200, site["key"]
        assert response.getheader("Content-Type").startswith("text/html")
        bodies.add(response.body)
    assert len(bodies) == len(web.sites)


def test_port_token_is_replaced(web):
    body = _get(_site(web, "calm-harbor")["url"], "/pricing/", web.port).body
    assert b"__PORT__" not in body
    assert f":{web.port}/contact/".encode() in body


def test_robots_txt_per_site(web):
    blocked = _get(_site(web, "riverbend")["url"], "/robots.txt", web.port)
    assert blocked.status == 200 and b"Disallow: /private/" in blocked.body
    open_site = _get(_site(web, "willow-creek")["url"], "/robots.txt", web.port)
    assert open_site.status == 200 and b"/private/" not in open_site.body


def test_redirects(web):
    moved = _get(_site(web, "calm-harbor")["url"], "/old-team/", web.port)
    assert moved.status == 301 and moved.getheader("Location") == "/team/"
    home = _get(_site(web, "pinecrest")["url"], "/", web.port)
    assert home.status == 302 and home.getheader("Location") == "/home/"
    slash = _get(_site(web, "calm-harbor")["url"], "/faq?utm_source=x", web.port)
    assert slash.status == 301 and slash.getheader("Location") == "/faq/"


def test_error_statuses_and_unknown_paths(web):
    assert _get(_site(web, "northstar")["url"], "/broken/", web.port).status == 500
    assert _get(_site(web, "summit-ridge")["url"], "/gone/", web.port).status == 404
    missing = _get(_site(web, "willow-creek")["url"], "/no-such-page/", web.port)
    assert missing.status == 404 and b"Not Found" in missing.body


def test_query_strings_are_ignored_for_routing(web):
    assert _get(_site(web, "ketahome")["url"], "/pricing/?utm_source=hero", web.port).status == 200


def test_windows_1252_pages(web):
    header = _get(_site(web, "willow-creek")["url"], "/about/", web.port)
    assert "charset=windows-1252" in header.getheader("Content-Type")
    assert "I’m Hannah Okafor, CRNA — a certified" in header.body.decode("windows-1252")
    assert "café" in header.body.decode("windows-1252")
    meta = _get(_site(web, "pinecrest")["url"], "/about/", web.port)
    assert meta.getheader("Content-Type") == "text/html"
    assert b'<meta charset="windows-1252">' in meta.body
    assert "Leah’s favorite" in meta.body.decode("windows-1252")


def test_directory_lists_every_site(web):
    pages = [_get(web.directory_url, path, web.port) for path in ("/", "/page/2/")]
    assert all(p.status == 200 for p in pages)
    assert b'rel="next">Next &raquo;</a>' in pages[0].body
    html = b"".join(p.body for p in pages).decode()
    for site in web.sites:
        assert f'href="{site["url"]}"' in html, site["key"]


def test_requests_are_recorded(web):
    _get(_site(web, "bayview")["url"], "/contact/?utm_medium=test", web.port)
    assert (_site(web, "bayview")["host"], "/contact/?utm_medium=test") in web.requests


def test_write_seeds(web, tmp_path):
    seeds = tmp_path / "seeds.csv"
    web.write_seeds(seeds)
    with open(seeds, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["url"] for r in rows] == [s["url"] for s in web.sites]
    assert [r["name"] for r in rows] == [s["name"] for s in web.sites]


def test_slow_page_waits(web):
    started = time.monotonic()
    assert _get(_site(web, "lakeshore-mind")["url"], "/faq/", web.port).status == 200
    assert 1.4 <= time.monotonic() - started < 2.5


def test_prebuilt_root_serves_beside_a_running_web(web, tmp_path):
    build(tmp_path)
    with DemoWeb(port=0, root=tmp_path) as second:
        assert second.port != web.port
        assert _get(second.sites[0]["url"], "/robots.txt", second.port).status == 200


def test_taken_port_fails_clearly(web):
    with pytest.raises(OSError):
        with DemoWeb(port=web.port):
            pass
