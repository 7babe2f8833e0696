"""Read a sitemap response body, gzipped or not, for the clinic and directory spiders."""

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap


def read_sitemap(body: bytes, max_size: int = 0) -> Sitemap | None:
    """The parsed sitemap (iterate it for entries; ``.type`` is urlset or sitemapindex), or None
    when the body is not a readable sitemap (broken gzip, not XML: an HTML page answered 200)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, ValueError):
            return None
    try:
        return Sitemap(body)
    except Exception:  # lxml raises several kinds on a broken file
        return None
