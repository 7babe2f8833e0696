"""Whether a site offers ketamine care at all (rules.yml, `ketamine_gate`).

A seed list from directories holds sites that name ketamine without offering it to patients: a
veterinary hospital's anaesthesia page, an oral surgeon's sedation page, a TMS centre's "other
options", an addiction centre's warnings, a psychiatry practice's blog. What they say about
evaluations, monitoring or their doctors is about something else, so the flags, which the rubric
defines for a clinic's ketamine (or esketamine) care, are not set for them. Each page gets a mark
here; the site offers ketamine care when a page that is not a blog post names it in its address
or title or says in the clinic's voice that it offers it, when the seed page names it plainly as
its care, or when half such pages mention it. The gate fails open: a site it cannot read passes.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

NEVER = re.compile(r"(?!x)x")


@dataclass
class KetamineGate:
    tier: str = ""  # "" : no gate
    terms: re.Pattern = NEVER  # ketamine named in a page's text
    named: re.Pattern = NEVER  # ...in its URL path or title
    offer: re.Pattern = NEVER  # a sentence naming it in the clinic's voice as what it offers
    service: re.Pattern = NEVER  # ...or naming it as care ("ketamine infusion care"), plainly
    blog_pages: re.Pattern = NEVER  # URLs of posts and archives: no say in the gate
    share: float = 0.5  # of the other pages that mention it, enough by itself
    services: list[str] = field(default_factory=list)  # facet labels cleared with the flags


_NEGATED = re.compile(r"\bnot\b|n't\b|\bno longer\b|\bnever\b")
_QUOTED_OR_ASKED = re.compile(r"[\"\u201c\u201d?]")  # a testimonial's "my doctor suggested ketamine therapy"
_MARKS = ("named", "offer", "service", "mention", "none")


def page_mark(url: str, title: str, sentences, gate: KetamineGate) -> str:
    """blog, named, offer, service, mention or none: what one page says about ketamine care."""
    if gate.blog_pages.search(url or ""):
        return "blog"
    if gate.named.search(urlsplit(url or "").path) or gate.named.search(title or ""):
        return "named"
    mentions = [s for s in sentences if gate.terms.search(s) and not _NEGATED.search(s)]  # "we don't offer ketamine"
    if any(gate.offer.search(s) for s in mentions):
        return "offer"
    if any(gate.service.search(s) and not _QUOTED_OR_ASKED.search(s) for s in mentions):
        return "service"
    return "mention" if mentions else "none"


def offers_ketamine(marks: list[str], gate: KetamineGate) -> bool:
    """Whether a site offers ketamine care, from its pages' marks, its seed page's first: a page
    other than a post names it or offers it, the seed page names it as its care ("Compassionate
    ketamine infusion care in Uptown Minneapolis"), or `share` of the pages mention it. Pages
    scored before marks existed ("") say nothing, so a site of such pages passes."""
    pages = [m for m in marks if m in _MARKS]
    if not gate.tier or not pages or {"named", "offer"} & set(pages) or (marks and marks[0] == "service"):
        return True
    return sum(m in ("service", "mention") for m in pages) >= gate.share * len(pages)
