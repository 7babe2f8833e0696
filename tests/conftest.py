"""Shared fixtures: the demo web served on loopback, and one real crawl of it per test session."""

from types import SimpleNamespace

import pytest

from tests.helpers import run_cli


@pytest.fixture(scope="session")
def demo_web():
    from crawler.demoweb import DemoWeb

    with DemoWeb(port=0) as web:
        yield web


@pytest.fixture(scope="session")
def demo_crawl(demo_web, tmp_path_factory):
    """The demo web crawled once into a fresh database with default settings."""
    tmp = tmp_path_factory.mktemp("demo_crawl")
    seeds = tmp / "seeds.csv"
    demo_web.write_seeds(seeds)
    db = tmp / "demo.db"
    result = run_cli("crawl", "--seeds", seeds, "--db", db, "--progress-interval", "1")
    assert result.returncode == 0, result.stderr
    return SimpleNamespace(db=db, seeds=seeds, result=result, web=demo_web)
