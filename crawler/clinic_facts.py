"""Merge the facts found on a clinic's pages into one row: name, phone, email, address.

Pages closer to the home page win ties; a value repeated across pages (a footer phone) beats one
seen once (a phone in a blog post about another office).
"""

import re
from collections import Counter

from crawler.extract.contacts import normalize_state

_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•]\s+")
_GENERIC_TITLE = re.compile(r"^(?:home|homepage|welcome|index|main)$", re.I)
_WELCOME = re.compile(r"^welcome to (?:the )?", re.I)
_PLACE = re.compile(r"^[A-Z][\w .'-]*,\s*(?:[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)$")  # "Fort Collins, CO"


def merge_facts(pages: list[tuple[int, dict, str]], seed_name: str, domain: str) -> dict:
    """pages: (depth, facts, title) per fetched page."""
    ordered = sorted(pages, key=lambda p: p[0])
    name = _vote([f.get("name") for _, f, _ in ordered]) or seed_name or _title_name(ordered, domain) or domain
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
        "state": normalize_state(address.get("state", ""), address.get("country", "")) or None,
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


def _title_name(pages, domain: str = "") -> str:
    titles = [_segments(title) for _, _, title in pages]
    parts = next((t for t in titles if t), [])  # the title closest to the home page that says anything
    if len(parts) < 2:
        return parts[0] if parts else ""
    # The segment that spells the domain ("Mile High Ketamine" on milehighketamine.com), else the
    # site's repeated one, else the shortest: the others are slogans and places ("Ketamine
    # Infusions in Denver").
    label = _letters(max(domain.split(".")[:-1] or [domain], key=len))  # "clinic" of clinic.co.uk
    shared = {p: _shared(_letters(p), label) for p in parts}
    best = max(parts, key=shared.get)
    return best if shared[best] >= 5 else _site_segment(titles) or min(parts, key=len)


def _site_segment(titles: list[list[str]]) -> str:
    """The segment most page titles end or start with: the site's name ("Our Team | Lakeshore
    Regional Medical Center" on every page), wherever the home page's title says something else.
    A place ("Fort Collins, CO") repeats as often but names no one; ties go to the earlier segment."""
    split = [t for t in titles if len(t) > 1]
    repeated = Counter(p for parts in split for p in dict.fromkeys(parts) if not _PLACE.match(p))
    return next((p for p, n in repeated.most_common(1) if n >= 2 and n * 2 >= len(split)), "")


def _segments(title: str) -> list[str]:
    """A title's parts, without generic ones ("Home") and a greeting's words ("Welcome to X": "X")."""
    parts = [_WELCOME.sub("", p.strip()) for p in _TITLE_SPLIT.split(title or "")]
    return [p for p in parts if p and not _GENERIC_TITLE.match(p)]


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _shared(a: str, b: str) -> int:
    """Length of the longest run of characters two strings share."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best
