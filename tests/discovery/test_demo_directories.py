"""The demo web's directory sites: served where the configs expect them, with consistent truth."""

import urllib.request
from collections import Counter

from crawler.demoweb.directories import load_directories
from crawler.demoweb.generate import DATA_DIR, load_sites


def test_directory_data_is_consistent():
    extras, directories = load_directories(DATA_DIR)
    clinics = {s["key"] for s in load_sites()} | set(extras["clinics"])
    hosts = [d["host"] for d in directories]
    assert sorted(hosts) == ["127.0.0.3", "127.0.0.4", "127.0.0.5"]
    assert {d["layout"] for d in directories} == {"table", "cards", "jsonld"}
    for d in directories:
        names = Counter(item["name"] for item in d["listings"])
        assert max(names.values()) == 1, d["key"]  # (directory, name) identifies a listing in the truth
        assert {item["clinic"] for item in d["listings"]} <= clinics, d["key"]
    everything = [item for d in directories for item in d["listings"]]
    assert any("{renew-old}" in item["website"] for item in everything)  # a redirecting website
    assert any("{lamar-dead}" in item["website"] for item in everything)  # a dead one
    finder = next(d for d in directories if d["key"] == "ketamine-finder")
    assert Counter(i["clinic"] for i in finder["listings"])["zen-drip"] == 2  # duplicate inside one directory


def test_directories_are_served(demo_web):
    assert [d["host"] for d in demo_web.directories] == ["127.0.0.5", "127.0.0.4", "127.0.0.3"]
    port = demo_web.port
    robots = urllib.request.urlopen(f"http://127.0.0.5:{port}/robots.txt").read().decode()
    assert f"Sitemap: http://127.0.0.5:{port}/sitemap.xml" in robots
    moved = urllib.request.urlopen(f"http://127.0.0.6:{port}/any/path/")
    renew = next(s for s in demo_web.sites if s["key"] == "renew-ketamine")
    assert moved.geturl() == renew["url"]
    assert demo_web.discovery_clinics["lamar-ketamine"]["dead"] is True
    assert demo_web.discovery_clinics["mesa-mind"]["url"] is None
