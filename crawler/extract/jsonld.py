"""schema.org JSON-LD, block by block.

Each <script type="application/ld+json"> is parsed on its own so one malformed block cannot hide the
others, and @graph containers are unwrapped (extruct does neither, see platform notes).
"""

import html
import json
import re

CLINIC_TYPES = {
    "MedicalClinic", "MedicalBusiness", "MedicalOrganization", "LocalBusiness", "Physician",
    "HealthAndBeautyBusiness", "Hospital", "Psychiatric", "MentalHealthService", "Organization",
    "ProfessionalService", "HealthClub", "DaySpa", "MedicalWebPage", "WebSite",
}
# Preferred order when several typed nodes carry a name.
_RANK = ["MedicalClinic", "MedicalBusiness", "Physician", "MedicalOrganization", "LocalBusiness",
         "HealthAndBeautyBusiness", "ProfessionalService", "Organization", "WebSite"]
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def jsonld_nodes(blocks: list[str]) -> list[dict]:
    """All JSON objects in the blocks, @graph and lists flattened; bad blocks skipped."""
    nodes: list[dict] = []
    for raw in blocks:
        data = _loads(raw)
        if data is not None:
            _flatten(data, nodes)
    return nodes


def clinic_facts(nodes: list[dict]) -> dict:
    """Name, phones, emails, postal address, geo and description from the clinic-like nodes."""
    typed = [(n, _types(n)) for n in nodes]
    typed = [(n, t) for n, t in typed if t & CLINIC_TYPES]
    typed.sort(key=lambda nt: min((_RANK.index(t) for t in nt[1] if t in _RANK), default=99))
    facts: dict = {"phones": [], "emails": [], "types": sorted({t for _, ts in typed for t in ts})}
    for node, types in typed:
        # A WebSite's or MedicalWebPage's name is the site's or the page's title, not the clinic's.
        if not facts.get("name") and isinstance(node.get("name"), str) and types - {"WebSite", "MedicalWebPage"}:
            facts["name"] = node["name"].strip()
        for key, out in (("telephone", "phones"), ("email", "emails")):
            for value in _as_list(node.get(key)):
                if isinstance(value, str):
                    facts[out].append(value.replace("mailto:", "").strip())
        if not facts.get("address"):
            facts["address"] = _postal_address(node.get("address"))
        if not facts.get("geo"):
            facts["geo"] = _geo(node.get("geo"))
        desc = node.get("description")
        if isinstance(desc, str) and desc.strip() and "description" not in facts:
            facts["description"] = desc.strip()
    return facts


_STAFF_KEYS = ("employee", "employees", "founder", "founders", "member", "members")


def people(nodes: list[dict]) -> list[dict]:
    """Person nodes anywhere in the blocks, and any node a clinic lists as its `employee`, `founder`
    or `member` (sites type their doctors "Physician" there), as staff rows: name, credentials from
    `honorificSuffix`, role from `jobTitle`. The caller keeps those with either."""
    listed = {id(node) for parent in _nested(nodes) for key in _STAFF_KEYS
              for node in _as_list(parent.get(key)) if isinstance(node, dict)}
    found = [node for node in _nested(nodes) if ("Person" in _types(node) or id(node) in listed)
             and isinstance(node.get("name"), str) and node["name"].strip()]
    return [{"name": " ".join(node["name"].split()),
             "credentials": ", ".join(str(s).strip() for s in _as_list(node.get("honorificSuffix")) if str(s).strip()),
             "role": ", ".join(s.strip() for s in _as_list(node.get("jobTitle")) if isinstance(s, str))}
            for node in found]


_TAGS = re.compile(r"<[^>]+>")


def faq_pairs(nodes: list[dict]) -> list[tuple[str, str]]:
    """(question, answer) of each Question a FAQPage lists: sites publish answers there that the
    page's accordion shows only in part, and they are the clinic's own words."""
    pairs = []
    for node in _nested(nodes):
        if "Question" not in _types(node) or not isinstance(node.get("name"), str):
            continue
        for answer in _as_list(node.get("acceptedAnswer")):
            text = answer.get("text") if isinstance(answer, dict) else None
            if isinstance(text, str) and text.strip():
                plain = " ".join(html.unescape(_TAGS.sub(" ", text)).split())
                pairs.append((" ".join(node["name"].split()), plain))
    return pairs


def _nested(data):
    """Every JSON object in data, however deep."""
    if isinstance(data, list):
        for item in data:
            yield from _nested(item)
    elif isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _nested(value)


def _loads(raw: str):
    raw = raw.strip().removeprefix("<!--").removesuffix("-->").strip()
    for text in (raw, _TRAILING_COMMA.sub(r"\1", raw)):
        try:
            data = json.loads(text, strict=False)
        except ValueError:
            continue
        return _unescape(data) if "&" in raw else data
    return None


def _unescape(data):
    """Strings with HTML entities decoded: SEO plugins write "Luma Drip Lounge &amp; Aesthetics"."""
    if isinstance(data, str):
        return html.unescape(data) if "&" in data else data
    if isinstance(data, list):
        return [_unescape(d) for d in data]
    if isinstance(data, dict):
        return {k: _unescape(v) for k, v in data.items()}
    return data


def _flatten(data, out: list[dict]) -> None:
    if isinstance(data, list):
        for d in data:
            _flatten(d, out)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten(data["@graph"], out)
        if "@type" in data:
            out.append(data)


def _types(node: dict) -> set[str]:
    return {t.rsplit("/", 1)[-1] for t in _as_list(node.get("@type")) if isinstance(t, str)}


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _postal_address(value) -> dict:
    for addr in _as_list(value):
        if isinstance(addr, dict):
            street = addr.get("streetAddress") or ""
            if isinstance(street, list):
                street = ", ".join(street)
            out = {
                "street": str(street).strip(),
                "city": str(addr.get("addressLocality") or "").strip(),
                "state": str(addr.get("addressRegion") or "").strip(),
                "postcode": str(addr.get("postalCode") or "").strip(),
            }
            country = addr.get("addressCountry")
            country = country.get("name") if isinstance(country, dict) else country  # a Country node
            if isinstance(country, str) and country.strip() and any(out.values()):
                out["country"] = country.strip()
            if any(out.values()):
                return out
    return {}


def _geo(value) -> dict:
    for geo in _as_list(value):
        if isinstance(geo, dict):
            try:
                return {"lat": float(geo["latitude"]), "lon": float(geo["longitude"])}
            except (KeyError, TypeError, ValueError):
                continue
    return {}
