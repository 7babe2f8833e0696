from pathlib import Path

import pytest
import yaml

from scoring import FLAGS, RuleError, aggregate, load_rules, scan_page
from scoring.rules import DEFAULT_RULES

GOOD = ("Every patient completes a psychiatric evaluation before treatment. "
        "Our board-certified anesthesiologists administer each infusion. ") * 20


def test_boilerplate_sentence_counts_once_per_clinic():
    footer = "Medical director: Jane Roe, MD."
    pages = [scan_page(f"Page {i} text here.\n{footer}", f"https://c.example/{i}") for i in range(5)]
    result = aggregate(pages)
    assert [e.snippet for e in result.flags["certified_staff"]] == [footer]


def test_any_page_sets_the_clinic_flag():
    pages = [scan_page("Nothing much here.", "https://c.example/"),
             scan_page("We monitor your blood pressure and oxygen throughout.", "https://c.example/faq")]
    result = aggregate(pages)
    assert result.present("medical_monitoring")
    assert result.flags["medical_monitoring"][0].url == "https://c.example/faq"


def test_a_list_item_read_with_its_heading_is_quoted_with_it():
    # One side effect per line under its heading: the evidence says what the line is a list of.
    page = scan_page("What to expect\nCommon side effects\nNausea\nBlurred vision", "https://c.example/faq")
    assert page.evidence["risk_disclosure"] == ["Common side effects: Nausea", "Common side effects: Blurred vision"]
    # A terse claim after the sentence naming the drug quotes that sentence too.
    page = scan_page("Our IV ketamine infusions are something new.\nFDA-approved for depression.", "https://c.example/")
    assert page.evidence["false_fda_claim"] == ["Our IV ketamine infusions are something new. FDA-approved for depression."]


def test_no_screening_claim_loses_to_own_evaluation():
    pages = [scan_page("No referral needed.", "https://c.example/"),
             scan_page("Every patient completes a medical evaluation with our physician.", "https://c.example/p")]
    result = aggregate(pages)
    assert result.present("screening") and not result.present("no_screening_claim")


def test_tiers_and_score():
    assert aggregate([scan_page(GOOD)]).tier == "meets-basics"
    assert aggregate([scan_page(GOOD)]).score == 50
    red = aggregate([scan_page(GOOD + " We guarantee results.")])
    assert red.tier == "red-flags" and red.score == 30
    assert aggregate([scan_page("Ketamine for anxiety. Call us.")]).tier == "not-enough-info"
    assert aggregate([scan_page("Ketamine infusions for anxiety and depression. " * 40)]).tier == "incomplete"


def test_every_flag_is_in_the_result():
    assert list(aggregate([]).to_dict()["flags"]) == list(FLAGS)


def test_weights_come_from_the_rule_file(tmp_path):
    data = yaml.safe_load(DEFAULT_RULES.read_text())
    data["weights"]["screening"] = 7
    data["weights"]["certified_staff"] = 3
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data))
    rules = load_rules(path)
    assert aggregate([scan_page(GOOD, rules=rules)], rules).score == 10


def test_a_lexicon_fragment_may_use_another(tmp_path):
    data = yaml.safe_load(DEFAULT_RULES.read_text())
    data["lexicon"] = {"outer": "(?:{{inner}} infusion)", **data["lexicon"], "inner": "moonbeam"}
    data["flags"]["screening"]["patterns"].append(r"\b{{outer}} screening\b")
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data))
    rules = load_rules(path)
    assert scan_page("We offer a moonbeam infusion screening to every patient.", rules=rules).evidence["screening"]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["flags"].pop("screening"), "no rules for flag(s): screening"),
    (lambda d: d["flags"]["screening"]["patterns"].append("(unclosed"), "flags.screening.patterns"),
    (lambda d: d["flags"]["screening"]["patterns"].append("(captured)"), "non-capturing"),
])
def test_bad_rule_files_raise_rule_error(tmp_path, mutate, message):
    data = yaml.safe_load(DEFAULT_RULES.read_text())
    mutate(data)
    path = tmp_path / "bad.yml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_rules(path)


def test_scoring_never_imports_scrapy():
    for path in Path(DEFAULT_RULES).parent.glob("*.py"):
        source = path.read_text()
        assert "import scrapy" not in source and "from scrapy" not in source, path
