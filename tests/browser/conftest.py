"""Browser fixtures: Debian's chromium driven by Playwright, and `clinicvet serve` on the demo crawl.

Chromium is the system package (/usr/bin/chromium), never a Playwright download; if it is missing the
tests fail at launch. A failing test leaves a screenshot of its page in its tmp_path.
"""

import pytest
from playwright.sync_api import sync_playwright

from tests.datasette_server import running_datasette

CHROMIUM = {"executable_path": "/usr/bin/chromium", "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync"]}


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(**CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(demo_crawl):
    """(base URL of the database, database path) of `clinicvet serve` on the demo crawl."""
    with running_datasette(demo_crawl.db) as base:
        yield f"{base}/{demo_crawl.db.stem}", demo_crawl.db


@pytest.fixture
def page(browser, request, tmp_path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.abort() if not route.request.url.startswith("http://127.0.0.")
                  else route.continue_())  # nothing leaves the machine (map tiles)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        page.screenshot(path=tmp_path / "failure.png", full_page=True)
        print(f"screenshot of the failing page: {tmp_path / 'failure.png'} ({page.url})")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
