"""The prefilter may only skip work, never a match."""

import json
from pathlib import Path

import pytest

from crawler.extract import extract_page
from scoring import load_rules
from scoring.prefilter import leading_prefixes, word_prefixes
from scoring.text import sentences

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize("pattern, prefixes", [
    (r"\b(?:medical|psychiatric)\s+evaluations?\b", {"med", "psy"}),
    (r"\bno\s+referral", {"no"}),
    (r"(?<!your )\b(?:iv|intravenous)\b", {"i"}),  # the parser factors out the shared "i"
    (r"\b(?:full )?refund", {"ful", "ref"}),       # an optional first word: either start
    (r"\b\d+-minute", None),                       # a class: always tried
    (r"cure", None),                               # no word boundary: could start mid-word
    (r"(?-i:\bDr\.? [A-Z])|\bnurses?\b", {"dr", "nur"}),  # alternatives that start differently
    (r"(?-i:\bDr\.? [A-Z])|\b\d+-minute", None),          # one of them unknown: always tried
])
def test_leading_prefixes(pattern, prefixes):
    got = leading_prefixes(pattern)
    assert (got if got is None else set(got)) == prefixes


def test_no_pattern_matches_a_corpus_sentence_the_prefilter_would_skip():
    """Nor before the word the prefilter starts its search at: the first match is the same."""
    rules = load_rules()
    patterns = [p for flag in rules.flags.values() for p in flag.patterns]
    skipped = started_late = 0
    for name in ("tune.jsonl", "tune2.jsonl", "holdout.jsonl", "tune4.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = extract_page(record["html"]).text if "html" in record else record["text"]
            for sent in sentences(text):
                starts = word_prefixes(sent.text)
                for p in patterns:
                    if p.prefixes is None:
                        continue
                    whole = p.regex.search(sent.text)
                    if p.prefixes.isdisjoint(starts):
                        assert not whole, (p.regex.pattern[:60], sent.text)
                        skipped += 1
                    elif whole:
                        at = min(starts[k] for k in p.prefixes if k in starts)
                        assert p.regex.search(sent.text, at).span() == whole.span(), (p.regex.pattern[:60], sent.text)
                        started_late += at > 0
    assert skipped > 100_000 and started_late > 100


def test_word_prefixes_say_where_their_first_word_starts():
    assert word_prefixes("See our RN, then the nurse.") == {
        "s": 0, "se": 0, "see": 0, "o": 4, "ou": 4, "our": 4, "r": 8, "rn": 8,
        "t": 12, "th": 12, "the": 12, "n": 21, "nu": 21, "nur": 21}
    # Lowercasing "İ" makes two characters of one: positions no longer hold, so search from 0.
    assert set(word_prefixes("İlk nurse").values()) == {0}
