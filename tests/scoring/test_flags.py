"""Each case in cases.yml sets exactly the flags it lists, by the rules alone.

The cases are the rule file's specification: each rule change came with one. The sentence model
is measured on the labelled corpus instead (README, Accuracy); tests/scoring/test_model.py checks
what it may and may not do.
"""

from pathlib import Path

import pytest
import yaml

from scoring import FLAGS, aggregate, load_rules, scan_page

CASES = yaml.safe_load(Path(__file__).with_name("cases.yml").read_text(encoding="utf-8"))
RULES_ALONE = load_rules().without_model()


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:50] for c in CASES])
def test_case_sets_exactly_its_flags(case):
    result = aggregate([scan_page(case["text"], "https://clinic.example/page", RULES_ALONE)], RULES_ALONE)
    got = {f for f in FLAGS if result.present(f)}
    assert got == set(case["sets"])


def test_evidence_is_the_sentence_and_its_url():
    text = "Welcome to our clinic.\nEvery patient completes a psychiatric evaluation first. We are open daily."
    result = aggregate([scan_page(text, "https://clinic.example/faq/")])
    [ev] = result.flags["screening"]
    assert ev.url == "https://clinic.example/faq/"
    assert ev.snippet == "Every patient completes a psychiatric evaluation first."


def test_words_in_curly_quotes_entities_and_dashes_still_match():
    text = "We\u2019ll never\u00a0skip screening \u2014 it\u2019s how we keep you safe."
    assert scan_page(text).evidence.get("screening")


def test_a_legal_notice_sets_no_good_practice_but_keeps_its_claims():
    # A privacy policy speaks of records, not care; a terms page disclaiming any evaluation is a claim.
    privacy = "With your consent we share records with your psychiatrist to coordinate your care and treat your depression."
    assert scan_page(privacy, "https://clinic.example/faq/").evidence.get("provider_coordination")
    page = scan_page(privacy, "https://clinic.example/privacy-policy/")
    assert page.evidence == {} and page.conditions == [] and page.words > 0
    terms = "We perform no medical or psychiatric evaluation before treatment."
    assert scan_page(terms, "https://clinic.example/terms-of-service/").evidence.get("no_screening_claim")


def test_a_menu_item_alone_sets_nothing():
    assert scan_page("Screening\nOur Doctors\nFAQ\nPricing").evidence == {}
