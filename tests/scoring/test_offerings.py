from scoring import aggregate, scan_page
from scoring.offerings import find_offerings


def test_services_and_conditions_in_vocabulary_order():
    services, conditions = find_offerings(
        "We offer Spravato and IV ketamine infusions for PTSD, OCD and treatment-resistant depression.")
    assert services == ["IV infusion", "Spravato (esketamine)"]
    assert conditions == ["Depression", "Treatment-resistant depression", "PTSD", "OCD"]


def test_contraindications_and_questionnaires_are_not_conditions_treated():
    _, conditions = find_offerings(
        "You are not a candidate if you have bipolar disorder. Every visit starts with the GAD-7 form.")
    assert conditions == []


def test_clinic_offerings_are_the_union_of_pages():
    pages = [scan_page("Ketamine lozenges by telehealth.", "a"), scan_page("Help for social anxiety.", "b")]
    result = aggregate(pages)
    assert result.services == ["At-home (oral/lozenge)", "Telehealth"]
    assert result.conditions == ["Anxiety", "Social anxiety"]
