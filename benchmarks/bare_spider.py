"""The baseline: a bare Scrapy spider that fetches the same pages as the clinic spider (same hosts,
same links, same budget) and does nothing with them but find their links.

With `-a urls=FILE` (one URL a line) it requests exactly those and does not even parse them: what
fetching a known list of pages costs Scrapy itself (bench_recrawl.py's floor for a re-crawl)."""

from urllib.parse import urljoin, urlsplit

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, seeds: str = "", max_pages: str = "40", urls: str = "", **kwargs):
        super().__init__(**kwargs)
        self.fixed_urls = open(urls).read().split() if urls else []
        self.seed_urls = [line.split(",")[0] for line in open(seeds).read().splitlines()[1:] if line] if seeds else []
        self.max_pages = int(max_pages)
        self.seen: dict[str, set[str]] = {}

    async def start(self):
        for url in self.fixed_urls:
            yield scrapy.Request(url, dont_filter=True, callback=self.fetched)
        for url in self.seed_urls:
            self.seen[urlsplit(url).hostname] = {url}
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response):
        host = urlsplit(response.url).hostname
        seen = self.seen[host]
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href)
            if urlsplit(url).hostname == host and url not in seen and len(seen) < self.max_pages:
                seen.add(url)
                yield scrapy.Request(url, dont_filter=True)

    def fetched(self, response):
        return None
