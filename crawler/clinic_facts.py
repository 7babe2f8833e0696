"""Merge the facts found on a clinic's pages into one row: name, phone, email, address.

Pages closer to the home page win ties; a value repeated across pages (a footer phone) beats one
seen once (a phone in a blog post about another office). When the seed is a section of a larger
site (a chain's location page, a hospital's ketamine service), the section's own phone and email
win over the site-wide ones its header and footer repeat everywhere, and the services and
conditions of the pages beside the section (the department's other programmes) are not its own;
seeded at one location of a chain, nor are those its shared pages offer only at other places.
"""

import re
from collections import Counter
from dataclasses import replace

from crawler.extract.contacts import STATES, normalize_state
from crawler.extract.staff import LEGAL_FORM, LEGAL_TAIL
from crawler.seeds import at_location, beside_section, in_section, seed_section
from scoring import PageSignals

_TITLE_SPLIT = re.compile(r"\s+[|\-–—:·•]\s+")
_GENERIC_TITLE = re.compile(r"^(?:home|homepage|welcome|index|main)$", re.I)
_WELCOME = re.compile(r"^welcome to (?:the )?", re.I)
_PLACE = re.compile(r"^[A-Z][\w .'-]*,\s*(?:[A-Z]{2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)$")  # "Fort Collins, CO"


def merge_facts(pages: list[tuple[int, dict, str, bool]], seed_name: str, domain: str) -> dict:
    """pages: (depth, facts, title, inside) per fetched page; inside is False for a page outside
    the seed's own section of a larger site (always True when the seed is a home page)."""
    ordered = sorted(pages, key=lambda p: p[0])
    own = [p for p in ordered if p[3]] or ordered
    others = [p for p in ordered if not p[3]]
    name = _fuller(_vote([f.get("name") for _, f, _, _ in ordered]), [f.get("name") for _, f, _, _ in own])
    name = _without_legal_form(name) or seed_name or _title_name(ordered, domain) or domain
    phone = _own_vote(own, others, "phones")
    email = _own_vote(own, others, "emails")
    address = next((f["address"] for _, f, _, _ in own + others if f.get("address")), {})
    geo = next((f["geo"] for _, f, _, _ in own + others if f.get("geo")), {})
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


def section_facets(signals: list[PageSignals], seed_url: str, city: str | None = None,
                   state: str | None = None) -> list[PageSignals]:
    """The pages' signals, less the services and conditions of pages beside the seed's section
    (crawler.seeds.beside_section) and of pages outside it that say nothing of ketamine care:
    seeded at a hospital's ketamine service, the psychiatry department's anxiety programme, its
    research studies and the women's health department's postpartum screening name conditions the
    service does not treat. Seeded at one location of a chain (city and state as its pages give
    them), a page's labels offered only at other places ("IM ketamine only at our Denver and Salt
    Lake City clinics", PageSignals.only_at) are not its own either."""
    section = seed_section(seed_url)
    here = _location(section, city, state)
    return [replace(s, services=[], conditions=[]) if _not_the_sections(section, s)
            else _here_only(s, here) if here and s.only_at else s for s in signals]


def _location(section: str, city: str | None, state: str | None) -> set[str]:
    """The names of the place a seed at one of a chain's locations is ("/locations/salt-lake-city/",
    its city, its state's code and name); none for a seed that is not a location page."""
    city, state = (city or "").lower(), (state or "").lower()
    slug = section.rstrip("/").rsplit("/", 1)[-1].lower().replace("-", " ").replace("_", " ")
    if not section or not (at_location(section) or slug == city):
        return set()
    return {n for n in (slug, city, state, STATES.get(state.upper(), "").lower()) if n}


def _here_only(page: PageSignals, here: set[str]) -> PageSignals:
    """The page's labels less those it offers only at places none of which is here."""
    elsewhere = {label for label, places in page.only_at.items() if not any(_is_here(p, here) for p in places)}
    return replace(page, services=[x for x in page.services if x not in elsewhere],
                   conditions=[x for x in page.conditions if x not in elsewhere]) if elsewhere else page


def _is_here(place: str, here: set[str]) -> bool:
    """"salt lake city" is here for a seed named so; "downtown denver" for a seed in Denver."""
    return place in here or any(re.search(rf"\b{re.escape(h)}\b", place) for h in here if len(h) > 3)


def _not_the_sections(section: str, page: PageSignals) -> bool:
    return beside_section(section, page.url) or (page.ketamine == "none" and not in_section(section, page.url))


def _own_vote(own: list, others: list, key: str) -> str | None:
    """The vote among a key's values on the section's own pages (two per page), leaving out those
    that most pages outside the section show too (the site's header and footer); the other pages'
    vote when the section names none."""
    values = [v for _, f, _, _ in own for v in f.get(key, [])[:2] if v]
    elsewhere = Counter(v for _, f, _, _ in others for v in set(f.get(key, [])))
    sitewide = {v for v, n in elsewhere.items() if n >= 2 and n * 2 > len(others)}
    return (_vote([v for v in values if v not in sitewide]) or _vote(values)
            or _vote([v for _, f, _, _ in others for v in f.get(key, [])[:2]]))


def _fuller(name: str | None, names: list) -> str | None:
    """The name one of the clinic's own pages spells out in full where the others shorten it: the
    home page's JSON-LD says "Mesa Vista Ketamine & IV Lounge", og:site_name on every page "Mesa
    Vista Ketamine". A title's tail after a separator (" – Boise", " | Book Now") is no part of it,
    nor is a legal form (" PLLC") alone."""
    longer = [n for n in names if name and n and n.startswith(name + " ")
              and not _TITLE_SPLIT.search(n[len(name):]) and not LEGAL_FORM.match(n[len(name):])]
    return _vote(longer) or name


def _without_legal_form(name: str | None) -> str | None:
    """A footer's or a schema's "Bluebonnet Psychiatry & Wellness, PLLC" is the clinic researchers
    record as "Bluebonnet Psychiatry & Wellness"."""
    short = LEGAL_TAIL.sub("", name) if name else name
    return short if short and len(short) > 2 else name


def _vote(values: list) -> str | None:
    values = [v for v in values if v]
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in values if counts[v] == best)  # earliest (closest to home) among the most common


def _title_name(pages, domain: str = "") -> str:
    titles = [_segments(p[2]) for p in pages]
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
