"""Merge the facts found on a clinic's pages into one row: name, phone, email, address.

Pages closer to the home page win ties; a value repeated across pages (a footer phone) beats one
seen once (a phone in a blog post about another office).
"""

import re
from collections import Counter

from crawler.extract.contacts import normalize_state

_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•]\s+")
_GENERIC_TITLE = re.compile(r"^(?:home|homepage|welcome|index|main)$", re.I)


def merge_facts(pages: list[tuple[int, dict, str]], seed_name: str, domain: str) -> dict:
    """pages: (depth, facts, title) per fetched page."""
    ordered = sorted(pages, key=lambda p: p[0])
    name = _vote([f.get("name") for _, f, _ in ordered]) or seed_name or _title_name(ordered) or domain
    phone = _vote([p for _, f, _ in ordered for p in f.get("phones", [])[:2]])
    email = _vote([e for _, f, _ in ordered for e in f.get("emails", [])[:2]])
    address = next((f["address"] for _, f, _ in ordered if f.get("address")), {})
    geo = next((f["geo"] for _, f, _ in ordered if f.get("geo")), {})
    return {
        "name": name,
        "phone": phone,
        "email": email,
        "address": address.get("street") or None,
        "city": address.get("city") or None,
        "state": normalize_state(address.get("state", "")) or None,
        "postcode": address.get("postcode") or None,
        "latitude": geo.get("lat"),
        "longitude": geo.get("lon"),
    }


def _vote(values: list) -> str | None:
    values = [v for v in values if v]
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)  # earliest (closest to home) among the most common


def _title_name(pages) -> str:
    for depth, _, title in pages:
        parts = [p.strip() for p in _TITLE_SPLIT.split(title or "") if p.strip() and not _GENERIC_TITLE.match(p.strip())]
        if parts:
            # The segment naming the business is usually the shortest one that is not a slogan.
            return min(parts, key=len) if len(parts) > 1 else parts[0]
    return ""
