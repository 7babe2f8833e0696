"""The `directory` spider: read clinic listings from directories described by YAML configs.

    scrapy crawl directory -a config=data/directories/society.yml -a vars=port=8790 -s CLINICVET_DB=x.db
    clinicvet discover --config data/directories/society.yml --db x.db     # the same, then resolves

For each config (crawler/discovery/config.py): fetch the start URLs and any sitemap URLs (robots.txt
Sitemap: lines, sitemap indexes), read the listing entries (HTML selectors or JSON-LD ItemList /
MedicalClinic nodes), follow the next-page link and detail pages, then fetch each listed website
once to learn where it really lives (redirects followed, so an old domain resolves to the new one;
a dead site is recorded as such). Yields one listing item per entry; the ListingPipeline stores
them. Seeds (-a seeds=FILE.csv) go through the same website check, as kind "seed" listings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.discovery.config import DirectoryConfig, Selector, load_configs
from crawler.discovery.resolve import domain_key, host_of, normalize_phone, parse_address
from crawler.discovery.store import listing_id
from crawler.extract.jsonld import jsonld_nodes
from crawler.seeds import Seed, read_seeds
from crawler.sitemaps import read_sitemap
from crawler.storage import now

_WS = re.compile(r"\s+")
_SKIP_HREF = ("mailto:", "tel:", "javascript:", "#", "data:")


@dataclass
class _Source:
    """What crawler.middlewares.PrivateAddressGuard reads as ``spider.sites[...].seed.url``: a
    directory on loopback may list websites on loopback (the demo web), a public one may not."""

    seed: Seed


def parse_vars(text: str | dict | None) -> dict[str, str]:
    if isinstance(text, dict):
        return {str(k): str(v) for k, v in text.items()}
    out = {}
    for part in (text or "").split(","):
        if part.strip():
            key, _, value = part.partition("=")
            out[key.strip()] = value.strip()
    return out


def select_values(sel, spec: Selector) -> list[str]:
    """Every non-empty value the selector finds: text and attribute nodes as they are, elements as
    their whole text; whitespace collapsed; ``re`` keeps the match (or its group)."""
    found = sel.css(spec.query) if spec.kind == "css" else sel.xpath(spec.query)
    values = []
    for s in found:
        value = s.root if isinstance(s.root, str) else " ".join(s.xpath(".//text()").getall())
        value = _WS.sub(" ", str(value)).strip()
        if value and spec.regex:
            m = re.search(spec.regex, value)
            value = (m.group(1) if m.groups() else m.group(0)).strip() if m else ""
        if value:
            values.append(value)
    return values


def extract_fields(sel, specs: dict[str, Selector]) -> dict:
    out = {}
    for name, spec in specs.items():
        values = select_values(sel, spec)
        if spec.all or name == "claims":
            out[name] = list(dict.fromkeys(values))
        elif values:
            out[name] = values[0]
    return out


def jsonld_entries(nodes: list[dict], types: list[str]) -> list[dict]:
    """Clinic nodes of the page: the items of every ItemList (ListItem.item unwrapped), else the
    top-level nodes of a clinic type."""
    wanted = set(types)

    def typed(node) -> set[str]:
        t = node.get("@type")
        return {x.rsplit("/", 1)[-1] for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}

    entries = []
    for node in nodes:
        if "ItemList" in typed(node):
            for element in node.get("itemListElement") or []:
                if isinstance(element, dict) and "ListItem" in typed(element) and isinstance(element.get("item"), dict):
                    element = element["item"]
                if isinstance(element, dict) and typed(element) & wanted:
                    entries.append(element)
    if not entries:
        entries = [n for n in nodes if typed(n) & wanted]
    return entries


def jsonld_fields(node: dict, claim_keys: list[str]) -> dict:
    def text(value) -> str:
        if isinstance(value, list):
            value = value[0] if value else ""
        if isinstance(value, dict):
            value = value.get("name") or value.get("@id") or ""
        return _WS.sub(" ", str(value or "")).strip()

    out = {"name": text(node.get("name")), "website": text(node.get("url")), "phone": text(node.get("telephone"))}
    address = node.get("address")
    address = address[0] if isinstance(address, list) and address else address
    if isinstance(address, dict):
        street = address.get("streetAddress") or ""
        out.update(street=", ".join(street) if isinstance(street, list) else text(street),
                   city=text(address.get("addressLocality")), state=text(address.get("addressRegion")),
                   postcode=text(address.get("postalCode")))
    elif isinstance(address, str):
        out["address"] = text(address)
    claims = []
    for key in claim_keys:
        value = node.get(key)
        for v in value if isinstance(value, list) else [value]:
            if v:
                claims.append(text(v))
    out["claims"] = list(dict.fromkeys(c for c in claims if c))
    return {k: v for k, v in out.items() if v}


class DirectorySpider(scrapy.Spider):
    name = "directory"
    custom_settings = {
        "ITEM_PIPELINES": {"crawler.discovery.pipeline.ListingPipeline": 300},
        "EXTENSIONS": {"crawler.progress.Progress": None},
    }

    def __init__(self, config: str | list | None = None, vars: str | dict | None = None, seeds: str | None = None,
                 check_websites: str | bool = True, **kwargs):
        super().__init__(**kwargs)
        paths = config if isinstance(config, list) else [p for p in (config or "").split(",") if p]
        variables = parse_vars(vars)
        self.configs: dict[str, DirectoryConfig] = {c.name: c.with_vars(variables) for c in load_configs(paths)} if paths else {}
        self.seed_file = seeds
        self.seed_list: list[Seed] = read_seeds(seeds) if seeds else []
        self.check_websites = str(check_websites).lower() not in ("0", "false", "no", "")
        self.sites = {name: _Source(Seed((c.start_urls or c.sitemap.urls)[0])) for name, c in self.configs.items()}
        for seed in self.seed_list:
            self.sites.setdefault(f"seed:{seed.url}", _Source(seed))
        self.pages: dict[str, int] = {name: 0 for name in self.configs}
        self.seen: dict[str, set[str]] = {name: set() for name in self.configs}
        self.listings: dict[str, int] = {name: 0 for name in self.configs}
        self._waiting: dict[str, list[dict]] = {}  # website URL -> listings waiting for its check
        self._checked: dict[str, dict] = {}

    # -- start ---------------------------------------------------------------------------------
    async def start(self):
        for name, cfg in self.configs.items():
            for url in cfg.start_urls:
                request = self._page(name, url, self.parse_listing, kind="directory")
                if request:
                    yield request
            if cfg.sitemap:
                for url in cfg.sitemap.urls:
                    request = self._page(name, url, self.parse_sitemap, kind="sitemap")
                    if request:
                        yield request
        label = f"seeds:{self.seed_file}" if self.seed_file else ""
        for n, seed in enumerate(self.seed_list, start=1):
            item = self._item(label, "seed", self.seed_file or "", "", n, {"name": seed.name, "website": seed.url})
            for out in self._emit(item):
                yield out

    def _page(self, name: str, url: str, callback, kind: str, **meta):
        """A request for one directory page, within the directory's page budget, once per URL."""
        cfg = self.configs[name]
        url = url.split("#", 1)[0]
        if url in self.seen[name] or len(self.seen[name]) >= cfg.max_pages:
            if len(self.seen[name]) >= cfg.max_pages:
                self.crawler.stats.inc_value("clinicvet/discover/budget_reached")
            return None
        self.seen[name].add(url)
        return scrapy.Request(url, callback=callback, errback=self.page_failed, dont_filter=True,
                              meta={"directory": name, "kind": kind, **meta})

    # -- directory pages -----------------------------------------------------------------------
    def parse_sitemap(self, response):
        name = response.meta["directory"]
        cfg = self.configs[name]
        self.pages[name] += 1
        if urlsplit(response.url).path.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                request = self._page(name, url, self.parse_sitemap, kind="sitemap")
                if request:
                    yield request
            return
        sitemap = read_sitemap(response.body)
        if sitemap is None:
            self.crawler.stats.inc_value("clinicvet/discover/bad_sitemap")
            return
        follow = [re.compile(rx) for rx in cfg.sitemap.follow]
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                request = self._page(name, loc, self.parse_sitemap, kind="sitemap")
            elif not follow or any(rx.search(loc) for rx in follow):
                callback = self.parse_detail if cfg.sitemap.kind == "detail" else self.parse_listing
                request = self._page(name, loc, callback, kind="sitemap", listing={})
            else:
                continue
            if request:
                yield request

    def parse_listing(self, response):
        name = response.meta["directory"]
        cfg = self.configs[name]
        kind = response.meta["kind"]
        self.pages[name] += 1
        if not isinstance(response, TextResponse) or response.status >= 400:
            self.crawler.stats.inc_value("clinicvet/discover/error_pages")
            return
        if cfg.format == "jsonld":
            blocks = response.xpath('//script[@type="application/ld+json"]/text()').getall()
            entries = [jsonld_fields(n, cfg.jsonld.claims) for n in jsonld_entries(jsonld_nodes(blocks), cfg.jsonld.types)]
            for position, fields in enumerate(entries, start=1):
                if cfg.fields:  # selectors can still add to what JSON-LD gives (on the whole page)
                    fields = {**extract_fields(response, cfg.fields), **fields}
                yield from self._entry(response, name, kind, position, fields, None)
        else:
            for position, entry in enumerate(self._select(response, cfg.entries), start=1):
                fields = extract_fields(entry, cfg.fields)
                detail = select_values(entry, cfg.detail)[:1] if cfg.detail else []
                yield from self._entry(response, name, kind, position, fields, detail[0] if detail else None)
        if cfg.next:
            for href in select_values(response, cfg.next)[:1]:
                request = self._page(name, urljoin(response.url, href), self.parse_listing, kind=kind)
                if request:
                    yield request

    @staticmethod
    def _select(response, spec: Selector):
        return response.css(spec.query) if spec.kind == "css" else response.xpath(spec.query)

    def _entry(self, response, name: str, kind: str, position: int, fields: dict, detail: str | None):
        if detail and not detail.startswith(_SKIP_HREF):
            url = urljoin(response.url, detail)
            request = self._page(name, url, self.parse_detail, kind=kind,
                                 listing={"fields": fields, "source_url": response.url, "position": position})
            if request:
                yield request
                return
        yield from self._emit(self._item(name, kind, response.url, "", position, fields, base=response.url))

    def parse_detail(self, response):
        name = response.meta["directory"]
        cfg = self.configs[name]
        self.pages[name] += 1
        pending = response.meta.get("listing") or {}
        fields = dict(pending.get("fields") or {})
        if isinstance(response, TextResponse) and response.status < 400:
            if cfg.format == "jsonld":
                blocks = response.xpath('//script[@type="application/ld+json"]/text()').getall()
                nodes = jsonld_entries(jsonld_nodes(blocks), cfg.jsonld.types)
                if nodes:
                    fields.update(jsonld_fields(nodes[0], cfg.jsonld.claims))
            detail_fields = extract_fields(response, cfg.detail_fields or cfg.fields)
            for key, value in detail_fields.items():
                if key == "claims":
                    fields["claims"] = list(dict.fromkeys([*fields.get("claims", []), *value]))
                elif value:
                    fields[key] = value
        else:
            self.crawler.stats.inc_value("clinicvet/discover/error_pages")
        source = pending.get("source_url") or response.url
        yield from self._emit(self._item(name, response.meta["kind"], source, response.url,
                                         pending.get("position") or 1, fields, base=response.url))

    def page_failed(self, failure):
        meta = failure.request.meta
        name = meta["directory"]
        self.crawler.stats.inc_value("clinicvet/discover/page_errors")
        self.logger.warning("%s: %s failed: %s", name, failure.request.url, failure.getErrorMessage())
        pending = meta.get("listing")
        if pending and pending.get("fields"):  # a detail page failed: keep what the list page said
            yield from self._emit(self._item(name, meta["kind"], pending["source_url"], failure.request.url,
                                             pending["position"], pending["fields"], base=pending["source_url"]))

    # -- listings and website checks -----------------------------------------------------------
    def _item(self, name: str, kind: str, source_url: str, detail_url: str, position: int, fields: dict,
              base: str = "") -> dict:
        website = (fields.get("website") or "").strip()
        if website.startswith(_SKIP_HREF):
            website = ""
        if website:
            website = urljoin(base, website) if base else website
            if "://" not in website:
                website = "http://" + website
            website = website.split("#", 1)[0]
        address = parse_address(fields.get("address", ""), fields.get("street", ""), fields.get("city", ""),
                                fields.get("state", ""), fields.get("postcode", ""))
        claims = fields.get("claims") or []
        claims = [claims] if isinstance(claims, str) else claims
        item_name = _WS.sub(" ", fields.get("name") or "").strip()
        key_parts = (detail_url or source_url, item_name, website) if kind != "seed" else (website,)
        self.listings[name] = self.listings.get(name, 0) + 1
        return {
            "id": listing_id(name, *key_parts), "directory": name, "kind": kind, "source_url": source_url,
            "detail_url": detail_url, "position": position,
            "raw": json.dumps(fields, sort_keys=True, ensure_ascii=False), "name": item_name,
            "website": website, "website_final": "", "website_status": None, "website_error": "",
            "domain": domain_key(website), "phone": normalize_phone(fields.get("phone", "")),
            **address, "claims": json.dumps(list(claims), ensure_ascii=False), "last_seen": now(),
        }

    def _emit(self, item: dict):
        url = item["website"]
        directory_hosts = {host_of(u) for c in self.configs.values() for u in c.start_urls}
        if not url or not self.check_websites:
            yield item
        elif url in self._checked:
            yield self._checked_item(item, self._checked[url], directory_hosts)
        elif url in self._waiting:
            self._waiting[url].append(item)
        else:
            self._waiting[url] = [item]
            yield scrapy.Request(url, callback=self.website_ok, errback=self.website_failed, dont_filter=True,
                                 priority=-10, meta={"check": url, "max_retry_times": 1, "download_timeout": 20})

    @staticmethod
    def _checked_item(item: dict, result: dict, directory_hosts: set[str]) -> dict:
        item = dict(item, **result)
        if item["website_final"] and host_of(item["website_final"]) in directory_hosts:
            # An "out" link that ended on the directory itself says nothing about the clinic.
            item.update(website_final="", website_error="redirected back to the directory")
        if item["website_final"]:
            item["domain"] = domain_key(item["website_final"])
        return item

    def _finish_check(self, url: str, result: dict):
        self._checked[url] = result
        directory_hosts = {host_of(u) for c in self.configs.values() for u in c.start_urls}
        for item in self._waiting.pop(url, []):
            yield self._checked_item(item, result, directory_hosts)

    def website_ok(self, response):
        self.crawler.stats.inc_value("clinicvet/discover/websites_ok")
        yield from self._finish_check(response.meta["check"],
                                      {"website_final": response.url, "website_status": response.status})

    def website_failed(self, failure):
        url = failure.request.meta["check"]
        if failure.check(IgnoreRequest):
            error = f"not fetched: {failure.getErrorMessage() or 'robots.txt'}"
        else:
            error = f"{failure.type.__name__}: {failure.getErrorMessage()}"[:300]
        self.crawler.stats.inc_value("clinicvet/discover/websites_failed")
        yield from self._finish_check(url, {"website_error": error})
