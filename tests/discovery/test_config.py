"""Directory configs: the demo configs load, and every kind of mistake is one clear line."""

from pathlib import Path

import pytest

from crawler.discovery.config import ConfigError, load_config, load_configs, parse_config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / "data" / "directories"


def test_demo_configs_load():
    configs = load_configs([CONFIGS])
    assert {c.name for c in configs} >= {"demo-care-finder", "demo-society", "demo-finder", "demo-infusion-map"}
    society = next(c for c in configs if c.name == "demo-society")
    assert society.entries.kind == "css" and society.detail.query == "td.practice a::attr(href)"
    assert society.detail_fields["claims"].query == "ul.credentials li"
    finder = next(c for c in configs if c.name == "demo-finder")
    assert finder.entries.kind == "xpath" and finder.fields["claims"].all
    jsonld = next(c for c in configs if c.name == "demo-infusion-map")
    assert jsonld.format == "jsonld" and jsonld.sitemap.follow == ["/states/"] and not jsonld.start_urls


def test_placeholders_are_filled_and_missing_ones_named():
    cfg = load_config(CONFIGS / "demo-society.yml")
    assert cfg.placeholders() == {"demo_port"}
    assert cfg.with_vars({"demo_port": "8790"}).start_urls == ["http://127.0.0.3:8790/members/"]
    assert cfg.start_urls == ["http://127.0.0.3:{demo_port}/members/"]  # the original is unchanged
    with pytest.raises(ConfigError, match=r"placeholder \{demo_port\} has no value \(give --var demo_port=VALUE\)"):
        cfg.with_vars({})


GOOD = {"name": "x", "start_urls": ["https://dir.example/"], "entries": "tr", "fields": {"name": "td", "phone": "td.p"}}


@pytest.mark.parametrize("change, message", [
    ({"name": None}, "name: required"),
    ({"name": "Bad Name"}, "name: required"),
    ({"start_urls": []}, "start_urls: required"),
    ({"start_urls": ["ftp://x"]}, "start_urls: not an http"),
    ({"entries": None}, "entries: required for format html"),
    ({"entries": "td..bad"}, "entries: invalid CSS selector 'td..bad'"),
    ({"next": {"xpath": "//a[@rel='next'"}}, "next: invalid XPATH selector"),
    ({"next": {"css": "a", "xpath": "//a"}}, "next: give exactly one of css or xpath"),
    ({"next": {"css": "a", "first": True}}, "next: unknown selector key 'first'"),
    ({"fields": {"phone": "td"}}, "fields.name: required"),
    ({"fields": {"name": "td"}}, "fields: give at least one of website, phone"),
    ({"fields": {"name": "td", "phone": {"css": "td", "re": "(a)(b)"}}}, "at most one group"),
    ({"fields": {"name": "td", "phone": {"css": "td", "re": "("}}}, "fields.phone: invalid regular expression"),
    ({"detail_fields": {"website": "a::attr(href)"}}, "detail_fields: given but no 'detail' selector"),
    ({"format": "xml"}, "format: must be one of html, jsonld"),
    ({"colour": "red"}, "colour: unknown key"),
    ({"sitemap": {"urls": ["/sitemap.xml"]}}, "sitemap.urls: a list of absolute"),
    ({"sitemap": {"urls": ["https://d.example/sitemap.xml"], "kind": "page"}}, "sitemap.kind: must be listing or detail"),
    ({"max_pages": 0}, "max_pages: must be a positive"),
    ({"jsonld": {"types": "MedicalClinic"}}, "jsonld.types: must be a list"),
])
def test_bad_configs_fail_with_one_line(change, message):
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ConfigError) as err:
        parse_config(data, "dirs/x.yml")
    text = str(err.value)
    assert text.startswith("dirs/x.yml: ") and message in text and "\n" not in text


def test_jsonld_config_needs_no_entries():
    cfg = parse_config({"name": "map", "format": "jsonld", "start_urls": ["https://m.example/"]})
    assert cfg.entries is None and "MedicalClinic" in cfg.jsonld.types


def test_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="directory config not found"):
        load_config(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yml: not valid YAML \(line \d+\)"):
        load_config(bad)
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(bad)
    with pytest.raises(ConfigError, match="no \\*.yml directory configs"):
        load_configs([tmp_path / "empty"] if (tmp_path / "empty").mkdir() is None else [])


def test_duplicate_names_across_files(tmp_path):
    text = "name: same\nstart_urls: [https://a.example/]\nentries: tr\nfields: {name: td, phone: td}\n"
    (tmp_path / "a.yml").write_text(text)
    (tmp_path / "b.yml").write_text(text)
    with pytest.raises(ConfigError, match="name 'same' is already used"):
        load_configs([tmp_path])
