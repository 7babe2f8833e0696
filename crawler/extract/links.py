"""The links a page offers the crawl: absolute, canonical, web only.

Resolved where the page is parsed (a worker process), not on the reactor thread: a site's menu
repeats forty links on every page, each a urljoin and a parse of its query string, and a re-crawl
takes the resolved list straight from the page memo.
"""

import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_[ce]id|_ga|ref|hsa_\w+)$", re.I)
_NOT_PAGES = ("#", "mailto:", "tel:", "javascript:", "data:")


def canonical(url: str) -> str:
    """Drop fragments and tracking parameters so one page is fetched once."""
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def resolve_links(page_url: str, links: list[tuple[str, str]], base_href: str = "") -> list[tuple[str, str]]:
    """(canonical absolute http(s) URL, anchor text) for each (href, anchor), in page order, each
    pair once; fragments, mail, phone and script links and malformed URLs are dropped. Relative
    hrefs resolve against the page's <base href> when it has one, as a browser does."""
    try:
        base_url = urljoin(page_url, base_href) if base_href else page_url
        parts = urlsplit(base_url)
    except ValueError:
        base_url, parts = page_url, urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    out, seen = [], set()
    for href, anchor in links:
        href = href.strip()
        if not href or href.lower().startswith(_NOT_PAGES):
            continue
        # What a href resolves to depends on less than the page's URL: an absolute one on nothing,
        # a root-relative one on the origin. The key says so, and the cache serves the site's
        # menu, repeated on every page, from the first page that had it.
        if href[:1] == "/" and href[:2] != "//":
            url = _absolute(origin, href)
        elif href[:8].lower().startswith(("http://", "https://")):
            url = _absolute("", href)
        else:
            url = _absolute(base_url, href)
        if url and (url, anchor) not in seen:
            seen.add((url, anchor))
            out.append((url, anchor))
    return out


@lru_cache(maxsize=8192)
def _absolute(base: str, href: str) -> str | None:
    try:
        url = canonical(urljoin(base, href))
    except ValueError:  # e.g. "http://[broken" (an unclosed IPv6 bracket)
        return None
    return url if url.startswith(("http://", "https://")) else None
