"""Text normalisation and sentence splitting for scoring.

Web text arrives with curly quotes, odd dashes and no reliable punctuation: blocks (lines) are the
first boundary, sentences inside a block the second. FAQ questions answered by a bare "No." or
"Yes." become one statement, because in an FAQ the answer decides what the site claims.
"""

import re
import unicodedata
from dataclasses import dataclass

_TRANSLATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": " - ", "\u2015": " - ",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u00ad": None, "\u200b": None, "\ufeff": None,
})
_TRANSLATED = re.compile("[" + "".join(map(chr, _TRANSLATE)) + "]")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_ODD_BLANK = re.compile(r"[\t\r\f\v]")
_ABBREV = {
    "dr", "mr", "mrs", "ms", "st", "no", "jr", "sr", "vs", "etc", "inc", "ste", "approx", "e.g",
    "i.e", "u.s", "m.d", "d.o", "ph.d", "psy.d", "n.p", "p.a", "r.n", "prof", "dept", "fig",
    "mt", "ft", "co", "corp", "ltd", "blvd", "ave", "rd", "apt", "min", "hr", "hrs", "a.m", "p.m",
}
_INITIAL = re.compile(r"[a-z]")
_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_NEGATIVE = ("no", "nope", "not at all", "not necessarily", "absolutely not", "definitely not", "certainly not",
             "of course not", "you do not", "you don't", "you won't",
             "it is not", "it isn't", "it's not", "virtually none", "almost none", "none", "never")
_POSITIVE = ("yes", "yep", "yeah", "absolutely", "definitely", "of course", "certainly", "always", "every time",
             "at all times")
_MODALS = ("will", "would", "must", "should", "can", "could", "shall")
# The negative answers first: "absolutely not" before "absolutely".
_ANSWER = re.compile(
    r"^(?:(?P<qual>[^.,?!]{3,40}),\s*(?=(?:no|nope|yes)[.!]?$))?(?P<pol>" + "|".join(_NEGATIVE + _POSITIVE) + r")\b"
    r"[\s,.!:;-]*(?P<rest>.*)$", re.I)
_QUESTION_DO = re.compile(
    r"^(?P<aux>do|does|" + "|".join(_MODALS) + r")\s+(?P<subj>i|you|we|they|patients?|my \w+|one|people|it|ketamine|this|treatment|the \w+|an? (?!lot\b|few\b|little\b)\w+|someone|somebody)\s+(?P<rest>.+?)\??$",
    re.I)
# A heading that asks without a question mark ("How eligibility is determined", a contents list):
# it announces a topic, it does not say what the clinic does, so it is read as a question.
_WH_HEADING = re.compile(r"^(?:How|What|Why|When|Who|Which|Where)\b[^.!?:;]*$")
# An accordion's open/close sign after an FAQ question: "Do I need a referral?+", "…? ▾"; or the
# time stamp a theme's hidden markup glues to it ("Can you guarantee that this will work for
# me?2019-04-03T22:58:33-05:00", set BQ).
_TOGGLE = re.compile(r"\?\s*(?:[+\u2212\u2013\u2014\u25be\u25bc\u25b8\u203a\u00bb\u2304\u02c5\u271a\uff0b-]+"
                     r"|\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)$")
_QUESTION_BE = re.compile(r"^(?P<aux>is|are)\s+(?P<rest>.+?)\??$", re.I)
_PRONOUNS = {"there", "it", "this", "that"}
_PREDICATE_START = {"fda-approved", "fda", "approved", "required", "needed", "necessary",
                    "addictive", "habit-forming", "safe", "covered", "a", "an", "any", "the", "same",
                    "right", "effective", "available", "possible", "painful", "dangerous", "legal"}
# An accordion's sign or a bullet before a question: "+Do I need a referral?", "▸ Is it safe?".
_LEAD_SIGN = re.compile(r"^[^\w\"'(]+")
# The asker's words, said back by the clinic: "Will you check my blood pressure?" + "Yes." -> "We
# will check your blood pressure."
_ASKER = {"i": "you", "me": "you", "my": "your", "mine": "yours", "i'm": "you're", "myself": "yourself"}
_ASKER_WORD = re.compile(r"\b(?:i'm|i|me|my|mine|myself)\b", re.I)
_HEDGE = re.compile(r"\b(?:but|only|except|however|although|though|unless|if|as|when|some)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    text: str  # normalised text the rules match on
    snippet: str  # what a reader sees as evidence
    words: int
    question: bool = False


def normalize(text: str) -> str:
    # Both steps are skipped when there is nothing to do (C-speed checks): str.translate walks the
    # whole text through a dict, the slowest part of scoring a page before this.
    if not text.isascii():
        if "\u2122" in text or "\u2120" in text:  # NFKC would glue "Spravato\u2122" into "SpravatoTM"
            text = text.replace("\u2122", "").replace("\u2120", "")
        if "\u00ae" in text:  # "a Spravato\u00ae treatment center": the sign is no word of a phrase
            text = text.replace("\u00ae", "")
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        if _TRANSLATED.search(text):
            text = text.translate(_TRANSLATE)
    # Extracted text has its blanks collapsed already: check before a substitution at every space.
    if "  " in text or _ODD_BLANK.search(text):
        text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


# A block that stops mid-sentence ("There's no need for a") and the one that goes on with it ("GP
# referral", " or a psychiatric assessment - simply book online"): site builders put each styled
# span of one sentence in its own paragraph. Headings end in other words ("Who it's for").
_OPEN_END = frozenset({"a", "an", "the", "your", "our", "their", "my", "and", "or", "with", "without", "from", "by"})


def _blocks(text: str) -> list[str]:
    out: list[str] = []
    for line in normalize(text).split("\n"):
        if not line:
            continue
        if out and (prev := out[-1])[-1] not in ".!?:;" and " " in prev and (
                prev.rsplit(" ", 1)[1].lower() in _OPEN_END or (line[0].islower() and prev.count(" ") >= 2)):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return out


# Bullets run together on one line ("… • An IV line will be placed • You will be monitored for heart
# rate …", set BT): each item is a statement of its own.
_INLINE_BULLET = re.compile(r"\s+\u2022\s+")


def split_sentences(block: str) -> list[str]:
    if "\u2022" in block and _INLINE_BULLET.search(block):
        return [s for part in _INLINE_BULLET.split(block) for s in split_sentences(part)]
    if "." not in block and "!" not in block and "?" not in block:
        return [block.strip()] if block.strip() else []  # headings, buttons, list items: most blocks
    out, start = [], 0
    for m in _SPLIT.finditer(block):
        before = block[start:m.start()].rstrip("\"')]")
        last = before.rsplit(" ", 1)[-1].rstrip(".!?").lstrip("([").lower()  # "(Dr. Lee)"
        if before.endswith(".") and (last in _ABBREV or _INITIAL.fullmatch(last)):
            # "No. 5" abbreviates; "In supervised use, no. Unlike opioids…" ends an FAQ answer.
            if not (last == "no" and not block[m.end():m.end() + 1].isdigit()):
                continue
        out.append(block[start:m.start()].strip())
        start = m.end()
    tail = block[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


def sentences(text: str) -> list[Sentence]:
    """The sentences of a page, plus one merged statement per FAQ question answered yes/no."""
    plain = [_TOGGLE.sub("?", s) if "?" in s else s
             for block in _blocks(text) for s in split_sentences(block)]
    out = []
    for i, s in enumerate(plain):
        words = len(s.split())
        is_q = s.endswith("?") or (words <= 10 and bool(_WH_HEADING.match(s)))
        out.append(Sentence(s, s, words, is_q))
        if is_q and i + 1 < len(plain):
            merged = _answered(s, plain[i + 1])
            if merged:
                out.append(Sentence(merged, f"{s} {plain[i + 1]}", len(merged.split())))
    return out


def _answered(question: str, answer: str) -> str:
    """'Do I need a referral?' + 'No.' -> 'You do not need a referral.'; '' when not a bare yes/no."""
    # A dash ends a short answer ("Virtually none - most people are back at work the same day")
    # unless what follows qualifies it ("No - but we ask for your records").
    head, _, tail = answer.partition(" - ")
    m = _ANSWER.match(head)
    if not m or len(m.group("rest").split()) > 8 or _HEDGE.search(m.group("rest")) or _HEDGE.match(tail):
        return ""
    yes = m.group("pol").lower() not in _NEGATIVE
    q = _LEAD_SIGN.sub("", question.rstrip("?").strip())
    if q.lower().startswith("any "):  # "Any side effects? None." -> "there are no side effects."
        return f"there are {'' if yes else 'no '}{q[4:]}."
    if dm := _QUESTION_DO.match(q):
        subj, rest, aux = dm.group("subj"), dm.group("rest"), dm.group("aux").lower()
        # "you" asked about with the asker's own words is the clinic: "Will you check my blood pressure?"
        if subj.lower() == "you" and _ASKER_WORD.search(rest):
            subj = "We"
        elif subj.lower() in {"i", "you"}:
            subj = "You"
        rest = _said_back(rest)
        if not yes and rest.lower().startswith(("have ", "has ")) and not rest.lower().startswith(("have to ", "has to ")):
            # "Does it have side effects? None." -> "it has no side effects."; "Will I have…" -> "You will have no…"
            verb = f"{aux} have" if aux in _MODALS else "have" if subj in {"You", "We"} else "has"
            return f"{subj} {verb} no {rest.split(' ', 1)[1]}."
        if aux in _MODALS:  # "Can ketamine raise my blood pressure? Yes." -> "ketamine can raise your blood pressure."
            return f"{subj} {aux} {'' if yes else 'not '}{rest}."
        return f"{subj} {'' if yes else aux + ' not '}{rest}."
    if bm := _QUESTION_BE.match(q):
        words = bm.group("rest").split()
        # Put the verb back after the subject: "Is ketamine addictive" -> "ketamine is (not) addictive".
        if words[0].lower() in _PRONOUNS:
            cut = 1
        else:
            cut = next((j for j, w in enumerate(words[1:], 1) if w.lower() in _PREDICATE_START),
                       max(len(words) - 1, 1))
        subj, pred = words[:cut], words[cut:]
        verb = bm.group("aux").lower() + ("" if yes else " not")
        return _said_back(" ".join(subj + [verb] + pred)) + "."
    return ""


def _said_back(text: str) -> str:
    """The asker's words as the clinic says them back: "my blood pressure" -> "your blood pressure"."""
    return _ASKER_WORD.sub(lambda w: _ASKER[w.group(0).lower()], text)
