"""The demo web's build is deterministic and its ground truth is complete and balanced."""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from crawler.demoweb import FACTS, FLAGS, build
from crawler.demoweb.generate import DATA_DIR, load_sites


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("web")
    return out, build(out)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_is_byte_identical(built, tmp_path):
    first, _ = built
    build(tmp_path)
    assert _tree(first) == _tree(tmp_path)


def test_enough_sites_with_distinct_hosts(built):
    _, sites = built
    assert len(sites) >= 22
    assert len({s["host"] for s in sites}) == len(sites)
    assert len({s["key"] for s in sites}) == len(sites)
    assert len({s["truth"]["facts"]["state"] for s in sites}) >= 8


def test_truth_is_complete(built):
    _, sites = built
    for site in sites:
        assert set(site["truth"]["flags"]) == set(FLAGS), site["key"]
        assert set(site["truth"]["flags"].values()) <= {0, 1}, site["key"]
        facts = site["truth"]["facts"]
        assert set(facts) == set(FACTS) and all(facts.values()), site["key"]
        assert re.fullmatch(r"\+1\d{3}55501\d\d", facts["phone"]), site["key"]
        assert re.fullmatch(r"[A-Z]{2}", facts["state"]), site["key"]
        assert re.fullmatch(r"\d{5}", facts["postcode"]), site["key"]
        assert facts["email"].endswith(".example"), site["key"]


@pytest.mark.parametrize("flag", FLAGS)
def test_every_flag_is_set_and_unset_on_three_sites(built, flag):
    _, sites = built
    counts = Counter(s["truth"]["flags"][flag] for s in sites)
    assert counts[1] >= 3 and counts[0] >= 3, counts


def test_every_flag_line_carries_an_evidence_comment():
    for path in sorted((DATA_DIR / "sites").glob("*.yml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for flag in FLAGS:
            (line,) = [ln for ln in lines if ln.strip().startswith(f"{flag}:")]
            assert "#" in line, f"{path.name}: {flag} has no evidence comment"


def test_sites_show_their_phone_and_address(built):
    out, sites = built
    for site, raw in zip(sites, load_sites()):
        html = " ".join(p.read_bytes().decode("utf-8", "replace") for p in (out / site["key"]).rglob("*.html"))
        facts = site["truth"]["facts"]
        assert re.sub(r"\D", "", raw["phone_display"])[-10:] == facts["phone"][2:], site["key"]
        assert raw["phone_display"] in html, site["key"]
        assert facts["postcode"] in html and facts["city"] in html, site["key"]


def test_disallowed_pages_exist_are_linked_and_blocked(built):
    out, sites = built
    blocked = [s for s in sites if s["disallowed"]]
    assert len(blocked) >= 2
    for site in blocked:
        robots = (out / site["key"] / "robots.txt").read_text()
        html = " ".join(p.read_text("utf-8", "replace") for p in (out / site["key"]).rglob("*.html"))
        for prefix in site["disallowed"]:
            assert f"Disallow: {prefix}" in robots
            assert f'href="{prefix}' in html, f"{site['key']}: nothing links to {prefix}"
            assert (out / site["key"] / "pages" / prefix.strip("/")).is_dir()


def test_directory_yaml_blurbs_name_real_sites():
    directory = yaml.safe_load((DATA_DIR / "directory.yml").read_text(encoding="utf-8"))
    keys = {s["key"] for s in load_sites()}
    assert set(directory["blurbs"]) <= keys
