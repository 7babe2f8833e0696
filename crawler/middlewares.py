"""Downloader middlewares that keep a crawl of the open web safe and honest about faults.

    PrivateAddressGuard (40)  refuses requests and redirects to private, loopback, link-local,
                              reserved and cloud-metadata addresses, unless the clinic's own seed
                              is on that very host (the demo web lives on 127.0.0.x)
    FaultStats (45)           counts robots.txt files that failed to load (5xx, timeout, refused):
                              Scrapy then allows everything, and so do we, but the run's stats say so
    CrawlDelay (46)           honours a robots.txt Crawl-delay for our user agent (at most
                              CLINICVET_CRAWL_DELAY_MAX seconds): that site's requests are spaced by it
    RetryAfter (560)          honours Retry-After on 429/503 up to CLINICVET_RETRY_AFTER_MAX seconds,
                              then lets RetryMiddleware retry; a longer wait gives up on the page
    WireStats (901)           bytes and responses that really came over the network (not from the
                              HTTP cache), and 304s: what a cheap re-crawl saves

Async where Scrapy 2.19 awaits them (process_request may be a coroutine). Middlewares keep the
crawler from ``from_crawler`` and never use the deprecated ``spider`` argument.
"""

from __future__ import annotations

import ipaddress
import itertools
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from urllib.parse import urlsplit

from protego import Protego
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

# No module-level `from twisted.internet import reactor`: importing it would install the default
# reactor before Scrapy installs the asyncio one (the spider imports this module).

METADATA_HOSTS = {
    "metadata", "metadata.google.internal", "metadata.goog", "instance-data",
    "instance-data.ec2.internal", "metadata.azure.com", "169.254.169.254",
}


class PrivateAddressRefused(IgnoreRequest):
    """A request or redirect aimed at a private, loopback, link-local or metadata address."""


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def address_kind(host: str) -> str | None:
    """Why a host (IP literal or name) is not a public address, or None when it looks public.

    Names other than localhost and the metadata names are judged after DNS (PrivateAddressGuard).
    """
    if host in METADATA_HOSTS:
        return "metadata"
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private:
        return "private"
    if ip.is_multicast or ip.is_reserved or ip.is_unspecified:
        return "reserved"
    return None


class PrivateAddressGuard:
    """SSRF defence: a public clinic site cannot send the crawler into the operator's network.

    A request whose host is (or resolves to) a non-public address (loopback, private, link-local,
    reserved, or a cloud metadata address) is refused with PrivateAddressRefused, unless the
    request's own seed is on an address of the same kind (the demo web's seeds are on 127.0.0.x,
    so its loopback sites may link to each other; a loopback seed still cannot reach 10.x or
    169.254.169.254), or the host matches CLINICVET_ALLOW_PRIVATE (hosts or CIDR networks, e.g. a
    lab intranet). Requests without a site (robots.txt) are judged against every seed. Redirects
    are re-checked: Scrapy sends each redirect target back through every downloader middleware.

    CLINICVET_TREAT_AS_PUBLIC (hosts or networks) makes addresses count as public: the tests use
    it to let a fault web on loopback stand for the internet.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.allow = _host_set(crawler.settings.getlist("CLINICVET_ALLOW_PRIVATE"))
        self.public = _host_set(crawler.settings.getlist("CLINICVET_TREAT_AS_PUBLIC"))
        self._resolved: dict[str, str | None] = {}
        self._seed_hosts: set[str] = set()  # every seed's host and address kind, for _seed_allows
        self._seed_kinds: set[str | None] = set()
        self._indexed = 0  # how many of spider.sites (insertion-ordered) are in those sets

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def _seed_allows(self, request, host: str, kind: str) -> bool:
        """Whether the request's seed (every seed, for a request without a site) is on `host` or
        on an address of the same kind. Seeds are indexed once each: a check costs O(1), not
        O(seeds), so robots.txt requests stay cheap at 10,000 sites."""
        sites = getattr(self.crawler.spider, "sites", {}) or {}
        key = request.meta.get("site")
        if key in sites:
            seed = host_of(sites[key].seed.url)
            return host == seed or kind == await self._kind(seed)
        if len(sites) != self._indexed:
            start = self._indexed
            hosts = [host_of(site.seed.url) for site in itertools.islice(sites.values(), start, None)]
            kinds = [await self._kind(h) for h in hosts]  # spider.sites may grow meanwhile
            self._seed_hosts.update(hosts)
            self._seed_kinds.update(kinds)
            self._indexed = max(self._indexed, start + len(hosts))
        return host in self._seed_hosts or kind in self._seed_kinds

    async def _kind(self, host: str) -> str | None:
        if _matches(host, self.public):
            return None
        kind = address_kind(host)
        if kind or _is_ip(host):
            return kind
        if host not in self._resolved:
            from twisted.internet import reactor

            try:
                ip = await maybe_deferred_to_future(reactor.resolve(host, timeout=(2, 3)))
            except Exception:
                ip = None  # the download itself will fail with a DNS error, recorded as such
            self._resolved[host] = None if not ip or _matches(ip, self.public) else address_kind(ip)
            if self._resolved[host] == "metadata":
                self._resolved[host] = "link-local"
        return self._resolved[host]

    async def process_request(self, request):
        host = host_of(request.url)
        if not host or _matches(host, self.allow):
            return None
        kind = await self._kind(host)
        if kind is None:
            return None
        if await self._seed_allows(request, host, kind):
            return None
        self.stats.inc_value("clinicvet/private_refused")
        self.stats.inc_value(f"clinicvet/private_refused/{kind}")
        if request.meta.get("redirect_times"):
            self.stats.inc_value("clinicvet/private_refused/redirect")
        raise PrivateAddressRefused(f"refused {kind} address {host} (outside the seed's network)")


def _host_set(items) -> tuple[set[str], list]:
    hosts, nets = set(), []
    for item in items:
        item = str(item).strip().lower()
        try:
            nets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            if item:
                hosts.add(item)
    return hosts, nets


def _matches(host: str, host_set: tuple[set[str], list]) -> bool:
    hosts, nets = host_set
    if host in hosts:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def is_robots_request(request) -> bool:
    """Scrapy's own fetch of a site's robots.txt (not a page the spider asked for)."""
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(request.url).path == "/robots.txt"


class FaultStats:
    """robots.txt that failed to load. Decision: like Scrapy (and most crawlers on a 4xx), a
    robots.txt that cannot be loaded means allow-all; a 5xx or timeout is counted here
    (``clinicvet/robots_unavailable``) so a run's stats show which sites were crawled that way."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if is_robots_request(request) and response.status >= 500:
            self.stats.inc_value("clinicvet/robots_unavailable")
            self.stats.inc_value(f"clinicvet/robots_unavailable/{response.status}")
        return response

    def process_exception(self, request, exception):
        if is_robots_request(request) and not isinstance(exception, IgnoreRequest):
            self.stats.inc_value("clinicvet/robots_unavailable")
            self.stats.inc_value(f"clinicvet/robots_unavailable/{type(exception).__name__}")
        return None


class CrawlDelay:
    """Crawl-delay in robots.txt: the seconds a site asks crawlers to wait between requests.

    Scrapy reads robots.txt for Allow/Disallow only. Here its Crawl-delay for our user agent (or
    ``*``) becomes that site's download delay, without jitter, at most CLINICVET_CRAWL_DELAY_MAX
    seconds (a longer one is capped and counted: ``clinicvet/crawl_delay_capped``). It is written to
    the downloader's per-site settings too, so the site keeps it if Scrapy drops its idle slot, and
    our AutoThrottle never goes below it.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_delay = crawler.settings.getfloat("CLINICVET_CRAWL_DELAY_MAX", 30.0)
        self.user_agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT") or "*"

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if response.status == 200 and is_robots_request(request):
            delay = robots_crawl_delay(response.body, self.user_agent)
            if delay:
                self._apply(request, delay)
        return response

    def _apply(self, request, delay: float) -> None:
        self.stats.inc_value("clinicvet/crawl_delay_sites")
        if delay > self.max_delay:
            self.stats.inc_value("clinicvet/crawl_delay_capped")
            delay = self.max_delay
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings[key] = {**downloader.per_slot_settings.get(key, {}), "delay": delay, "jitter": 0}
        if slot := downloader.slots.get(key):
            slot.delay, slot.jitter = max(slot.delay, delay), 0


def robots_crawl_delay(body: bytes, user_agent: str) -> float | None:
    """Crawl-delay of a robots.txt body for ``user_agent`` (its group, else ``*``); None if none."""
    try:
        delay = Protego.parse(body.decode("utf-8", errors="replace")).crawl_delay(user_agent)
    except Exception:  # a robots.txt Protego cannot read sets no delay, as it sets no rule
        return None
    return float(delay) if delay and delay > 0 else None


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None when unparseable."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class RetryAfter:
    """429 / 503 with Retry-After: wait that long (at most CLINICVET_RETRY_AFTER_MAX seconds) before
    RetryMiddleware retries; asked to wait longer, give up on the page (stored with its status)."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.max_wait = crawler.settings.getfloat("CLINICVET_RETRY_AFTER_MAX", 30.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request, response):
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if response.status == 429:
            self.stats.inc_value("clinicvet/rate_limited")
        if wait is None:
            return response
        if wait > self.max_wait:
            self.stats.inc_value("clinicvet/retry_after_too_long")
            request.meta["dont_retry"] = True
            return response
        self.stats.inc_value("clinicvet/retry_after_waits")
        self.stats.inc_value("clinicvet/retry_after_seconds", wait)
        from twisted.internet import reactor

        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return response


class WireStats:
    """What came over the wire, as opposed to from the HTTP cache: ``clinicvet/wire_bytes`` (body
    and headers), ``clinicvet/wire_responses``, ``clinicvet/wire_304`` (revalidated, not re-sent)."""

    def __init__(self, crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if "cached" not in response.flags:
            headers = sum(len(k) + len(v) + 4 for k, vs in response.headers.items() for v in vs)
            self.stats.inc_value("clinicvet/wire_bytes", len(response.body) + headers + 17)
            self.stats.inc_value("clinicvet/wire_responses")
            if response.status == 304:
                self.stats.inc_value("clinicvet/wire_304")
        return response


from scrapy.extensions.throttle import AutoThrottle as _AutoThrottle  # noqa: E402


class AutoThrottle(_AutoThrottle):
    """Scrapy's AutoThrottle, except that a 304 Not Modified counts as a normal answer, and a
    site's robots.txt Crawl-delay is a floor.

    Scrapy never lets a non-200 response lower a site's delay (error pages are small and fast), so
    a re-crawl answered with 304s would crawl every site at the start delay: slower than the first
    crawl. A 304 is the server's normal, cheap answer to a conditional request.
    """

    def _adjust_delay(self, slot, latency, response):
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)

    def _response_downloaded(self, response, request, spider=None):
        super()._response_downloaded(response, request, spider)
        # A site's robots.txt Crawl-delay (CrawlDelay, above) is a floor the throttle keeps.
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        floor = downloader.per_slot_settings.get(key, {}).get("delay")
        if floor and (slot := downloader.slots.get(key)) and slot.delay < floor:
            slot.delay = floor
