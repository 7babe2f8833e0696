"""Whether a site offers ketamine care at all (rules.yml, `ketamine_gate`).

A seed list from directories holds sites that name ketamine without offering it to patients: a
veterinary hospital's anaesthesia page, an anaesthesia group's drug list, an oral surgeon's sedation
page, a TMS centre's "other options", an addiction centre's warnings and its "ketamine addiction"
pages, a psychiatry practice's blog, a directory of clinics, a law firm's "ketamine clinic injuries"
practice. What they say about evaluations, monitoring or their doctors is about something else, so
the flags, which the rubric defines for a clinic's ketamine (or esketamine) care, are not set for
them. Each page gets a mark here; the site offers ketamine care when a page that is not a post
names it in its address or title, says in the clinic's voice that it offers it or names it plainly
as care, or when half such pages mention it; never when half of them say the site treats no one
("We are not a clinic", a directory's footer; a drip bar's one "does not provide medical care" on
its booking page is a liability line). The gate fails open: a site it cannot read passes, such as
one whose pages build their text in the browser (the tiers then call it not-enough-info).
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

NEVER = re.compile(r"(?!x)x")
# The tier the shipped rule file gives such a site: the market figures and reports leave it out.
NO_KETAMINE_TIER = "no-ketamine-service"


@dataclass
class KetamineGate:
    tier: str = ""  # "" : no gate
    terms: re.Pattern = NEVER  # ketamine named in a page's text
    named: re.Pattern = NEVER  # ...in its URL path or title
    misuse: re.Pattern = NEVER  # ketamine as a drug of misuse ("ketamine addiction"): not its care
    elsewhere: re.Pattern = NEVER  # ...as made or given elsewhere (a pharmacy's, "options we refer to")
    disclaims: re.Pattern = NEVER  # the site says it treats no one ("We are not a clinic")
    maker: re.Pattern = NEVER  # ...or is a drug maker's, by the adverse-event line its labelling requires
    masthead: re.Pattern = NEVER  # ...or is a newspaper's, by the newsroom line on its pages
    offer: re.Pattern = NEVER  # a sentence naming it in the clinic's voice as what it offers
    not_care: re.Pattern = NEVER  # ...about animals, sedation, research or care elsewhere instead
    blog_pages: re.Pattern = NEVER  # URLs of posts and archives: no say in the gate
    blog_titles: re.Pattern = NEVER  # titles of posts and of pages on other options: no say either
    share: float = 0.5  # of the other pages that mention it, enough by itself
    services: list[str] = field(default_factory=list)  # ketamine's facet labels: they offer it, or are cleared


_NEGATED = re.compile(r"\bnot\b|n't\b|\bno longer\b|\bnever\b", re.I)  # "Not for IV, IM, or oral ketamine."
_QUOTED_OR_ASKED = re.compile(r"[\"\u201c\u201d?]")  # a testimonial's "my doctor suggested ketamine therapy"
_MARKS = ("named", "offer", "service", "mention", "misuse", "elsewhere", "disclaims", "newsroom", "none")


def page_mark(url: str, title: str, sentences, gate: KetamineGate, labels=lambda s: ()) -> str:
    """blog, disclaims, newsroom, named, misuse, elsewhere, offer, service, mention or none: what one page
    says about ketamine care. labels(sentence) gives the facet labels a sentence names
    (scoring/offerings.py)."""
    if gate.blog_pages.search(url or "") or gate.blog_titles.search(title or ""):
        return "blog"
    sentences = list(sentences)
    if any(gate.disclaims.search(s) for s in sentences if "not" in s or "n't" in s):  # every disclaimer negates
        return "disclaims"  # a directory's "Ketamine Compass does not provide treatment"
    if any(gate.maker.search(s) for s in sentences if "FDA" in s or "dverse" in s or "DVERSE" in s):
        return "disclaims"  # a brand's patient site: "To report SUSPECTED ADVERSE REACTIONS, contact … FDA"
    if any(gate.masthead.search(s) for s in sentences if "ewsroom" in s or "ditor" in s or "eporter" in s):
        return "newsroom"  # a newspaper's health section: "Newsroom: (319) 555-0187" on every page
    named = [x for x in (urlsplit(url or "").path, title or "") if gate.named.search(x)]
    # A rehab's "Ketamine Addiction Treatment" page, a pharmacy's "/compounding/ketamine/", a news
    # station's "/investigates/ketamine-clinics/", whatever else its headline says.
    if any(gate.misuse.search(x) for x in named):
        return "misuse"
    if any(gate.elsewhere.search(x) for x in named):
        return "elsewhere"
    if named:
        return "named"
    if not any(s.strip() for s in sentences):
        return ""  # no text (a page built in the browser, an image): it says nothing either way
    # "we don't offer ketamine"; a rehab's "ketamine addiction" is about something else
    mentions = [s for s in sentences if gate.terms.search(s) and not _NEGATED.search(s) and not gate.misuse.search(s)]
    if mentions and any(gate.elsewhere.search(s) for s in sentences):
        return "elsewhere"  # "Options we refer to: … IV ketamine": the page's ketamine is someone else's
    about_care = [s for s in mentions if not gate.not_care.search(s)]
    care = [s for s in about_care if not _QUOTED_OR_ASKED.search(s)]
    if any(gate.offer.search(s) for s in care):
        return "offer"
    if any(set(labels(s)) & set(gate.services) for s in care):
        return "service"
    # A vet's anaesthesia, research or a comparison names it on many pages, none about its care.
    return "mention" if about_care else "none"


def offers_ketamine(marks: list[str], gate: KetamineGate) -> bool:
    """Whether a site offers ketamine care, from its pages' marks: a page other than a post names
    it in its address or title, offers it in the clinic's voice or names it plainly as care
    ("Compassionate ketamine infusion care in Uptown Minneapolis", a "Ketamine infusions"
    heading), or `share` of the pages mention it other than for animals, anaesthesia, research or
    care elsewhere (not when some pages name it as a drug of misuse); never when `share` of them
    say the site treats no one. Pages scored before marks existed, and pages with no text (""),
    say nothing, so a site of such pages passes."""
    pages = [m for m in marks if m in _MARKS]
    if gate.tier and pages and pages.count("disclaims") + pages.count("newsroom") >= gate.share * len(pages):
        return False  # a directory that says on most pages it is no clinic, however it names ketamine
    # A drip bar's one liability line still mentions ketamine; a page with a reporter on it need not.
    pages = ["mention" if m == "disclaims" else "none" if m == "newsroom" else m for m in pages]
    if not gate.tier or not pages or {"named", "offer", "service"} & set(pages):
        return True
    # A site with pages on ketamine as a drug of misuse, or as made or given elsewhere, mentions it
    # for that reason.
    return ("misuse" not in pages and "elsewhere" not in pages
            and sum(m in ("service", "mention") for m in pages) >= gate.share * len(pages))
