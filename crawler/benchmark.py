"""`clinicvet crawl --benchmark`: politeness off, only for a web the user serves themselves.

A benchmark that waits out per-site delays measures the delays; one that turns them off must never
do so against the real web. The profile is data (benchmark_profile.yml), and the guard checks every
seed before the crawl starts.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import yaml

PROFILE_FILE = Path(__file__).with_name("benchmark_profile.yml")
# Names reserved for testing and documentation (RFC 2606, RFC 6761): never a real clinic's site.
_RESERVED = (".test", ".localhost", ".invalid", ".example")


def profile() -> dict:
    """The benchmark profile's Scrapy settings."""
    return yaml.safe_load(PROFILE_FILE.read_text())


def own_host(url: str) -> bool:
    """True when url's host is loopback, private or link-local, or a reserved test name."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(_RESERVED):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local
