"""Clinic-level aggregation: pages' evidence → flags, score and tier.

A flag is set when any page sets it. Evidence sentences are de-duplicated across pages (a footer
or banner repeated on every page counts once); the sentence model's evidence is kept only for
flags no rule found anywhere on the site. `no_screening_claim` loses to the site's own
described evaluation, as the rubric says (an evaluation the rules found, not the model's guess).
"""

from dataclasses import dataclass, field

from .gate import offers_ketamine
from .offerings import load_offerings
from .rules import FLAGS, Rules, load_rules
from .scan import PageSignals
from .text import normalize


@dataclass
class Evidence:
    url: str
    snippet: str
    source: str = "rules"  # or "model": the sentence model's reading (scoring/model.py)


@dataclass
class ClinicScore:
    score: int
    tier: str
    words: int
    flags: dict[str, list[Evidence]] = field(default_factory=dict)  # every flag; [] when not set
    services: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)

    def present(self, flag: str) -> bool:
        return bool(self.flags.get(flag))

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "tier": self.tier,
            "flags": {
                f: {"present": bool(ev), "evidence": [{"url": e.url, "snippet": e.snippet, "source": e.source} for e in ev]}
                for f, ev in self.flags.items()
            },
            "services": self.services,
            "conditions": self.conditions,
        }


def aggregate(pages: list[PageSignals], rules: Rules | None = None, site: bool = False) -> ClinicScore:
    """One clinic's score from its pages' signals. site: the pages are a whole site (a crawl, a
    rescore), its seed page first, and a site that offers no ketamine care (scoring/gate.py) sets
    no flag."""
    rules = rules or load_rules()
    # The rules' and the model's evidence are collected apart, each with its own cap: the model's
    # counts only for flags no rule found anywhere on the site.
    found = {source: {f: [] for f in FLAGS} for source in ("rules", "model")}
    seen = {source: {f: set() for f in FLAGS} for source in ("rules", "model")}
    for page in pages:
        for flag, snippets in page.evidence.items():
            if flag not in FLAGS:
                continue
            source = "model" if flag in page.by_model else "rules"
            for snippet in snippets:
                key = normalize(snippet).lower()
                if key not in seen[source][flag] and len(found[source][flag]) < rules.evidence_per_flag:
                    seen[source][flag].add(key)
                    found[source][flag].append(Evidence(page.url, snippet, source))
    flags = {f: found["rules"][f] or found["model"][f] for f in FLAGS}
    # The site's own described evaluation, as the rules read it, outweighs a no-screening claim; the
    # model's guess at one does not, and gives way to the claim.
    if found["rules"]["screening"]:
        flags["no_screening_claim"] = []
    elif flags["no_screening_claim"]:
        flags["screening"] = []
    words = sum(p.words for p in pages)
    services = _union((p.services for p in pages), load_offerings().services)
    conditions = _union((p.conditions for p in pages), load_offerings().conditions)
    if site and not offers_ketamine([p.ketamine for p in pages], rules.gate):
        services = [s for s in services if s not in rules.gate.services]
        return ClinicScore(0, rules.gate.tier, words, {f: [] for f in FLAGS}, services, conditions)
    present = {f for f, ev in flags.items() if ev}
    return ClinicScore(score_of(present, rules), tier_of(present, words, rules), words, flags, services, conditions)


def _union(lists, vocabulary: dict) -> list[str]:
    """Labels found on any page, in the vocabulary's order (stable facets and reports)."""
    found = {label for labels in lists for label in labels}
    return [label for label in vocabulary if label in found]


def score_of(present: set[str], rules: Rules) -> int:
    total = sum(rules.weights[f] for f in present)
    return max(0, min(100, total))


def tier_of(present: set[str], words: int, rules: Rules) -> str:
    for tier in rules.tiers:
        if "any_of" in tier and not present & set(tier["any_of"]):
            continue
        if "all_of" in tier and not set(tier["all_of"]) <= present:
            continue
        if "words_below" in tier and not words < int(tier["words_below"]):
            continue
        return tier["name"]
    return "incomplete"
