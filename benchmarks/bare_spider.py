"""The baseline: a bare Scrapy spider that fetches the same pages as the clinic spider (same hosts,
same links, same budget) and does nothing with them."""

from urllib.parse import urljoin, urlsplit

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, seeds: str = "", max_pages: str = "40", **kwargs):
        super().__init__(**kwargs)
        self.seed_urls = [line.split(",")[0] for line in open(seeds).read().splitlines()[1:] if line]
        self.max_pages = int(max_pages)
        self.seen: dict[str, set[str]] = {}

    async def start(self):
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
