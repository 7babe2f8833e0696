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
])
def test_leading_prefixes(pattern, prefixes):
    got = leading_prefixes(pattern)
    assert (got if got is None else set(got)) == prefixes


def test_no_pattern_matches_a_corpus_sentence_the_prefilter_would_skip():
    rules = load_rules()
    patterns = [p for flag in rules.flags.values() for p in flag.patterns]
    checked = 0
    for name in ("tune.jsonl", "tune2.jsonl", "holdout.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text = extract_page(record["html"]).text if "html" in record else record["text"]
            for sent in sentences(text):
                starts = word_prefixes(sent.text)
                for p in patterns:
                    if p.prefixes is not None and p.prefixes.isdisjoint(starts):
                        assert not p.regex.search(sent.text), (p.regex.pattern[:60], sent.text)
                        checked += 1
    assert checked > 100_000
