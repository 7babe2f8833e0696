import pytest

from crawler.seeds import SeedError, read_seeds, site_key


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
