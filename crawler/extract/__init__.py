"""Pure extraction: HTML in, page text and clinic facts out. No Scrapy import, so the CLI's
`score` command, `rescore` and the tests use exactly what the spider uses."""

import re
from dataclasses import dataclass, field

from .contacts import NOT_CLINIC_NUMBERS, find_address, find_emails, find_phones, region_for, to_e164
from .html import parse_html
from .jsonld import clinic_facts, faq_pairs, jsonld_nodes, people
from .links import resolve_links
from .staff import ROLE_WORDS, combined, find_staff, plain_name, staff_key

__all__ = ["ExtractedPage", "extract_page", "text_to_page"]

# An og:site_name that is a site builder's slug ("restoreketaminepa", "my-site-3") names no one:
# the clinic's name comes from the seed list or the page titles instead.
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


@dataclass
class ExtractedPage:
    title: str
    text: str  # one block per line
    facts: dict = field(default_factory=dict)
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute URL, anchor text), to follow


def extract_page(html: str | bytes, url: str = "") -> ExtractedPage:
    """Title, visible text, facts (name, phones, emails, address, geo) and links of one HTML page;
    `url`, the page's address, resolves its links."""
    parsed = parse_html(html)
    nodes = jsonld_nodes(parsed.jsonld_blocks)
    ld = clinic_facts(nodes)
    text = parsed.text
    if ld.get("description"):
        # JSON-LD descriptions are the clinic's own words too; score them with the page.
        text = f"{text}\n{ld['description']}" if text else ld["description"]
    # ...and so are a FAQPage's answers the page itself does not show.
    if pairs := faq_pairs(nodes):
        shown = " ".join(text.split())
        if extra := [f"{q}\n{a}" for q, a in pairs if a not in shown]:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)

    address = ld.get("address") or find_address(text)
    region = region_for(url, address)
    phones = [p for p in _unique([to_e164(p, region) for p in ld.get("phones", []) + parsed.tel_links]
                                 + find_phones(text, region))
              if p not in NOT_CLINIC_NUMBERS]  # a tel: link to a crisis line
    emails = _unique([e.lower() for e in ld.get("emails", []) + parsed.mailto_links] + find_emails(text))
    facts = {
        "name": ld.get("name") or ("" if _SLUG.match(parsed.site_name) else parsed.site_name),
        "phones": phones,
        "emails": emails,
        "address": address or {},
        "geo": ld.get("geo") or {},
        "jsonld_types": ld.get("types", []),
        "staff": _staff(text, nodes, parsed.img_alts),
    }
    return ExtractedPage(title=parsed.title, text=text, facts=facts, links=resolve_links(url, parsed.links, parsed.base_href))


def text_to_page(text: str) -> ExtractedPage:
    """The same result for a plain-text page (a .txt file, or a corpus line with "text")."""
    return ExtractedPage(
        title="",
        text=text,
        facts={
            "name": "",
            "phones": find_phones(text),
            "emails": find_emails(text),
            "address": find_address(text) or {},
            "geo": {},
            "jsonld_types": [],
            "staff": _staff(text, []),
        },
    )


def _staff(text: str, nodes: list[dict], alts: list[str] = ()) -> list[dict]:
    """People in the text, in photos' alt text ("Infusion nurse Kim Tran, RN, adjusting…"), and
    schema.org Person nodes with credentials or a clinical role."""
    found: dict[str, dict] = {}
    # Each alt alone (no line beside it); its role ends where the caption goes on ("…, adjusting a pump").
    pictured = [{**vars(m), "role": m.role.split(",")[0]} for alt in alts for m in find_staff(alt)]
    for member in [vars(m) for m in find_staff(text)] + pictured + _jsonld_staff(nodes):
        old = found.get(key := staff_key(member["name"]))
        found[key] = member if old is None else combined(old, member)  # one person, two sources
    return list(found.values())


def _jsonld_staff(nodes: list[dict]) -> list[dict]:
    out = []
    for person in people(nodes):
        if parsed := find_staff(person["name"]):  # "name": "Jane Roe, DNP"
            person = {**person, "name": parsed[0].name, "credentials": person["credentials"] or parsed[0].credentials}
        if person["credentials"] or ROLE_WORDS.search(person["role"]):
            name, credentials = plain_name(person["name"].strip(), person["credentials"])
            out.append({**person, "name": name, "credentials": credentials})
    return out


def _unique(values):
    seen = []
    for v in values:
        if v and v not in seen:
            seen.append(v)
    return seen
