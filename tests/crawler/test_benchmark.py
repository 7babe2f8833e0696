import pytest

from crawler.benchmark import own_host, profile


@pytest.mark.parametrize("url, own", [
    ("http://127.0.0.5:8001/", True), ("http://site-00042.bench.test:9000/", True), ("http://localhost/", True),
    ("http://10.1.2.3/", True), ("http://[::1]:8080/", True), ("https://clinic.example/", True),
    ("https://calm-harbor-ketamine.com/", False), ("https://8.8.8.8/", False), ("https://test.com/", False),
    ("https://clinic.test.com/", False), ("not a url", False),
])
def test_only_loopback_private_and_reserved_test_hosts_count_as_ones_own(url, own):
    assert own_host(url) is own


def test_the_profile_turns_delays_off_and_keeps_robots_txt():
    settings = profile()
    assert settings["AUTOTHROTTLE_ENABLED"] is False and settings["DOWNLOAD_DELAY"] == 0
    assert settings["ROBOTSTXT_OBEY"] is True
