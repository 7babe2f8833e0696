"""The `clinic` spider: crawl each seed's own site, most useful pages first, within a budget.

    scrapy crawl clinic -a seeds=seeds.csv -s CLINICVET_DB=clinics.db
    clinicvet crawl --seeds seeds.csv --db clinics.db        # the same, with progress and checks

Stays on the seed's host (and the host its home page redirects to), obeys robots.txt (Scrapy's
middleware), follows links no deeper than CLINICVET_MAX_DEPTH and fetches at most
CLINICVET_MAX_PAGES pages per site. Extraction is crawler.extract, shared with the CLI.

Resumable with Scrapy's JOBDIR (`clinicvet crawl --resume`, or `-s JOBDIR=DIR`): the per-site state
(seen URLs, budgets, trap counters, the pages already fetched) lives in ``spider.state``, which
Scrapy saves in JOBDIR when a crawl is stopped and loads when it is resumed. A resumed crawl first
replays what its stopped run fetched as items (page text from the database, page facts from the
state), so the pipelines score and store every clinic whole; those pages are not fetched again.
"""

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
import yaml
from protego import Protego
from scrapy.exceptions import (CannotResolveHostError, DownloadCancelledError,
                               DownloadConnectionRefusedError, DownloadTimeoutError, IgnoreRequest,
                               ResponseDataLossError)
from scrapy.http import TextResponse
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.extract.links import canonical, resolve_links
from crawler.items import FetchErrorItem, PageItem, SiteDoneItem
from crawler.middlewares import PrivateAddressRefused
from crawler.page_memo import PageMemo, body_digest
from crawler.pdf import PdfError, is_pdf
from crawler.resources import data_file
from crawler.seeds import (Seed, at_location, beside_section, folder_path, in_section, read_seeds, section_parent,
                           seed_section, site_key)
from crawler.sitemaps import read_sitemap
from crawler.storage import Store, now
from crawler.workers import Workers, extract_pdf, read_html

PRIORITY_FILE = data_file("crawler", "link_priority.yml")


@dataclass
class Site:
    seed: Seed
    hosts: set[str]
    seen: set[str] = field(default_factory=set)  # URLs queued or scheduled, never twice
    scheduled: int = 0  # page requests made: the budget counts these
    # Links found and not yet requested, best first: (-priority, order, url, depth). Only a few
    # requests per site are out at a time, so a team page found on the fifth page still comes
    # before the thirtieth link of the home page's menu.
    frontier: list = field(default_factory=list)
    order: int = 0
    pending: int = 0  # requests whose callback has not finished yet
    items: int = 0  # pages and fetch errors yielded, told to the store when the site is done
    fetched: int = 0
    failed: int = 0
    patterns: Counter = field(default_factory=Counter)  # crawl-trap defence: URLs per pattern
    section: str = ""  # the seed's own section of a larger site ("/services/ketamine/"), if any
    demoted: set[str] = field(default_factory=set)  # links sent back as their folder had its share
    # With JOBDIR only: what was yielded, replayed on resume. Pages as {"url", "depth", "facts"}
    # (their text is in the database), fetch errors as {"url", "error", "fetched_at"}.
    done: list[dict] = field(default_factory=list)

    def __setstate__(self, state: dict) -> None:
        """A crawl stopped by a version without the frontier resumes: its seen URLs were requested."""
        self.__dict__.update({"frontier": [], "order": 0, "scheduled": len(state.get("seen", ())),
                              "demoted": set(), **state})


# "es", "pt-BR", "zh_Hans": a language, an optional region or script ("/de-stress/" is no language).
_LANGUAGE_CODE = re.compile(r"([a-z]{2,3})(?:[-_](?:[a-z]{2}|hans|hant|latn|cyrl))?", re.I)


class LinkRanker:
    """Priority of a link from link_priority.yml: keyword weights on URL path and anchor text."""

    def __init__(self, path: Path = PRIORITY_FILE):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.default = int(data.get("default", 0))
        self.keywords = {k.lower(): int(v) for k, v in (data.get("keywords") or {}).items()}
        self.skip = [re.compile(p, re.I) for p in data.get("skip") or []]
        self._word = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
        self.translated = int(data.get("translated", 0))
        self.seed_section = int(data.get("seed_section", 0))
        self.languages = {str(code).lower() for code in data.get("languages") or []}
        crowded = data.get("crowded_folder") or {}
        self.crowded_after = int(crowded.get("after", 0))  # 0: off
        self.crowded_penalty = int(crowded.get("penalty", 0))

    def skipped(self, url: str) -> bool:
        return any(p.search(url) for p in self.skip)

    def other_location(self, section: str, url: str) -> bool:
        """Whether the URL is another location of a chain whose location page is the seed
        ("/locations/boulder/…" for a seed "/locations/denver/"): another clinic, not this one."""
        if not at_location(section):
            return False
        # Not the chain's list of all locations: that page is the folder itself.
        return beside_section(section, url) and folder_path(url) != section_parent(section)

    def priority(self, url: str, anchor: str = "") -> int:
        parts = urlsplit(url)
        haystack = f"{parts.path} {anchor}".lower()
        tokens = set()
        for chunk in self._word.findall(haystack):
            tokens.add(chunk)
            tokens.update(chunk.split("-"))
            # "what-to-expect" and "new-patients" are keywords too: add each run of words.
            words = chunk.split("-")
            tokens.update("-".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1))
        weights = [self.keywords[t] for t in tokens if t in self.keywords]
        return (max(weights) if weights else self.default) + (self.translated if self.is_translation(parts) else 0)

    def is_translation(self, parts) -> bool:
        """A language code ("es", "pt-br", "zh_Hans") as the first path segment, the host's first
        label or a lang= parameter, and not English."""
        segment = parts.path.lstrip("/").split("/", 1)[0]
        query = [v for k, v in parse_qsl(parts.query) if k.lower() in ("lang", "language", "locale", "hl", "wpml_lang")]
        codes = [segment, parts.hostname.split(".", 1)[0] if parts.hostname and parts.hostname.count(".") > 1 else "", *query]
        return any((m := _LANGUAGE_CODE.fullmatch(code)) and m.group(1).lower() in self.languages for code in codes)


_DIGITS = re.compile(r"\d+")
_CALENDAR_PATH = re.compile(
    r"/(?:calendars?|events?|schedule|agenda)(?:/|$)|/\d{4}[/-]\d{1,2}(?:[/-]\d{1,2})?(?:/|$)", re.I)
_CALENDAR_KEYS = {"date", "day", "month", "year", "week", "start", "end", "from", "to", "ical",
                  "eventdate", "eventdisplay", "tribe-bar-date", "calendar", "cal", "view"}


def trap_keys(url: str, page_ids: frozenset[str] = frozenset()) -> tuple[list[str], bool]:
    """Pattern keys a URL counts against (query-string variants of its path; its path with digits
    as N plus its query's parameter names), and whether it looks like a calendar page. A query made
    only of page_ids ("/?page_id=42", "page.php?id=7") names a page of a site without pretty URLs,
    as a path does elsewhere: it counts against no key."""
    parts = urlsplit(url)
    names = sorted({k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    calendar = bool(_CALENDAR_PATH.search(parts.path) or _CALENDAR_KEYS.intersection(names))
    if names and page_ids.issuperset(names) and not calendar and not _DIGITS.search(parts.path):
        return [], False
    keys = []
    if parts.query:
        keys.append(f"query:{parts.path}")
    pattern = _DIGITS.sub("N", parts.path)
    if pattern != parts.path or names:
        keys.append(f"pattern:{pattern}?{'&'.join(names)}")
    return keys, calendar


def fault_kind(failure) -> str:
    """A short name for why a request got no usable response, for the run's stats."""
    if failure.check(PrivateAddressRefused):
        return "private_address"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "redirect" in message:
            return "redirect_loop"
        return "robots" if "robots" in message.lower() else "ignored"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return "timeout"
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return "connection_refused"
    if failure.check(CannotResolveHostError, DNSLookupError):
        return "dns"
    if failure.check(DownloadCancelledError):  # DOWNLOAD_MAXSIZE (announced or while streaming)
        return "too_large"
    if failure.check(ResponseDataLossError):
        return "data_loss"
    return "other"


class ClinicSpider(scrapy.Spider):
    name = "clinic"
    SITEMAP_CHILDREN = 3  # sitemaps of a sitemap index read (page and post sitemaps come first)

    def __init__(self, seeds: str | None = None, urls: str | None = None,
                 max_pages: int | str | None = None, max_depth: int | str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed_list: list[Seed] = []
        if seeds:
            self.seed_list = read_seeds(seeds)
        if urls:
            self.seed_list += [Seed(u.strip(), "") for u in urls.split(",") if u.strip()]
        self._max_pages = max_pages
        self._max_depth = max_depth
        self.state = {}  # with JOBDIR, Scrapy's SpiderState swaps in the saved state on spider_opened
        self.ranker = LinkRanker()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.max_pages = int(spider._max_pages or s.getint("CLINICVET_MAX_PAGES", 40))
        spider.max_depth = int(spider._max_depth if spider._max_depth is not None else s.getint("CLINICVET_MAX_DEPTH", 3))
        spider.trap_caps = {"query": s.getint("CLINICVET_TRAP_MAX_QUERY", 3),
                            "pattern": s.getint("CLINICVET_TRAP_MAX_PATTERN", 5),
                            "calendar": s.getint("CLINICVET_TRAP_MAX_CALENDAR", 3)}
        spider.page_ids = frozenset(p.lower() for p in s.getlist("CLINICVET_PAGE_ID_PARAMS"))
        spider.workers = Workers.for_crawler(crawler)
        spider.sitemaps = s.getbool("CLINICVET_SITEMAPS", True)
        spider.max_open_sites = max(1, s.getint("CLINICVET_OPEN_SITES", 200))
        # Requests of one site out at once (Scrapy downloads two per site): enough to keep its
        # download slot busy, few enough that each new page's links compete for the rest.
        spider.in_flight = max(1, s.getint("CLINICVET_SITE_IN_FLIGHT", 4))
        spider.open_sites = 0
        spider.resumable = bool(s.get("JOBDIR"))
        spider.rules_path = s.get("CLINICVET_RULES")
        spider.memo = None
        if s.getbool("CLINICVET_PAGE_MEMO", True):
            spider.memo = PageMemo(s.get("CLINICVET_DB"), spider.rules_path)
        return spider

    @property
    def sites(self) -> dict[str, Site]:
        """Per-site crawl state by site key; in spider.state, so a stopped crawl keeps it (JOBDIR)."""
        return self.state.setdefault("sites", {})

    # -- progress, read by crawler.progress -------------------------------------------------------
    def progress(self) -> dict:
        done = sum(1 for s in self.sites.values() if s.pending == 0)
        return {
            "sites": len(self.seed_list), "sites_done": done,
            "pages": sum(s.fetched for s in self.sites.values()),
            "errors": sum(s.failed for s in self.sites.values()),
        }

    async def start(self):
        if self.state.pop("finished", False):  # a JOBDIR reused after its crawl finished: start afresh
            self.state.clear()
        for item in self._replay():
            yield item
        for seed in self.seed_list:
            key = site_key(seed.url)
            if key in self.sites:  # also: a resumed crawl's sites, whose requests JOBDIR kept
                continue
            await self._room_for_a_site()
            site = self.sites[key] = Site(seed, {site_key(seed.url)}, section=seed_section(seed.url))
            self.open_sites += 1
            request = self._request(site, key, canonical(seed.url), depth=0, priority=1000)
            if request:
                # Both counted in site.pending before either is yielded: the home page's callback
                # may run before this generator resumes, and must not find the site done.
                sitemap = self._sitemap_request(site, key, urljoin(seed.url, "/sitemap.xml"), 0) if self.sitemaps else None
                yield request
                if sitemap:
                    yield sitemap

    # -- sitemaps: pages the menus do not link (JavaScript menus, orphaned FAQ or team pages) --------
    def _sitemap_request(self, site: Site, key: str, url: str, depth: int, step: str = ""):
        site.pending += 1
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.sitemap_failed, priority=900,
                              dont_filter=True, meta={"site": key, "sitemap_depth": depth, "sitemap_step": step})

    def parse_sitemap(self, response):
        """/sitemap.xml (or a sitemap index, one level): the pages whose URL names something the
        rubric needs (team, about, FAQ, process, pricing…) join the crawl, within the page budget.
        Other sitemap URLs are left to link-following, so a blog of 500 posts cannot spend it."""
        key = response.meta["site"]
        site = self.sites[key]
        yield from self._sitemap_links(response, site, key)
        yield from self._settle(site, key)

    def _sitemap_links(self, response, site: Site, key: str):
        sitemap = None
        if response.status < 400 and response.body:
            sitemap = read_sitemap(response.body, self.settings.getint("DOWNLOAD_MAXSIZE"))
        if sitemap is None:
            yield from self._sitemap_fallback(site, key, response.request)
            return
        locs = resolve_links(response.url, [(e["loc"], "") for e in sitemap if e.get("loc")])
        if sitemap.type == "sitemapindex" and response.meta["sitemap_depth"] == 0:
            for url in [u for u, _ in locs if site_key(u) in site.hosts][:self.SITEMAP_CHILDREN]:
                yield self._sitemap_request(site, key, url, depth=1)
        elif sitemap.type == "urlset":
            wanted = [(u, a) for u, a in locs if self._rank(site, u) > self.ranker.default]
            self.crawler.stats.inc_value("clinicvet/sitemap_urls", len(wanted))
            self._enqueue(wanted, site, depth=1)

    def sitemap_failed(self, failure):
        key = failure.request.meta["site"]  # no sitemap: the links suffice
        yield from self._sitemap_fallback(self.sites[key], key, failure.request)
        yield from self._settle(self.sites[key], key)

    def _sitemap_fallback(self, site: Site, key: str, request):
        """No /sitemap.xml: try /sitemap_index.xml, where Rank Math and All in One SEO put theirs,
        then the sitemaps the site's robots.txt names (a custom path)."""
        if request.meta.get("sitemap_depth") != 0:
            return
        step = request.meta.get("sitemap_step", "")
        if not step and urlsplit(request.url).path == "/sitemap.xml":
            yield self._sitemap_request(site, key, urljoin(request.url, "/sitemap_index.xml"), 0, step="index")
        elif step == "index":
            site.pending += 1
            yield scrapy.Request(urljoin(request.url, "/robots.txt"), callback=self.parse_robots_sitemaps,
                                 errback=self.sitemap_failed, priority=900, dont_filter=True,
                                 meta={"site": key, "sitemap_depth": 0, "sitemap_step": "robots"})

    def parse_robots_sitemaps(self, response):
        """The `Sitemap:` lines of robots.txt, on this site's hosts, read like /sitemap.xml."""
        key = response.meta["site"]
        site = self.sites[key]
        if response.status < 400 and isinstance(response, TextResponse):
            tried = {"/sitemap.xml", "/sitemap_index.xml"}
            urls = [u for u in Protego.parse(response.text).sitemaps
                    if site_key(u) in site.hosts and urlsplit(u).path not in tried]
            for url in urls[:self.SITEMAP_CHILDREN]:
                yield self._sitemap_request(site, key, url, 0, step="robots")
        yield from self._settle(site, key)

    async def _room_for_a_site(self) -> None:
        """At most CLINICVET_OPEN_SITES sites are crawled at once; the next seed starts when one is
        done. The scheduler and the per-site state then stay the same size at 100 or 10,000 seeds,
        and so does Scrapy's per-request cost of choosing a download slot. A site whose callback
        failed never reports done: when nothing is downloading or being parsed, go on anyway."""
        from twisted.internet import reactor  # the installed one: importing it early would install one

        engine = self.crawler.engine
        while self.open_sites >= self.max_open_sites and (
                engine.downloader.active or (engine.scraper.slot and engine.scraper.slot.active)):
            await maybe_deferred_to_future(deferLater(reactor, 0.05, lambda: None))

    def closed(self, reason):
        if self.memo is not None:
            self.memo.close()
        # Nothing left to resume (Scrapy saves the state after this). Not so for one process of a run
        # in several (crawler/shards.py): if another stopped, the resumed run replays this one's sites.
        if reason == "finished" and not self.settings.get("CLINICVET_SHARD"):
            self.state["finished"] = True

    def _replay(self):
        """A resumed crawl: the pages and fetch errors its stopped run yielded, as items again
        (no request), so the pipelines score and store each clinic from all its pages."""
        sites = [(key, site) for key, site in self.sites.items() if site.done]
        if not sites:
            return
        stats = self.crawler.stats
        stats.set_value("clinicvet/resumed_sites", len(sites))
        store = Store(self.settings.get("CLINICVET_DB"))
        try:
            for key, site in sites:
                rows = store.stored_pages([d["url"] for d in site.done if "facts" in d])
                for done in site.done:
                    common = dict(site=key, seed_url=site.seed.url, seed_name=site.seed.name, url=done["url"])
                    if "error" in done:
                        stats.inc_value("clinicvet/resumed_errors")
                        yield FetchErrorItem(**common, error=done["error"], fetched_at=done["fetched_at"])
                    elif done["url"] in rows:
                        row = rows[done["url"]]
                        stats.inc_value("clinicvet/resumed_pages")
                        yield PageItem(**common, status=row["status"], title=row["title"] or "",
                                       text=row["text"] or "", fetched_at=row["fetched_at"],
                                       depth=done["depth"], outside=not self._inside(site, done["url"]),
                                       facts=done["facts"])
                    else:  # gone from the database since the stop: the clinic is scored without it
                        stats.inc_value("clinicvet/resumed_missing")
        finally:
            store.close()

    def _yielded(self, site: Site, item) -> None:
        """Count a page or fetch error of the site for the store, and remember it for a resume
        (only with JOBDIR: it costs memory per page)."""
        site.items += 1
        if not self.resumable:
            return
        if isinstance(item, FetchErrorItem):
            site.done.append({"url": item.url, "error": item.error, "fetched_at": item.fetched_at})
        else:
            site.done.append({"url": item.url, "depth": item.depth, "facts": item.facts})

    def _request(self, site: Site, key: str, url: str, depth: int, priority: int):
        if url in site.seen or site.scheduled >= self.max_pages:
            return None
        site.seen.add(url)
        return self._schedule(site, key, url, depth, priority)

    def _schedule(self, site: Site, key: str, url: str, depth: int, priority: int) -> scrapy.Request:
        """A page request, counted against the budget (its URL is in site.seen already)."""
        site.scheduled += 1
        site.pending += 1
        return scrapy.Request(url, callback=self.parse, errback=self.failed, priority=priority,
                              dont_filter=True, meta={"site": key, "page_depth": depth})

    async def parse(self, response):
        key = response.meta["site"]
        site = self.sites[key]
        depth = response.meta["page_depth"]
        if depth == 0:
            site.hosts.add(site_key(response.url))  # the home page may redirect to www. or a new domain
            site.section = site.section and seed_section(response.url)  # ...and a section, elsewhere
        if site_key(response.url) not in site.hosts:
            self.crawler.stats.inc_value("clinicvet/offsite_redirect")
            for done in self._settle(site, key):
                yield done
            return
        site.fetched += 1
        if response.status >= 400:
            self.crawler.stats.inc_value("clinicvet/error_pages")
        item = PageItem(site=key, seed_url=site.seed.url, seed_name=site.seed.name, url=response.url,
                        status=response.status, fetched_at=now(), depth=depth, outside=not self._inside(site, response.url))
        ctype = response.headers.get(b"Content-Type", b"").decode("latin-1")
        if response.status < 400 and is_pdf(response.body, ctype):
            await self._pdf(response, item)
        elif response.status < 400 and b"\x00" in response.body[:2048]:
            self.crawler.stats.inc_value("clinicvet/binary_responses")  # stored with its status, no text
        elif isinstance(response, TextResponse) and response.status < 400:
            item.body_sha1 = body_digest(response.body)
            memo = self.memo.lookup(response.url, item.body_sha1) if self.memo else None
            if memo:  # the same bytes as last crawl (a 304, mostly): what they gave then
                self.crawler.stats.inc_value("clinicvet/memo_pages")
                item.title, item.text, item.facts, item.links = memo["title"], memo["text"], memo["facts"], memo["links"]
                item.signals = memo["signals"] or {}  # none when the rules changed: scored again
                item.reused = bool(memo["signals"])
            else:
                # Parsing and scoring are CPU work: a worker process does both while the reactor
                # keeps downloading.
                page, item.signals, item.packed = await self.workers.run(
                    read_html, self._text(response), response.url, self.rules_path)
                item.title, item.text, item.facts, item.links = page.title, page.text, page.facts, page.links
            if depth < self.max_depth:
                self._enqueue(item.links, site, depth + 1)
        elif response.status < 400:
            self.crawler.stats.inc_value("clinicvet/binary_responses")
        self._yielded(site, item)
        yield item
        for done in self._settle(site, key):
            yield done

    def _settle(self, site: Site, key: str):
        """One request of the site finished (after its links joined the frontier): request the best
        links next; when none is left to request or the budget is spent and nothing is out, tell
        the store the site is done and drop what the budget no longer needs."""
        site.pending -= 1
        yield from self._drain(site, key)
        if site.pending == 0:
            self.open_sites -= 1
            if site.frontier:
                self.crawler.stats.inc_value("clinicvet/budget_reached_links", len(site.frontier))
            site.seen.clear()
            site.patterns.clear()
            site.frontier.clear()
            yield SiteDoneItem(site=key, seed_url=site.seed.url, seed_name=site.seed.name, items=site.items)

    def _drain(self, site: Site, key: str):
        """Requests for the frontier's best links, keeping at most IN_FLIGHT of the site's out."""
        while site.frontier and site.pending < self.in_flight and site.scheduled < self.max_pages:
            neg_priority, order, url, depth = heapq.heappop(site.frontier)
            traps = self._trap_keys(url)
            if self._trapped(site, traps):  # its pattern had its share while the link waited
                continue
            folder = "folder:" + urlsplit(url).path.rstrip("/").rsplit("/", 1)[0] + "/"
            if (self.ranker.crowded_after and folder != "folder:/" and url not in site.demoted
                    and site.patterns[folder] >= self.ranker.crowded_after):
                # Its folder ("/providers/" of a 30-provider practice) had its share: the link
                # goes back, ranked crowded_folder.penalty lower, behind other kinds of page.
                site.demoted.add(url)
                heapq.heappush(site.frontier, (neg_priority + self.ranker.crowded_penalty, order, url, depth))
                continue
            site.patterns[folder] += 1
            site.patterns.update(traps)
            yield self._schedule(site, key, url, depth, -neg_priority)

    def _text(self, response: TextResponse) -> str:
        """The page's text; a page declared UTF-8 whose bytes are not (a common misconfiguration:
        Windows-1252 served as UTF-8) is read as Windows-1252 instead of with U+FFFD marks."""
        text = response.text
        if "\ufffd" in text and response.encoding.replace("-", "").lower() == "utf8":
            try:
                response.body.decode("utf-8")
            except UnicodeDecodeError:
                self.crawler.stats.inc_value("clinicvet/charset_fallback")
                return response.body.decode("cp1252", errors="replace")
        return text

    async def _pdf(self, response, item: PageItem) -> None:
        """A PDF (intake or consent form, brochure): its text is scored as a page."""
        try:
            title, page = await self.workers.run(extract_pdf, response.body)
        except PdfError as e:
            self.crawler.stats.inc_value("clinicvet/pdf_errors")
            self.logger.info("unreadable PDF %s: %s", response.url, e)
            return
        self.crawler.stats.inc_value("clinicvet/pdf_pages")
        item.title = title or urlsplit(response.url).path.rsplit("/", 1)[-1]
        item.text, item.facts = page.text, page.facts

    def _trap_keys(self, url: str) -> list[str]:
        """The trap counters a URL counts against (trap_keys), "calendar:" among them for a calendar page."""
        keys, calendar = trap_keys(url, self.page_ids)
        return keys + ["calendar:"] if calendar else keys

    def _trapped(self, site: Site, keys: list[str]) -> bool:
        """A crawl trap (endless calendar, query-string variants): refused once one of the URL's
        trap counters (_trap_keys) has had its share (CLINICVET_TRAP_MAX_*) of the site's budget."""
        for k in keys:
            if site.patterns[k] >= self.trap_caps[k.split(":", 1)[0]]:
                self.crawler.stats.inc_value("clinicvet/trap_skipped")
                return True
        return False

    @staticmethod
    def _inside(site: Site, url: str) -> bool:
        """Whether the URL lies in the seed's own section of a larger site (always, for a home seed)."""
        return in_section(site.section, url)

    def _rank(self, site: Site, url: str, anchor: str = "") -> int:
        """The link's priority, raised when it lies in the seed's own section of a larger site."""
        inside = site.section and self._inside(site, url)
        return self.ranker.priority(url, anchor) + (self.ranker.seed_section if inside else 0)

    def _enqueue(self, page_links: list[tuple[str, str]], site: Site, depth: int) -> None:
        """A page's links (absolute and canonical: crawler.extract.links) join the site's frontier;
        _settle requests the best of it when the page's callback ends."""
        if site.scheduled >= self.max_pages:
            return  # the budget is spent: no link of this page can be requested
        links, traps = {}, {}
        for url, anchor in page_links:
            if url in site.seen or site_key(url) not in site.hosts:  # the menu's links: seen, mostly
                continue
            is_pdf_link = urlsplit(url).path.lower().endswith(".pdf")  # forms are worth scoring
            if self.ranker.skipped(url) and not is_pdf_link:
                continue
            if site.section and self.ranker.other_location(site.section, url):
                self.crawler.stats.inc_value("clinicvet/other_location_skipped")
                continue
            traps[url] = self._trap_keys(url)
            calendar_penalty = 50 if "calendar:" in traps[url] else 0  # real pages before calendar pages
            links[url] = max(links.get(url, -1000), self._rank(site, url, anchor) - calendar_penalty)
        for url, prio in sorted(links.items(), key=lambda kv: -kv[1]):
            if self._trapped(site, traps[url]):
                continue
            site.seen.add(url)
            site.order += 1
            heapq.heappush(site.frontier, (-(prio - depth * 10), site.order, url, depth))

    def failed(self, failure):
        request = failure.request
        key = request.meta["site"]
        site = self.sites[key]
        kind = fault_kind(failure)
        self.crawler.stats.inc_value(f"clinicvet/fault/{kind}")
        if kind in ("robots", "ignored"):
            self.crawler.stats.inc_value("clinicvet/ignored")  # robots.txt, mostly
        else:
            site.failed += 1
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:500]
            item = FetchErrorItem(site=key, seed_url=site.seed.url, seed_name=site.seed.name,
                                  url=request.url, error=error, fetched_at=now())
            self._yielded(site, item)
            yield item
        yield from self._settle(site, key)
