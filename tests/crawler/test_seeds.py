import pytest

from crawler.seeds import SeedError, beside_section, read_seeds, site_key


def test_reads_urls_and_names_and_dedupes_hosts(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("name,URL\nCalm,https://www.calm.example/\nCalm again,http://calm.example/about\nBare,bare.example\n,\n")
    seeds = read_seeds(f)
    assert [(s.url, s.name) for s in seeds] == [("https://www.calm.example/", "Calm"), ("https://bare.example/", "Bare")]


@pytest.mark.parametrize("content, message", [
    ("name,website\nA,https://a.example/\n", "no 'url' column"),
    ("url\nnot a url at all\n", "not a web address"),
    ("url\nftp://files.example/\n", "not a web address"),
    ("url\n", "no seed URLs"),
])
def test_bad_seed_files(tmp_path, content, message):
    f = tmp_path / "s.csv"
    f.write_text(content)
    with pytest.raises(SeedError, match=message):
        read_seeds(f)


def test_missing_file():
    with pytest.raises(SeedError, match="not found"):
        read_seeds("/nonexistent/seeds.csv")


def test_site_key_ignores_www_and_port():
    assert site_key("https://WWW.Calm.example:8443/x") == "calm.example"


@pytest.mark.parametrize("url, beside", [
    ("https://h.example/psychiatry/anxiety-clinic/", True),  # the department's other programme
    ("https://h.example/psychiatry/", True),  # the department's own page
    ("https://h.example/psychiatry/index.html", True),
    ("https://h.example/psychiatry/ketamine-service/faq/", False),  # the section itself
    ("https://h.example/patients/parking/", False),  # the hospital's shared pages
    ("https://h.example/", False),
])
def test_pages_beside_a_seeds_section(url, beside):
    assert beside_section("/psychiatry/ketamine-service/", url) is beside


def test_a_section_at_the_top_or_a_home_seed_has_nothing_beside_it():
    assert not beside_section("/ketamine/", "https://c.example/anxiety/")
    assert not beside_section("", "https://c.example/anxiety/")
