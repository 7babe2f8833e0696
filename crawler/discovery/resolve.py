"""Entity resolution: which listings (from directories, sitemaps and seed lists) are the same clinic.

Pure functions over plain records, no Scrapy and no SQLite, so every rule is unit-tested.

Evidence, strongest first:

1. **Domain**: the registered domain of the website *after redirects* (``calmharbor.com`` for
   ``https://www.calmharbor.com/contact?utm_source=x`` and ``book.calmharbor.com``). Hosts shared by
   many businesses (facebook.com, linktr.ee, wixsite.com...) count host plus first path segment.
2. **Phone**: the E.164 number.
3. **Address + name**: the same normalised street address (suite equal, or missing on one side)
   *and* a similar name. An address alone never merges: two clinics share a building.

Name similarity is supporting evidence only; it never merges on its own.

A cluster never holds two different domains, so a phone or an address cannot chain two websites
into one clinic; a phone shared by clinics with different websites (a management company's line)
merges nothing. Listings of one website at several addresses stay one clinic with several
*locations*.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers

from crawler.extract.contacts import STATES, find_address, find_phones, normalize_state, to_e164

NAME_MATCH = 0.8  # name similarity needed to accept an address match

# Hosts where many unrelated businesses live: the path, not the domain, identifies the clinic.
SHARED_DOMAINS = {
    "facebook.com", "instagram.com", "linktr.ee", "google.com", "goo.gl", "business.site",
    "wixsite.com", "squarespace.com", "godaddysites.com", "square.site", "weebly.com",
    "wordpress.com", "blogspot.com", "yelp.com", "psychologytoday.com", "linkedin.com",
    "zocdoc.com", "healthgrades.com", "carrd.co", "webflow.io", "github.io", "netlify.app",
    "vercel.app", "mystrikingly.com", "jimdosite.com", "myshopify.com", "tiktok.com", "x.com",
    "twitter.com", "youtube.com",
}
_GENERIC_PATH = {"view", "site", "sites", "pages", "pg", "p", "biz", "profile", "people", "in", "company"}

_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
    "drive": "dr", "lane": "ln", "court": "ct", "place": "pl", "parkway": "pkwy", "highway": "hwy",
    "circle": "cir", "terrace": "ter", "square": "sq", "trail": "trl", "plaza": "plz", "way": "way",
    "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne", "northwest": "nw",
    "southeast": "se", "southwest": "sw", "first": "1st", "second": "2nd", "third": "3rd",
    "fourth": "4th", "fifth": "5th", "mount": "mt", "saint": "st", "fort": "ft", "center": "ctr",
}
_UNIT = re.compile(
    r"(?:^|[\s,])(?:suite|ste|unit|apt|apartment|room|rm|floor|fl|bldg|building|#)\.?\s*#?\s*([a-z0-9-]+)\b\.?", re.I)
_NAME_STOP = {"the", "and", "of", "at", "in", "llc", "inc", "pllc", "pc", "pa", "ltd", "corp", "co", "lp", "md"}
_NAME_GENERIC = {
    "ketamine", "clinic", "clinics", "center", "centre", "centers", "wellness", "health", "institute",
    "therapy", "therapies", "therapeutics", "infusion", "infusions", "medical", "medicine",
    "associates", "group", "treatment", "treatments", "care", "mental", "psychiatry", "psychiatric",
    "spa", "lounge", "iv", "bar", "practice", "services", "partners", "assisted", "psychotherapy",
    "telehealth", "spravato", "esketamine", "now", "formerly",
}


# -- websites ---------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # The bundled public-suffix snapshot: never fetch the list over the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def host_of(url: str) -> str:
    """Lower-case host without ``www.`` and port ("" when the URL has none)."""
    url = (url or "").strip()
    if url and "://" not in url:
        url = "http://" + url
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def domain_key(url: str) -> str:
    """What identifies a clinic's website: its registered domain (``a.b.example.co.uk`` →
    ``example.co.uk``), the IP for an IP address, host plus first path segment on shared hosts."""
    host = host_of(url)
    if not host:
        return ""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    ext = _extractor()(host)
    registered = (ext.top_domain_under_public_suffix if hasattr(ext, "top_domain_under_public_suffix")
                  else ext.registered_domain) or host
    if registered in SHARED_DOMAINS or host in SHARED_DOMAINS:
        raw = url if "://" in url else "http://" + url
        segments = [s.lower() for s in urlsplit(raw).path.split("/") if s and s.lower() not in _GENERIC_PATH]
        return f"{host}/{segments[0]}" if segments else host
    return registered


def home_url(url: str) -> str:
    """The site's home page: scheme, host and port (the path too on shared hosts)."""
    if not url:
        return ""
    parts = urlsplit(url if "://" in url else "http://" + url)
    key = domain_key(url)
    if "/" in key:  # shared host: keep the clinic's own path segment
        return f"{parts.scheme}://{parts.netloc}/{key.split('/', 1)[1]}/"
    return f"{parts.scheme}://{parts.netloc}/"


# -- phones -----------------------------------------------------------------------------------
def normalize_phone(raw: str, region: str = "US") -> str:
    """E.164 of the first phone number in RAW ("Tel. (512) 555-0143", "tel:+1-512...", "512.555.0143
    ext. 4"), or "" when there is none."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    raw = re.sub(r"^tel:", "", raw, flags=re.I)
    found = find_phones(raw)
    if found:
        return found[0]
    raw = re.split(r"\s*(?:ext\.?|x|extension)\s*\d+\s*$", raw, flags=re.I)[0]
    e164 = to_e164(raw, region)
    if not e164:
        return ""
    # A local-only number ("555-0143") cannot identify a clinic across directories.
    number = phonenumbers.parse(e164)
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        return ""
    return e164


# -- addresses --------------------------------------------------------------------------------
_PLACE_ONLY = re.compile(
    r"(?P<city>[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){0,3}),?\s+(?P<state>[A-Z]{2})\.?,?(?:\s+(?P<postcode>\d{5})(?:-\d{4})?)?\s*$")


def parse_address(text: str = "", street: str = "", city: str = "", state: str = "", postcode: str = "") -> dict:
    """street/city/state/postcode from a one-line address and/or separate parts (parts win)."""
    out = {"street": "", "city": "", "state": "", "postcode": ""}
    text = re.sub(r"\s+", " ", text or "").strip()
    if text:
        found = find_address(text)
        if found:
            out.update(found)
        else:
            m = _PLACE_ONLY.search(text)
            if m and m.group("state") in STATES:
                out.update(city=m.group("city"), state=m.group("state"), postcode=m.group("postcode") or "")
                out["street"] = text[:m.start()].strip(" ,")
    for key, value in (("street", street), ("city", city), ("state", state), ("postcode", postcode)):
        value = re.sub(r"\s+", " ", str(value or "")).strip()
        if value:
            out[key] = value
    out["state"] = normalize_state(out["state"]) if out["state"] else ""
    m = re.match(r"^(\d{5})", out["postcode"])
    out["postcode"] = m.group(1) if m else ""
    return out


@dataclass(frozen=True)
class AddressKey:
    street: str  # "2401 s lamar blvd"
    unit: str    # "210" ("" when none is given)
    city: str
    state: str
    postcode: str

    def __str__(self) -> str:
        return "|".join((self.street, self.unit, self.postcode or f"{self.city},{self.state}"))


def address_key(addr: dict) -> AddressKey | None:
    """Normalised address, or None without a street number and name (a city alone is no address)."""
    street = (addr.get("street") or "").lower()
    unit = ""
    m = _UNIT.search(street)
    if m:
        unit = m.group(1).lstrip("#").lower()
        street = street[:m.start()] + " " + street[m.end():]
    tokens = re.findall(r"[a-z0-9]+", street.replace("'", ""))
    tokens = [_STREET_WORDS.get(t, t) for t in tokens]
    if len(tokens) < 2 or not tokens[0].isdigit():
        return None
    city = " ".join(re.findall(r"[a-z0-9]+", (addr.get("city") or "").lower()))
    city = " ".join(_STREET_WORDS.get(t, t) if t in ("saint", "mount", "fort") else t for t in city.split())
    return AddressKey(" ".join(tokens), unit, city, (addr.get("state") or "").upper(), addr.get("postcode") or "")


def address_relation(a: AddressKey | None, b: AddressKey | None) -> str:
    """``same`` (same street and suite, or neither has a suite), ``unit-unknown`` (same street,
    one side names no suite), ``same-building`` (same street, different suites), ``different``, or
    ``unknown`` (an address is missing)."""
    if a is None or b is None:
        return "unknown"
    if a.street != b.street:
        return "different"
    if a.postcode and b.postcode:
        if a.postcode != b.postcode:
            return "different"
    elif not (a.city and a.city == b.city and a.state == b.state):
        return "different"
    if a.unit == b.unit:
        return "same"
    if not a.unit or not b.unit:
        return "unit-unknown"
    return "same-building"


# -- names ------------------------------------------------------------------------------------
def name_tokens(name: str) -> tuple[list[str], list[str]]:
    """(distinctive tokens, all tokens) of a clinic name, lower-cased, '&' read as 'and'."""
    words = re.findall(r"[a-z0-9]+", (name or "").lower().replace("&", " and ").replace("'", ""))
    words = [w for w in words if w not in _NAME_STOP]
    return [w for w in words if w not in _NAME_GENERIC], words


def name_similarity(a: str, b: str) -> float:
    """0..1: how alike two clinic names are once legal forms and generic words ("ketamine",
    "clinic", "wellness"...) are set aside. Supporting evidence only."""
    (da, wa), (db, wb) = name_tokens(a), name_tokens(b)
    if not wa or not wb:
        return 0.0
    full = _token_score(wa, wb)
    if not da or not db:
        return round(full, 3)
    # Distinctive words decide, all words temper: "Austin Ketamine Clinic" and "Austin Ketamine
    # Center" share their one distinctive word but are not obviously one clinic.
    return round((_token_score(da, db) + full) / 2, 3)


def _token_score(ta: list[str], tb: list[str]) -> float:
    ta, tb = list(dict.fromkeys(ta)), list(dict.fromkeys(tb))

    def close(x: str, y: str) -> bool:
        return x == y or (min(len(x), len(y)) >= 4 and SequenceMatcher(None, x, y).ratio() >= 0.85)

    common = sum(1 for t in ta if any(close(t, u) for u in tb))
    overlap = common / min(len(ta), len(tb))
    jaccard = common / (len(ta) + len(tb) - common)
    return (overlap + jaccard) / 2


# -- records and clusters ---------------------------------------------------------------------
@dataclass
class Record:
    """One listing (or seed) as resolution sees it."""

    id: str
    name: str = ""
    website: str = ""  # the final URL after redirects when known, else the listed one
    phone: str = ""    # E.164
    address: dict = field(default_factory=dict)  # street, city, state, postcode
    source: str = ""
    kind: str = "directory"
    website_ok: bool = False  # the website answered (any HTTP status)

    @property
    def domain(self) -> str:
        return domain_key(self.website)

    @property
    def akey(self) -> AddressKey | None:
        return address_key(self.address)


@dataclass
class Location:
    key: str
    address: dict
    phone: str
    name: str
    record_ids: list[str]


@dataclass
class Cluster:
    records: list[Record]
    domain: str
    reasons: dict[str, str]  # record id -> the evidence linking it to the rest of the cluster
    locations: list[Location]
    location_of: dict[str, str]  # record id -> location key

    @property
    def website(self) -> str:
        """The home page most of the cluster's listings lead to (answering websites first)."""
        votes = Counter(home_url(r.website) for r in self.records if r.domain == self.domain and r.website)
        ok = Counter(home_url(r.website) for r in self.records if r.domain == self.domain and r.website_ok)
        chosen = ok or votes
        return min(chosen, key=lambda u: (-chosen[u], len(u), u)) if chosen else ""

    @property
    def name(self) -> str:
        """The most listed name; on a tie, the one most like the others (then the shortest)."""
        counts = Counter(r.name.strip() for r in self.records if r.name.strip())
        if not counts:
            return ""
        names = list(counts)
        likeness = {n: sum(name_similarity(n, o) * counts[o] for o in names if o != n) for n in names}
        return min(names, key=lambda n: (-counts[n], -likeness[n], len(n), n))

    @property
    def place(self) -> dict:
        """The most listed city and state (for clinics listed without a street address)."""
        counts = Counter((r.address.get("city", ""), r.address.get("state", "")) for r in self.records
                         if r.address.get("city") or r.address.get("state"))
        if not counts:
            return {}
        city, state = min(counts, key=lambda cs: (-counts[cs], cs))
        return {"city": city, "state": state}

    @property
    def phone(self) -> str:
        counts = Counter(r.phone for r in self.records if r.phone)
        return min(counts, key=lambda p: (-counts[p], p)) if counts else ""

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]


def evidence(a: Record, b: Record) -> str:
    """The strongest evidence that two records are one clinic, or "" (none, or a conflict)."""
    if a.domain and b.domain:
        if a.domain == b.domain:
            return "domain"
        return ""  # two websites: never the same clinic, whatever else matches
    if a.phone and a.phone == b.phone:
        return "phone"
    rel = address_relation(a.akey, b.akey)
    if rel in ("same", "unit-unknown") and not (a.phone and b.phone and a.phone != b.phone):
        if name_similarity(a.name, b.name) >= NAME_MATCH:
            return "address+name"
    return ""


class _Clusters:
    """Union-find whose clusters never hold two domains."""

    def __init__(self, records: list[Record]):
        self.parent = {r.id: r.id for r in records}
        self.domains = {r.id: {r.domain} if r.domain else set() for r in records}
        self.phones = {r.id: {r.phone} if r.phone else set() for r in records}

    def find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def compatible(self, roots) -> bool:
        return len(set().union(*(self.domains[r] for r in roots))) <= 1

    def union(self, ids) -> bool:
        roots = sorted({self.find(i) for i in ids})
        if len(roots) < 2:
            return True
        if not self.compatible(roots):
            return False
        head = roots[0]
        for r in roots[1:]:
            self.parent[r] = head
            self.domains[head] |= self.domains.pop(r)
            self.phones[head] |= self.phones.pop(r)
        return True


def resolve(records: list[Record]) -> list[Cluster]:
    """Group records into clinics (see the module docstring for the rules). Deterministic: the
    same records in any order give the same clusters."""
    records = sorted(records, key=lambda r: r.id)
    uf = _Clusters(records)
    by_domain, by_phone = defaultdict(list), defaultdict(list)
    for r in records:
        if r.domain:
            by_domain[r.domain].append(r.id)
        if r.phone:
            by_phone[r.phone].append(r.id)
    for ids in by_domain.values():
        uf.union(ids)
    # A phone merges only when all clusters carrying it agree on (at most) one website.
    for _phone, ids in sorted(by_phone.items()):
        roots = {uf.find(i) for i in ids}
        if uf.compatible(roots):
            uf.union(ids)
    # Address + similar name, never across conflicting phones or websites.
    by_street = defaultdict(list)
    for r in records:
        key = r.akey
        if key:
            by_street[key.street].append(r)
    for group in by_street.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                ra, rb = uf.find(a.id), uf.find(b.id)
                if ra == rb or address_relation(a.akey, b.akey) not in ("same", "unit-unknown"):
                    continue
                pa, pb = uf.phones[ra], uf.phones[rb]
                if pa and pb and not pa & pb:
                    continue
                if name_similarity(a.name, b.name) >= NAME_MATCH:
                    uf.union([a.id, b.id])
    groups = defaultdict(list)
    for r in records:
        groups[uf.find(r.id)].append(r)
    clusters = [_cluster(members) for members in groups.values()]
    return sorted(clusters, key=lambda c: c.records[0].id)


def _cluster(members: list[Record]) -> Cluster:
    domains = {r.domain for r in members if r.domain}
    reasons = {}
    rank = {"domain": 0, "phone": 1, "address+name": 2}
    for r in members:
        found = [evidence(r, o) for o in members if o is not r]
        found = [e for e in found if e]
        reasons[r.id] = min(found, key=rank.get) if found else ("single" if len(members) == 1 else "transitive")
    locations, location_of = _locations(members)
    return Cluster(members, domains.pop() if domains else "", reasons, locations, location_of)


def _locations(members: list[Record]) -> tuple[list[Location], dict[str, str]]:
    """Distinct addresses of one clinic. A listing naming no suite joins the one location at that
    street; listings without a street address belong to no location."""
    keyed = [(r, r.akey) for r in members]
    full: dict[str, list[tuple[Record, AddressKey]]] = {}
    for r, k in keyed:
        if k is not None and k.unit:
            full.setdefault(str(k), []).append((r, k))
    for r, k in keyed:
        if k is not None and not k.unit:
            matches = sorted({key for key, rows in full.items() if address_relation(rows[0][1], k) == "unit-unknown"})
            target = matches[0] if len(matches) == 1 else str(k)
            full.setdefault(target, []).append((r, k))
    locations, location_of = [], {}
    for key in sorted(full):
        rows = full[key]
        best = max(rows, key=lambda rk: (bool(rk[1].unit), bool(rk[1].postcode), len(rk[0].address.get("street", ""))))[0]
        phones = Counter(r.phone for r, _ in rows if r.phone)
        names = Counter(r.name for r, _ in rows if r.name)
        locations.append(Location(key, dict(best.address),
                                  min(phones, key=lambda p: (-phones[p], p)) if phones else "",
                                  min(names, key=lambda n: (-names[n], len(n), n)) if names else "",
                                  sorted(r.id for r, _ in rows)))
        for r, _ in rows:
            location_of[r.id] = key
    return locations, location_of


def possible_duplicates(clusters: list[Cluster], threshold: float = 0.9) -> list[tuple[int, int, float]]:
    """Pairs of clusters (indexes) with very similar names in the same city and no strong link:
    candidates for a human to check, never merged."""
    out = []
    for i, a in enumerate(clusters):
        for j in range(i + 1, len(clusters)):
            b = clusters[j]
            if a.domain and b.domain:
                continue
            places_a = {(r.address.get("city", "").lower(), r.address.get("state", "")) for r in a.records}
            places_b = {(r.address.get("city", "").lower(), r.address.get("state", "")) for r in b.records}
            if not (places_a & places_b - {("", "")}):
                continue
            score = name_similarity(a.name, b.name)
            if score >= threshold:
                out.append((i, j, score))
    return out
