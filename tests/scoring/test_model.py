"""The sentence model: what it may add to the rules, and what it must not."""

import json
from dataclasses import replace

import pytest
import yaml

from scoring import RuleError, aggregate, load_rules, scan_page
from scoring.model import features, load_model
from scoring.rules import DEFAULT_RULES, POSITIVE_FLAGS
from scoring.train import train
from tests.helpers import assert_one_line_error, run_cli

RULES = load_rules()
ALONE = RULES.without_model()
# No rule of the shipped file reads "checks in with the therapist you already see" as coordination;
# the model does.
WATCHED = "Between sessions our counselor checks in with the therapist you already see, so nothing is missed."
# The rules do set it from this one.
BY_RULES = "We share notes with the counselor you already see so everyone is on the same page."


def _eager():
    """A model that sets every flag on every statement: what remains unset is the guards' doing."""
    eager = replace(RULES.model, flags={f: replace(m, threshold=0.0) for f, m in RULES.model.flags.items()})
    return replace(RULES, model=eager, cache={}, model_cache={})


EAGER = _eager()


def _rules_file(tmp_path, **keys):
    """A copy of the shipped rule file with top-level keys set (None: removed)."""
    data = yaml.safe_load(DEFAULT_RULES.read_text())
    for key, value in keys.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_the_shipped_rule_file_uses_the_shipped_model():
    assert RULES.model is not None
    assert set(RULES.model.flags) == set(yaml.safe_load(DEFAULT_RULES.read_text())["model_flags"])


def test_model_flags_keep_the_model_off_a_flag(tmp_path):
    """The shipped file keeps the model off medical_monitoring, where held-out real pages showed it
    wrong more often than right; the same model file, given every flag, reads the sentence below."""
    watched = ("A registered nurse stays beside your chair and writes down your heart rate and blood "
               "pressure through the whole session.")
    assert "medical_monitoring" not in RULES.model.flags
    assert scan_page(watched, "", RULES).by_model == []
    every = _rules_file(tmp_path, model_flags=None)
    assert scan_page(watched, "", load_rules(every)).by_model == ["medical_monitoring"]


@pytest.mark.parametrize("flags, message", [
    ("screening", "give a list of flag names"),
    (["screening", "overclaiming"], "'overclaiming' is not a positive flag"),
])
def test_bad_model_flags_are_a_rule_error(tmp_path, flags, message):
    with pytest.raises(RuleError, match=message):
        load_rules(_rules_file(tmp_path, model_flags=flags))


def test_the_model_adds_a_flag_the_rules_missed_with_its_sentence():
    assert "provider_coordination" not in scan_page(WATCHED, "", ALONE).evidence
    page = scan_page(WATCHED, "https://c.example/infusions", RULES)
    assert page.evidence["provider_coordination"] == [WATCHED] and page.by_model == ["provider_coordination"]
    [ev] = aggregate([page], RULES).flags["provider_coordination"]
    assert (ev.snippet, ev.source) == (WATCHED, "model")


@pytest.mark.parametrize("text", [
    # about other clinics (without "At other clinics, " the model reads it)
    "At other clinics, the counselor checks in with the therapist you already see between sessions, so nothing is missed.",
    "Between sessions, does our counselor check in with the therapist you already see?",  # an FAQ question
])
def test_the_model_reads_only_the_sites_own_statements(text):
    assert scan_page(text, "", RULES).by_model == []


def test_the_model_reads_english_only():
    """Even a model that sets every flag on every statement skips another language's sentences
    (`model_skip`): on a bilingual site's Spanish pages its hashed words set flags at random."""
    rules = _eager()
    spanish = "Todas las infusiones son supervisadas por nuestro director médico y nuestras enfermeras registradas."
    assert scan_page(spanish, "", rules).by_model == []
    assert scan_page("All infusions are supervised by our medical director and registered nurses.", "", rules).by_model != []


def test_a_menu_or_a_terse_line_is_too_short_for_the_model():
    """Even a model that sets every flag on every statement reads only sentences of six words or more."""
    rules = _eager()
    assert scan_page("Monitoring\nOur Nurses\nVital signs checked\nContact us today", "", rules).by_model == []
    assert scan_page("The waiting room has comfortable chairs and tea.", "", rules).by_model != []


def test_rule_evidence_anywhere_on_the_site_replaces_the_models():
    pages = [scan_page(WATCHED, "https://c.example/a", RULES), scan_page(BY_RULES, "https://c.example/b", RULES)]
    assert [(e.snippet, e.source) for e in aggregate(pages, RULES).flags["provider_coordination"]] == [(BY_RULES, "rules")]


def test_model_evidence_never_crowds_out_a_rules_finding():
    """Evidence is capped per flag; pages read by the model first must not fill the cap and hide
    the page where a rule found the flag."""
    rules = _eager()
    pages = [scan_page(f"The waiting room on floor {i} has comfortable chairs and tea.", f"https://c.example/{i}", rules)
             for i in range(rules.evidence_per_flag + 1)]
    pages.append(scan_page(BY_RULES, "https://c.example/therapists", rules))
    assert all("provider_coordination" in p.by_model for p in pages[:-1])
    assert [(e.snippet, e.source) for e in aggregate(pages, rules).flags["provider_coordination"]] == [(BY_RULES, "rules")]


def test_the_model_reads_no_red_flag_sentence_and_only_a_clinician_as_staff():
    rules = _eager()
    claim = "Skip the intake paperwork and the psych eval, just book a chair."
    page = scan_page(claim, "", rules)
    assert page.evidence["no_screening_claim"] == [claim] and "screening" not in page.evidence
    # model_requires lets a sentence naming a clinician through (NOT_READ has its gift card).
    assert "certified_staff" in scan_page("Our nurses are with you from the first minute to the last.", "", rules).evidence


# Other senses of a flag's words, and sentences its guards turn away: even a model that sets every
# flag on every statement (_eager) must not read them. Each from the round or real set named.
NOT_READ = [
    # COVID screening, a wellness certification, deciding together, a coach, one protocol for all.
    ("screening", "Every morning we perform COVID screening of our facility and staff."),
    ("certified_staff", "He is certified in functional nutrition and founded the studio to bring wellness under one roof."),
    ("individualized_plan", "Your questionnaire and the video visit are how we decide together whether the retreat is right for you."),
    ("provider_coordination", "Kyle completed an integration coaching certification and offers coaching sessions between infusions."),
    ("individualized_plan", "Everybody starts with our six-session protocol, the same proven schedule for every patient."),
    # Round 36: a fixed per-weight dose (the rules' veto applies to the model's sentence too).
    ("individualized_plan", "Infusions take around 40 minutes at a dose of 0.5 mg/kg, and a recovery period follows."),
    # Round 38: the clinic's own care team following up is no coordination with the patient's providers.
    ("provider_coordination", "If a check-in looks off, our care team will follow up with you by message."),
    # model_requires: a sentence naming no clinician is not certified staff (round 16's gift cards).
    ("certified_staff", "Our holiday gift cards are 20% off through December 31st."),
    # Round 18: a "Dr." with no medical word, a friend referred for a discount, dissociation as expected.
    ("certified_staff", "Dr. Moss adjusts your lozenge dose from week to week."),
    ("provider_coordination", "Refer a friend and you both get $50 in studio credit when they complete their intake."),
    ("risk_disclosure", "Many guests describe a dreamy, floating feeling during the infusion - that sense of "
                        "dissociation is a normal part of the experience and wears off soon after."),
    # Round 24 and set AZ: a flu-shot post, a contact form.
    ("individualized_plan", "We have high-dose vaccine for patients 65 and older and regular vaccine for everyone 6 months and up."),
    ("screening", "Should you have any questions or wish to schedule an appointment with our team, fill out the form below."),
    # Sets BI and BJ: sessions spaced around the patient's week; vital signs watched name no risk.
    ("individualized_plan", "However, we can adjust them to be more or less frequent, depending on your schedule."),
    ("risk_disclosure", "Your blood pressure, heart rate, oxygen saturation, respirations and end tidal CO2 are "
                        "monitored continuously throughout the infusion."),
    # Round 45 and sets BL, BM: the patient's medicines gone over with the patient, a massage therapist,
    # the patient's own family doctor, a ride home, vitals that "must be recorded".
    ("provider_coordination", "Some medicines can blunt the effect of ketamine, and I'll go over your list with you at the visit."),
    ("provider_coordination", "Our licensed massage therapist offers 60-minute sessions that pair well with chiropractic care."),
    ("certified_staff", "Keep up your regular visits with your primary care physician, psychiatrist and therapist."),
    ("screening", "You cannot drive home afterwards, so be sure to have rides arranged."),
    ("risk_disclosure", "Blood pressure must be recorded and monitored during the two-hour observation."),
    # Round 46 and set BO: a clinician's training, a patient deciding, insurance reimbursement.
    ("provider_coordination", "She completed additional training in ketamine-assisted care through a national training centre."),
    ("screening", "Before starting treatment, patients must determine whether ketamine therapy is the right choice for them."),
    ("individualized_plan", "We do not promise reimbursement, and we cannot tell you what your specific plan will pay."),
    # Round 47: advice to ask one's own psychiatrist about a service the clinic does not give; the
    # clinic's own patient care coordinator.
    ("provider_coordination", "We don't currently offer Spravato; if you're interested in Spravato, ask your psychiatrist."),
    ("provider_coordination", "Our team includes a nurse practitioner, plus a patient care coordinator who'll walk you through every step."),
]


@pytest.mark.parametrize("flag, text", NOT_READ, ids=[text[:40] for _, text in NOT_READ])
def test_the_model_reads_no_excluded_word_sense(flag, text):
    assert flag not in scan_page(text, "", EAGER).evidence


def test_the_model_reads_no_sentence_that_says_a_rules_match_is_not_needed():
    """"A referral from your doctor or psychiatrist is not required" names coordination's words and
    says the clinic does not ask for it; a referral it does ask for is still read."""
    rules = _eager()
    for text in ["A direct referral from a doctor or psychiatrist is not required.",
                 "A referral from your therapist isn't necessary to book."]:
        assert "provider_coordination" not in scan_page(text, "", rules).evidence, text
    asked = "A referral from your doctor or therapist is required before the first infusion."
    assert "provider_coordination" in scan_page(asked, "", rules).evidence


def test_a_no_screening_claim_gives_way_only_to_an_evaluation_the_rules_found():
    rules = _eager()
    claim = "No referral or evaluation needed, walk in today!"
    guess = "Our lobby has comfortable chairs and fresh tea for every visitor."
    pages = [scan_page(claim, "https://c.example/a", rules), scan_page(guess, "https://c.example/b", rules)]
    assert "screening" in pages[1].by_model
    flags = aggregate(pages, rules).flags
    assert flags["no_screening_claim"] and not flags["screening"]
    described = "Every patient completes a psychiatric evaluation before the first infusion."
    flags = aggregate(pages + [scan_page(described, "https://c.example/c", rules)], rules).flags
    assert flags["screening"][0].source == "rules" and not flags["no_screening_claim"]


def test_negated_words_are_different_features():
    assert features("a referral is needed", 1 << 18) != features("no referral is needed", 1 << 18)
    assert features("Our nurse checks vitals.", 1 << 18) == features("our NURSE checks vitals", 1 << 18)


PAGES = [
    ("Every patient completes a psychiatric evaluation with our physician before treatment. Parking is free.",
     {"screening": 1, "certified_staff": 1}),
    ("Parking is free. Our office is open on weekdays. Call us to book.", {}),
    ("Before any infusion, our psychiatrist reviews your history and medications. We are open daily.",
     {"screening": 1, "certified_staff": 1}),
    ("Gift cards are available. Our office is open on weekdays.", {}),
]


def test_training_is_deterministic_and_round_trips(tmp_path):
    pages = [(text, {f: labels.get(f, 0) for f in POSITIVE_FLAGS}) for text, labels in PAGES]
    first, second = train(pages, RULES), train(pages, RULES)
    assert first.to_json() == second.to_json()
    path = tmp_path / "model.json"
    path.write_text(first.to_json())
    loaded = load_model(path, POSITIVE_FLAGS)
    evaluation = features("Our psychiatrist completes an evaluation of every patient.", loaded.buckets)
    parking = features("Parking is free on weekdays.", loaded.buckets)
    screening = loaded.flags["screening"]
    assert screening.probability(evaluation) > 0.5 > screening.probability(parking)
    assert abs(screening.probability(evaluation) - first.flags["screening"].probability(evaluation)) < 1e-3


def test_a_copied_rule_file_keeps_the_shipped_model(tmp_path):
    assert load_rules(_rules_file(tmp_path, model="model.json")).model_source == str(DEFAULT_RULES.with_name("model.json"))


@pytest.mark.parametrize("content, message", [
    (None, "cannot read model file"),
    ("{not json", "is not valid JSON"),
    ('{"format": "something-else"}', "is not a clinicvet sentence model"),
    ('{"format": "clinicvet-sentence-model/1", "buckets": 8, "flags": {"overclaiming": {}}}', "unknown flag 'overclaiming'"),
    ('{"format": "clinicvet-sentence-model/1", "buckets": 8, "flags": {"screening": {"bias": 1}}}', "is malformed"),
])
def test_a_bad_model_file_is_a_rule_error(tmp_path, content, message):
    if content is not None:
        (tmp_path / "mine.json").write_text(content)
    rules = _rules_file(tmp_path, model=str(tmp_path / "mine.json"))
    with pytest.raises(RuleError, match=message):
        load_rules(rules)
    assert_one_line_error(run_cli("eval", "--rules", rules, tmp_path / "none.jsonl"), message)


def test_train_and_eval_from_the_command_line(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "url": f"https://c{i}.example/", "text": text,
                                          "labels": {**{f: 0 for f in ("overclaiming", "no_screening_claim",
                                                                       "false_fda_claim", "claims_nonaddictive")},
                                                     **{f: labels.get(f, 0) for f in POSITIVE_FLAGS}}}) + "\n"
                              for i, (text, labels) in enumerate(PAGES)))
    out = tmp_path / "mine.json"
    result = run_cli("train", corpus, "--out", out)
    assert result.returncode == 0, result.stderr
    assert "Trained on 4 pages" in result.stderr
    assert json.loads(out.read_text())["trained_on"].startswith("4 labelled pages: corpus.jsonl")
    result = run_cli("eval", "--no-misses", "--rules", _rules_file(tmp_path, model=str(out)), corpus)
    assert result.returncode == 0, result.stderr
    assert "4 passages" in result.stdout


def test_train_needs_labels(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": 1, "text": "Hello there."}\n')
    assert_one_line_error(run_cli("train", corpus, "--out", tmp_path / "m.json"), 'has no "labels"')


def test_score_says_which_evidence_the_model_read(tmp_path):
    page = tmp_path / "infusions.txt"
    page.write_text(WATCHED + "\n")
    result = run_cli("score", page)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    coordination = lines.index("  [x] provider_coordination")
    assert lines[coordination + 1].endswith("(infusions.txt, read by the sentence model)")
