"""Page-level scanning: which flags does one page's text set, and by which sentences.

A sound prefilter (scoring.prefilter) first drops the patterns that cannot match a sentence because
none of its words starts like them; only the rest are run with the full checks (other senses,
negation, scope, criticism). Where the rules set a positive flag nowhere on the page, the sentence
model (scoring/model.py) reads the page's statements for it.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .gate import page_mark
from .model import features
from .offerings import load_offerings, places_only, sentence_offerings
from .prefilter import word_prefixes
from .rules import FLAGS, FlagRule, Pattern, Rules, load_rules
from .text import Sentence, sentences

# Where a negator's reach ends: punctuation, contrast words, a comma opening a new clause ("…, we",
# "…, and it", "…, and nobody": a clause's own negator is its own) or the next item of a "no X, no Y"
# or "no X and no Y" list (each "no" negates its own item, not the next one's; so does "and nobody",
# "and never"). A reason is a clause too: "may not be candidates, since ketamine can trigger mania".
_CLAUSE_BREAK = re.compile(
    r"[;:!?()\[\]]|\s-\s|\.\s|\b(?:but|however|although|though|whereas|while|unless|instead|so|because|since)\b"
    r"|,\s*(?:and\s+|or\s+)?(?=(?:we|our|you|your|they|she|he|it|this|that|every|each|all|no|nobody|no one|none|nothing|neither|never)\b)"
    r"|\b(?:and|or)\s+(?=(?:no|nobody|no one|none|nothing|never)\b)", re.I)
# Phrases with a negator that do not negate: "not only", "may or may not", "whether or not", and a
# double negation that affirms ("we will not treat anyone who hasn't had an evaluation").
_NOT_NEGATION = re.compile(
    r"\b(?:won't|will not|never|don't|do not|doesn't|does not|cannot|can't)\s+(?:\w+\s+){0,3}?"
    r"(?:anyone|anybody|a patient|patients|someone|you)\s+(?:who (?:hasn't|has not|haven't|have not)|without)\b"
    r"|\bnot (?:only|just|merely)\b|\b(?:may|might|can|will|do|does|did) or (?:may |might |can |will |do |does |did )?not\b"
    r"|\bwhether or not\b|\bif not\b"
    # Not knowing a thing asserts it: "people don't realize ketamine is FDA-approved for depression".
    r"|\b(?:don't|do not|doesn't|does not|didn't|did not)\s+(?:realize|realise|know that|understand that)\b", re.I)
# A claim under a "Myth #5:" label is refuted, not said, whatever flag its words would set; a
# checklist under "Green flags:" or "Red flags:" is what any clinic should or should not do (set BQ).
_MYTH_LEAD = re.compile(r"^\W*(?:(?:myths?|misconceptions?)\s*(?:#\s*)?\d*\s*[:.\u2013\u2014-]|(?:green|red) flags?\s*:)",
                        re.I)
# A bold lead-in label ("Expert: your care is given by…", "Safety first: we…") says nothing about
# whose practice the sentence describes: the generic/others check reads what follows it.
_LEAD_LABEL = re.compile(r"^(?:[\w'&-]+\s+){0,2}[\w'&-]+:\s+(?=\S)")
# A "not" right before the match negates it, whatever came earlier in the clause.
_JUST_NEGATED = re.compile(r"\b(?:not|never)\s+$|n't\s+$", re.I)
# The last item of a list a negated "need" governs: "You don't need a referral, a diagnosis, or a
# note from a psychiatrist" (the note is as unneeded as the referral, however far from the "don't").
_LIST_NEGATED = re.compile(
    r"\b(?:don't|do not|doesn't|does not|won't|will not|never|no need for|without)\s+(?:need|require|ask for|have to (?:bring|get|have|provide))\b"
    # ... to the last item: "a referral, a diagnosis or a long intake appointment" (not "..., but we do a full").
    r"[^.;:]*,\s*(?![^,]*\b(?:but|we|our|us|you)\b)(?:(?:\w+\s+){1,3}(?:or|and|nor)\s+(?:\w+\s+){0,3}|(?:(?:or|and|nor)\s+)?(?:\w+\s+){0,2})$", re.I)
# ...and the second of two: "There's no need for a GP referral or a psychiatric assessment".
_PAIR_NEGATED = re.compile(
    r"(?:\b(?:don't|do not|doesn't|does not|won't|will not|never)\s+(?:need|require|ask for)|\bno need (?:for|of)|\bwithout)\s+"
    r"(?:an?\s+|any\s+|your\s+)?(?:[\w'-]+\s+){1,3}(?:or|nor)\s+(?:an?\s+|any\s+|your\s+)?(?:[\w'-]+\s+){0,2}$", re.I)
_AFTER_NEGATED = re.compile(r"^(?:\s+(?:or|and|nor)\s+(?:an?\s+|your\s+)?[\w-]+(?:\s+[\w-]+)?)?\W*(?:is|are|was|will be|be)?\s*(?:not|never|n't)\s+(?:\w+\s+)?(?:required|needed|necessary|mandatory|done|performed|offered|provided)\b|^\W*(?:isn't|aren't|wasn't)\s+(?:required|needed|necessary|mandatory)\b", re.I)


@dataclass
class PageSignals:
    """Evidence sentences per flag for one page, and how many words it has."""

    url: str
    words: int
    evidence: dict[str, list[str]] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    by_model: list[str] = field(default_factory=list)  # flags whose evidence the model found
    ketamine: str = ""  # what the page says of ketamine care, for the site's gate (scoring/gate.py)
    # label -> the places this page says it is offered at, when a sentence limits it to some of a
    # chain's places ("IM ketamine only at our Denver and Salt Lake City clinics"; its heading names
    # it too): a crawl seeded at another of the chain's locations does not take it from this page
    # (crawler/clinic_facts.py).
    only_at: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"url": self.url, "words": self.words, "evidence": self.evidence,
                "services": self.services, "conditions": self.conditions, "by_model": self.by_model,
                "ketamine": self.ketamine, "only_at": self.only_at}

    @classmethod
    def from_dict(cls, d: dict) -> "PageSignals":
        return cls(d.get("url", ""), int(d.get("words", 0)), dict(d.get("evidence") or {}),
                   list(d.get("services") or []), list(d.get("conditions") or []),
                   list(d.get("by_model") or []), str(d.get("ketamine") or ""), dict(d.get("only_at") or {}))


MODEL_MIN_WORDS = 6  # a menu item or a terse line is too little for a statistical reading
CACHE_LIMIT = 200_000  # sentences remembered per rule set (a few tens of MB at most)


def scan_page(text: str, url: str = "", rules: Rules | None = None, title: str = "") -> PageSignals:
    rules = rules or load_rules()
    sents = sentences(text or "")
    words = sum(s.words for s in sents if s.text == s.snippet)  # merged FAQ statements not twice
    evidence: dict[str, list[str]] = {}
    labels: set[str] = set()
    named: dict[str, tuple[str, ...]] = {}  # sentence -> the labels it names, for the site's gate
    places: dict[str, set[str]] = {}  # label -> the places a sentence limits it to
    last: tuple[str, ...] = ()  # the labels of the last line that named any
    for i, sent in enumerate(sents):
        if sent.question:
            continue
        flags, offered, leads = _read(sent, sents, i, rules)
        if offered:
            labels.update(offered)
            named[sent.text] = offered
        # A short line naming no service limits the one named just before it: "Intramuscular (IM)
        # Ketamine" over "Currently offered only at our Denver and Salt Lake City clinics".
        last = offered or (last if sent.words <= 12 else ())
        if last and (limit := places_only(sent.text)):
            for label in last:
                places.setdefault(label, set()).update(limit)
        for flag in flags:
            found = evidence.setdefault(flag, [])
            snippet = _with_lead(leads[flag], sent.snippet) if flag in leads else sent.snippet
            if snippet not in found and len(found) < rules.evidence_per_flag:
                found.append(snippet)
    by_model = []
    if url and rules.legal_pages.search(urlsplit(url).path):
        # A privacy notice's "we share records with your other providers" is about data, not care;
        # a terms page's "we perform no medical evaluation" is still the clinic's claim.
        evidence = {f: v for f, v in evidence.items() if rules.flags[f].kind == "red"}
        labels = set()
    elif rules.model:
        for flag, snippet in _second_reading(sents, evidence, rules).items():
            evidence[flag] = [snippet]
            by_model.append(flag)
    if url and rules.gate.blog_pages.search(url):
        # A post's lozenge startups, telehealth rules and early OCD research are news, not what the
        # clinic offers; its flags still count.
        labels = set()
    vocabulary = load_offerings()
    mark = page_mark(url, title, (s.text for s in sents), rules.gate, lambda t: named.get(t, ())) if rules.gate.tier else ""
    only_at = {k: sorted(v) for k, v in places.items() if k in labels}
    return PageSignals(url, words, evidence, [k for k in vocabulary.services if k in labels],
                       [k for k in vocabulary.conditions if k in labels], by_model, mark, only_at)


def statements(text: str) -> list[Sentence]:
    """A page's sentences without its FAQ questions: what the model learns from. It learns from
    the short ones too (menu items, headings are useful negatives) but reads only longer ones."""
    return [s for s in sentences(text) if not s.question]


def _second_reading(sents: list[Sentence], evidence: dict[str, list[str]], rules: Rules) -> dict[str, str]:
    """For each flag the rules did not set on this page, the statement the model is surest of, if
    it clears the flag's threshold and the rules' scope checks (not other clinics, not general),
    names none of the flag's excluded word senses ("COVID screening") and is no red-flag claim."""
    model = rules.model
    wanted = [(f, reader, rules.flags[f]) for f, reader in model.flags.items() if f not in evidence]
    if not wanted:
        return {}
    best: dict[str, tuple[float, Sentence]] = {}
    # A sentence the rules read as a red flag ("Skip the intake paperwork and the psych eval.") is
    # not evidence of a good practice, however its words score.
    claims = {snippet for flag, snippets in evidence.items() if rules.flags[flag].kind == "red" for snippet in snippets}
    for sent in sents:
        if sent.question or sent.words < MODEL_MIN_WORDS or sent.snippet in claims or rules.model_skip.search(sent.text):
            continue
        probability = rules.model_cache.get(sent.text)
        if probability is None:  # every flag's at once: a footer's sentences recur on every page
            if len(rules.model_cache) >= CACHE_LIMIT:
                rules.model_cache.clear()
            feats = features(sent.text, model.buckets)
            probability = rules.model_cache[sent.text] = {f: r.probability(feats) for f, r in model.flags.items()}
        for flag, reader, rule in wanted:
            p = probability[flag]
            if p >= reader.threshold and p > best.get(flag, (0.0,))[0] and _may_set(rule, sent.text, rules):
                best[flag] = (p, sent)
    return {flag: sent.snippet for flag, (_, sent) in best.items()}


def _may_set(rule: FlagRule, text: str, rules: Rules) -> bool:
    """Whether the rules' checks let a whole sentence set the flag: in scope, naming none of the
    flag's excluded senses ("COVID screening") and some word of its subject (`model_requires`: a
    gift-card sale is not about who treats you, however its hashed words score)."""
    return (not _vetoed(rule, text, (0, len(text)), rules) and not any(e.search(text) for e in rule.exclude)
            and not _denied(rule, text) and (rule.model_requires is None or bool(rule.model_requires.search(text))))


def _denied(rule: FlagRule, text: str) -> bool:
    """Whether the sentence says one of the flag's own matches is not needed ("A referral from your
    therapist isn't necessary"): the rules have read it, and it says the opposite, whatever its
    words score."""
    return any(_AFTER_NEGATED.search(text[m.end():m.end() + 60])
               for pattern in rule.patterns if pattern.negatable for m in pattern.regex.finditer(text))


def _read(sent: Sentence, sents: list[Sentence], i: int, rules: Rules) -> tuple[tuple[str, ...], tuple[str, ...], dict]:
    """The flags one sentence sets, the services/conditions it names, and for a flag set through an
    `antecedent` the sentence it read it with; remembered: footers, banners and FAQ answers repeat
    across a site's pages. A terse sentence, or one opening with "It", is keyed with its
    neighbours, which window patterns read."""
    terse = bool(rules.max_window) and _reads_neighbours(sent)
    # What the sentence's antecedents are (looked up once: its key and its patterns both need them).
    leads = {a.pattern: _antecedent(sents, i, a) for a in rules.antecedents} if terse else {}
    key = (sent.text, _neighbours(sents, i, rules.max_window), *leads.values()) if terse else sent.text
    hit = rules.cache.get(key)
    if hit is None:
        starts = word_prefixes(sent.text)
        # flag -> pattern -> where a match may start: `starts` runs in reading order, so a
        # pattern's first prefix gives its earliest word.
        candidates: dict[str, dict[int, int]] = {}
        for prefix, at in starts.items():
            for flag, j in rules.index.get(prefix, ()):
                candidates.setdefault(flag, {}).setdefault(j, at)
        for flag, j in rules.always:
            candidates.setdefault(flag, {})[j] = 0
        read = {f: _sets(rules.flags[f], sorted(candidates[f].items()), sent, rules, sents, i, leads)
                for f in FLAGS if f in candidates}
        hit = (tuple(f for f, lead in read.items() if lead is not None), sentence_offerings(sent.text, starts),
               {f: lead for f, lead in read.items() if lead})
        if len(rules.cache) >= CACHE_LIMIT:
            rules.cache.clear()
        rules.cache[key] = hit
    return hit


# A sentence whose subject is in the sentence before: "Spravato is a nasal spray. It is the only
# FDA-approved medicine for TRD.", "In 2019 it became the first...", or names none: "Spravato® Nasal
# Spray" over "An FDA-approved option for TRD that is often covered by insurance.", or a list item under
# its lead-in: "The nasal spray medication is:" over "• FDA-approved for adults with TRD ...".
_ANAPHOR = re.compile(r"^\W*(?:(?:in|since|by) (?:\w+ )?\d{4},?\s+)?(?:it|this (?:medication|medicine|drug|treatment|spray|therapy)|the (?:medication|medicine|drug|spray|nasal spray))\b"
                      r"|^\W*(?:(?:an?|the (?:first|only))\s+(?:[\w-]+\s+)?)?fda[- ]approved\b", re.I)


# A sentence in quotation marks: a testimonial, or a claim a myths page quotes to rebut it.
_QUOTED = re.compile(r"^(?:\d{1,2}[.)]\s*)?\W{0,3}[\"\u201c\u2018']")
_QUOTATION = re.compile(r"[\"\u201c][^\"\u201c\u201d]{3,}(?:[\"\u201d]|$)")  # a sentence may end inside it
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|my|me|we|we're|our|us)\b", re.I)
_SIGNED = re.compile(r"^\W*(?:[-\u2013\u2014~]|[A-Z][a-z]+\s+[A-Z]\.?(?:\W|$))")  # "— Dana R.", "Dana R."


def _reads_neighbours(sent: Sentence) -> bool:
    """Whether a window pattern reads this sentence's neighbours: a terse claim ("FDA-approved."),
    one that opens with a pronoun for something named before it, or a quotation (a myth or a
    testimonial, which its neighbours tell apart)."""
    return sent.words <= 8 or bool(_ANAPHOR.match(sent.text) or _QUOTED.match(sent.text))


def _neighbours(sents: list[Sentence], i: int, window: int) -> str:
    return " | ".join(s.text for s in sents[max(0, i - window):i + window + 1])


ANTECEDENT_REACH = 8  # sentences back that a terse claim's subject is looked for


def _antecedent(sents: list[Sentence], i: int, subject: re.Pattern) -> str:
    """The nearest sentence before sentence i that names the subject ("" if none within reach): what
    a bullet under "Spravato (esketamine) is ..." and its other bullets is about."""
    return next((s.text for s in reversed(sents[max(0, i - ANTECEDENT_REACH):i]) if subject.search(s.text)), "")


def _with_lead(lead: str, snippet: str) -> str:
    """Evidence read with its antecedent quotes both: a heading and its list item ("Possible Side
    Effects: Nausea"), or the sentence naming the drug and the terse claim after it."""
    lead = lead.rstrip(" :")
    return f"{lead} {snippet}" if lead.endswith((".", "?", "!")) else f"{lead}: {snippet}"


def _context(sents: list[Sentence], i: int, pattern: Pattern, leads: dict[str, str]) -> tuple[str, str]:
    """What a window pattern's requires/unless read for a terse sentence: its neighbours and, when
    they name no `antecedent`, the nearest sentence before that does (`leads`, by antecedent). Also
    returned: that sentence, which its evidence quotes ("" if none, or the sentence names it itself)."""
    lo = max(0, i - pattern.window)
    window = [s.text for s in sents[lo:i + pattern.window + 1]]
    if not pattern.antecedent or pattern.antecedent.search(sents[i].text):
        return " ".join(window), ""
    lead = leads[pattern.antecedent.pattern]
    if lead and not any(pattern.antecedent.search(t) for t in window):
        window.insert(0, lead)
    return " ".join(window), lead


def _sets(flag: FlagRule, which: list[tuple[int, int]], sent: Sentence, rules: Rules,
          sents: list[Sentence], i: int, leads: dict[str, str]) -> str | None:
    """None when the sentence does not set the flag; else the antecedent sentence it was read with
    ("" if none)."""
    found = _match(flag, which, sent, rules, sents, i, leads)
    if found is None or _vetoed(flag, sent.text, found[0], rules) or (flag.critic and _myth(sents, i, rules)):
        return None
    return found[1]


def _myth(sents: list[Sentence], i: int, rules: Rules) -> bool:
    """A quoted claim under a "Myth:" label or followed by its rebuttal ("It isn't; …", "Fact: …"),
    or a quoted slogan in no one's voice followed by comment on it ("“Permanent cure.” Depression
    is often a recurring illness."), as a post on ad phrases lists them; a testimonial speaks in
    the first person or is signed."""
    text = sents[i].text
    after = sents[i + 1].text if i + 1 < len(sents) else ""
    if not _QUOTED.match(text):
        # A claim quoted inside the sentence and rebutted by the next: 'Another common line online
        # is that ketamine is "not addictive." That isn't accurate.'
        return bool(_QUOTATION.search(text)) and bool(rules.rebuttal.search(after))
    before = sents[i - 1].text if i else ""
    if rules.myth_label.search(before) or rules.rebuttal.search(after):
        return True
    return (sents[i].words <= 6 and not _FIRST_PERSON.search(text) and bool(after)
            and not _QUOTED.match(after) and not _SIGNED.match(after) and not _FIRST_PERSON.search(after))


def _vetoed(flag: FlagRule, text: str, span: tuple[int, int], rules: Rules) -> bool:
    """Vetoes, checked only once a pattern matched: criticism and the flag's veto read the whole
    sentence; scope reads the clause that holds the match (a clause that speaks of us is ours)."""
    if flag.critic and (c := rules.critic.search(text)) and c.start() < _contrast_end(text, span):
        return True
    if _MYTH_LEAD.match(text):
        return True  # "Myth #5: Ketamine is only for people who've tried everything."
    if flag.veto and flag.veto.search(text):
        return True
    if flag.scope != "any":
        clause = _clause(text, span)
        # "we" inside a phrase about other clinics ("the clinic we visited") does not make it ours.
        if rules.own.search(clause) and rules.own.search(rules.others.sub(" ", clause)):
            return False
        # Other clinics named anywhere in the sentence ("we looked at how other clinics did it:
        # weeks of waiting, a psychiatric evaluation…") make a clause that does not speak of us
        # about them; hedges (scope own) are read in the match's clause only.
        return bool(rules.others.search(_LEAD_LABEL.sub("", text, count=1))
                    or (flag.scope == "own" and rules.generic.search(clause)))
    return False


_CONTRAST_WORDS = r"(?:but|however|although|though|whereas)\b"
# A contrast after the match starts another statement: "Ketamine infusions are FDA-approved for
# depression, but many clinics charge $700" is the site's claim; "many clinics" is not its critic.
_CONTRAST = re.compile(rf",\s{_CONTRAST_WORDS}", re.I)


def _contrast_end(text: str, span: tuple[int, int]) -> int:
    """Where the statement holding the match ends: at the first contrast after it."""
    m = _CONTRAST.search(text, span[1])
    return m.start() if m else len(text)


_SCOPE_BREAK = re.compile(rf"[;:]|\s-\s|,?\s\b{_CONTRAST_WORDS}", re.I)


def _clause(text: str, span: tuple[int, int]) -> str:
    """The clause of the sentence that holds the match: a hedge in another clause ("..., but it
    usually takes an hour") does not make the match generic."""
    start, end = 0, len(text)
    for b in _SCOPE_BREAK.finditer(text):
        if b.end() <= span[0]:
            start = b.end()
        elif b.start() >= span[1]:
            end = b.start()
            break
    return _LEAD_LABEL.sub("", text[start:end].strip(), count=1)


def _match(flag: FlagRule, which: list[tuple[int, int]], sent: Sentence, rules: Rules,
           sents: list[Sentence], i: int, leads: dict[str, str]) -> tuple[tuple[int, int], str] | None:
    """The span of the first match of one of the flag's patterns that survives its checks, and the
    `antecedent` sentence it was read with ("" if none); `which` gives each candidate pattern and
    where in the sentence its match may start (prefilter)."""
    text = sent.text
    for j, at in which:
        pattern = flag.patterns[j]
        if sent.words < pattern.min_words or (pattern.max_words and sent.words > pattern.max_words):
            continue
        # The pattern itself first: it fails on most sentences the prefilter lets through, and some
        # unless/requires expressions (whole-sentence lookaheads) cost more than it does.
        if not pattern.regex.search(text, at):
            continue
        context, lead = text, ""
        if pattern.window and _reads_neighbours(sent):
            context, lead = _context(sents, i, pattern, leads)
        if pattern.unless and pattern.unless.search(context):
            continue
        if pattern.requires and not pattern.requires.search(context):
            continue
        for m in pattern.regex.finditer(text, at):
            if any(_overlaps(m, e, text) for e in flag.exclude):
                continue
            if pattern.negatable and _negated(text, m.start(), m.end(), rules):
                continue
            return m.span(), lead
    return None


def _overlaps(m: re.Match, exclude: re.Pattern, text: str) -> bool:
    """Whether an excluded sense covers the match, read within 100 characters of it: an exclusion
    can span a list ("side effects, such as nausea and constipation, of high opioid doses")."""
    lo, hi = max(0, m.start() - 100), min(len(text), m.end() + 100)
    return any(e.start() + lo < m.end() and e.end() + lo > m.start() for e in exclude.finditer(text[lo:hi]))


def _negated(text: str, start: int, end: int, rules: Rules) -> bool:
    """A "not" right before the match; else an odd number of negators in the same clause just before
    it, or 'is not required' after."""
    before = text[:start]
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if breaks:
        before = before[breaks[-1].end():]
    before = _NOT_NEGATION.sub(" ", before)
    if _JUST_NEGATED.search(before):
        return True  # "does not suit everyone and is not guaranteed": the nearest "not" decides
    if _LIST_NEGATED.search(before) or _PAIR_NEGATED.search(before):
        return True
    window = " ".join(before.split()[-rules.negation_window:])
    # Negators inside the match count too ("are not medically evaluated" matches from "are").
    count = len(rules.negators.findall(window))
    if _AFTER_NEGATED.search(text[end:end + 60]):
        count += 1
    return count % 2 == 1
