import pytest

from scoring import aggregate, scan_page
from scoring import RuleError
from scoring.offerings import find_offerings, load_offerings, places_only


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


def test_a_blog_post_names_no_offering_but_keeps_its_flags():
    """Round 13: a post on lozenges by telehealth and early OCD research is news, not the clinic's offer."""
    post = ("Ketamine lozenges by telehealth can help people with OCD. "
            "Before every infusion we review your medical history.")
    page = scan_page(post, "https://c.example/blog/ketamine-in-the-news/")
    assert (page.services, page.conditions) == ([], []) and "screening" in page.evidence
    page = scan_page(post, "https://c.example/services/")
    assert "At-home (oral/lozenge)" in page.services and page.conditions == ["OCD"]


@pytest.mark.parametrize("text", [
    "A growing number of telehealth companies prescribe oral tablets or lozenges that patients take at home.",
    "Oral or sublingual - tablets or lozenges, sometimes prescribed via telehealth for use at home.",
    "IV infusions, IM injections and oral lozenges are all used today.",
    "Intravenous (IV) infusions are the most studied.",
    "Please note: we are a psychiatric practice, not an infusion center.",
    "We chose to offer care in a psychiatric setting, rather than open a separate infusion center.",
    # Round 14: first-person and FAQ negations, trials, another service's indications.
    "The research on OCD is interesting but early, and I'm not offering ketamine for OCD right now.",
    "I don't do telehealth ketamine, and your first visit with me is always in person.",
    "You can have no treatment by video call.",
    "Our faculty lead clinical trials of rapid-acting treatments for PTSD and obsessive-compulsive disorder.",
    "Ketamine infusions for CRPS are provided by the Pain Medicine Center, a separate service.",
    # Round 42: a veterinary hospital's patients, and advice to see one's own doctor.
    "For arthritis and chronic pain in older dogs we may prescribe gabapentin.",
    "If you are interested in ketamine for your own depression or anxiety, please talk to your physician.",
    # Round 43: care a colleague gives, and a referral form's history item.
    "If we think IV treatment would suit you better, we'll refer you to a colleague who provides it.",
    "Please send relevant medical history, especially cardiovascular or substance use history.",
])
def test_routes_in_general_and_what_the_clinic_is_not_are_no_offer(text):
    assert find_offerings(text) == ([], [])


def test_a_lozenge_taken_in_the_office_is_not_at_home():
    assert find_offerings("Lozenges are dispensed at the office and taken in front of your therapist.")[0] == []
    # A lozenge is an at-home service only where the sentence says home, mail or telehealth.
    assert find_offerings("Most clients start with a sublingual lozenge.")[0] == []
    assert find_offerings("Your lozenges are mailed to you after a video visit.")[0] == ["At-home (oral/lozenge)", "Telehealth"]
    both = find_offerings("We offer IV infusions in our office and at-home lozenges by telehealth.")[0]
    assert "At-home (oral/lozenge)" in both


@pytest.mark.parametrize("text, services, conditions", [
    # Other senses, seen on real clinic pages (own words here).
    ("Ketamine can be given in several ways, including IV infusion and intramuscular injection.", [], []),
    ("A few slow breaths before your first session can ease any anxiety you may feel.", [], []),
    ("Side effects may include nausea, dizziness and anxiety.", [], []),
    ("Our nurse has treated head trauma in the ER, and our care is trauma-informed.", [], []),
    ("Ketamine is being explored for PTSD in several trials.", [], []),
    ("The risk of addiction at these doses is low.", [], []),
    ("We also offer vitamin infusions in our lounge.", [], []),
    # Blind test sites of the twelfth session: what a clinic says it does not do, a crisis line,
    # questions asked at intake.
    ("We do not offer take-home lozenges, nasal sprays or telehealth prescriptions.", [], []),
    ("Esketamine (Spravato) is not offered at this clinic.", [], []),
    ("If you are in crisis, call or text 988, the Suicide & Crisis Lifeline.", [], []),
    ("Our nurse practitioner reviews your medications and any substance use.", [], []),
    ("We ask about past substance use during screening.", [], []),
    ("In 2019 a nasal spray cousin of ketamine, Spravato, reached pharmacies.", [], []),
    ("Many US clinics give racemic ketamine by IV drip.", [], []),
    ("Research groups have used IV infusions, injections and oral tablets.", [], []),
    ("Your packet includes the PHQ-9 for depression and the GAD-7 for anxiety.", [], []),
    ("Spravato sessions run twice a week for the first month.", ["Spravato (esketamine)"], []),
    # Blind test sites of the thirteenth session: an infusion clinic explains esketamine, sends
    # people elsewhere for what it does not do, lists side effects, quotes other companies.
    ("Esketamine, sold as Spravato, is a nasal spray made from one half of the ketamine molecule.", [], []),
    ("Only Spravato carries an FDA approval for depression; the others are used off-label.", [], ["Depression"]),
    ("We are proud to offer Spravato to adults with treatment-resistant depression.",
     ["Spravato (esketamine)"], ["Depression", "Treatment-resistant depression"]),
    ("Before your first esketamine dose, a nurse takes your blood pressure.", ["Spravato (esketamine)"], []),
    ("If you are set on IV infusions, we can suggest a few physician-run clinics nearby.", [], []),
    ("What we don't do: IV infusions, take-home troches, or ketamine by mail.", [], []),
    ("Some telehealth companies mail lozenges after one short video call.", [], []),
    ("The most common effects are dizziness, nausea, feeling sleepy, a spinning feeling, dissociation, "
     "a short rise in blood pressure and anxiety.", [], []),
    ("Some VA medical centers offer Spravato, which the FDA approved for treatment-resistant depression in 2019.",
     [], []),
    ("Integration sessions are held by secure video within a week of each infusion.",
     ["IV infusion", "Telehealth"], []),
    # Round 5: what makes ketamine unsafe, a crisis line written 9-8-8, esketamine's approval year.
    ("We check for anything that would make ketamine unsafe, such as a current substance use disorder.", [], []),
    ("If you're thinking about suicide, call or text 9-8-8 at any hour.", [], []),
    ("In 2019 a nasal spray made from esketamine was approved for treatment-resistant depression.", [], []),
    ("Guests come to us for low mood, anxiety and that stuck feeling you just can't shake.", [], ["Anxiety"]),
    # Round 6: other programmes suggested elsewhere, research, side effects and intake screens.
    ("If ketamine is not a good fit, we will suggest other options such as TMS or Spravato programs nearby.", [], []),
    ("A handful of small trials have looked at ketamine for OCD, with mixed results.", [], []),
    ("Less common: vomiting, headache, anxiety during the infusion.", ["IV infusion"], []),
    ("We go through your history, your physical health, and any substance use.", [], []),
    ("You will fill in the PHQ-9 and a suicide-risk screen before your visit.", [], []),
    # Round 9: what the clinic does not (yet) treat, a label's approval, care tried elsewhere, a
    # clinician's training, the two anxiety disorders written together, a Spanish condition.
    ("We don't currently treat bipolar disorder or eating disorders.", [], []),
    ("We are not a Spravato treatment center.", [], []),
    ("Many of our patients come to us after trying Spravato elsewhere.", [], []),
    ("IM ketamine injections - coming this spring!", [], []),
    ("Spravato is FDA-approved for adults with major depressive disorder with acute suicidal ideation.", [], []),
    ("She completed a fellowship in anxiety and OCD treatment.", [], []),
    ("We treat generalized and social anxiety with IV ketamine.", ["IV infusion"], ["Anxiety", "GAD", "Social anxiety"]),
    ("Tratamos la depresión posparto con infusiones de ketamina.", [], ["Postpartum depression"]),
    # Round 10: a list of what is not treated here, a comparison, a referral on, a choice not to offer.
    ("Not treated here: OCD, eating disorders, substance use disorders.", [], []),
    ("Compared with an IV infusion, an injection needs no line.", [], []),
    ("I'm not the right clinician for chronic pain, but I can suggest someone.", [], []),
    ("We chose not to offer esketamine at our clinic.", [], []),
    ("If Spravato suits you better, we can point you toward a center nearby.", [], []),
    ("We go through your psychiatric history, every medication you have tried and how it went, and any substance use.", [], []),
    ("Between series, patients can book a quick IM (intramuscular) booster injection.", ["IM injection"], []),
    # Round 11: a comparison with other programmes, hormone troches, vitamin shots, study results.
    ("Unlike at-home lozenge programs, every session here is in person.", [], []),
    ("Hormone options include pellets, creams and troches.", [], []),
    ("Lipo-B12 intramuscular injections are $35.", [], []),
    ("Studies have reported response rates of up to 70% in treatment-resistant depression.", [], []),
    ("Join the waitlist to hear when our at-home program launches.", [], []),
    ("Patients have shown me ads from telehealth companies selling ketamine lozenges by post.", [], []),
    ("We're working on an at-home program you can do from your couch.", [], []),
    # The same conditions and services when the clinic offers them.
    ("Your infusion takes about forty minutes in a private room.", ["IV infusion"], []),
    ("Ketamine is given as an intravenous (IV) injection or an intramuscular (IM) injection.",
     ["IV infusion", "IM injection"], []),
    ("We help adults with depression, anxiety and trauma.", [], ["Depression", "Anxiety", "PTSD"]),
    ("A treatment for chronic pain, refractory depression and alcohol addiction.", [],
     ["Depression", "Treatment-resistant depression", "Chronic pain", "Substance use"]),
    ("Follow-up visits are held by telepsychiatry.", ["Telehealth"], []),
    ("We treat suicidal thoughts that have not eased with medication.", [], ["Suicidal ideation"]),
    # Round 17: another country's crisis line, a risk, what a clinician asks about, a rating scale.
    ("If you are in immediate danger call 000, or contact Lifeline on 13 11 14.", [], []),
    ("Less common but serious risks include worsening mood or suicidal thoughts.", [], []),
    ("I ask every ketamine patient about substance use at every visit.", [], []),
    ("Give complete and honest information about your health, medications and substance use.", [], []),
    ("GAD-7 (Generalized Anxiety Disorder scale)", [], []),
    ("Less commonly, people experience headaches or anxiety on the day.", [], []),
    # Round 18: a law firm on the market at large.
    ("Ketamine infusion centers have opened in strip malls and office parks across the valley.", [], []),
    # Round 19: care elsewhere, what the clinic does not do, a founder's loss.
    ("If you're interested in Spravato, ask your psychiatrist.", [], []),
    ("Spravato has to be given in a certified clinic, so it isn't something we offer.", [], []),
    ("If IV ketamine might suit you better, we're glad to help you find a clinic that offers it.", [], []),
    ("It is given as a nasal spray in a certified setting, not as an infusion.", [], []),
    ("We generally won't treat people with active psychosis or a current substance use problem.", [], []),
    ("After losing a close friend to suicide, Jason opened the clinic.", [], []),
    # Round 20: who may not be a candidate, a past diagnosis reviewed, a history screened for.
    ("Bipolar disorder and substance use problems require special care; some people may not be a good candidate.", [], []),
    ("He sees clients who have bipolar disorder in their history.", [], []),
    ("The risk is low, which is why we screen carefully for substance use history.", [], []),
    # Round 23: research interest, what callers ask about, other providers the clinic can name.
    ("There is growing research interest in ketamine for obsessive-compulsive disorder.", [], []),
    ("We get a lot of questions about migraines and alcohol use disorder.", [], []),
    ("Ask us for a list of local Spravato providers if you'd prefer a nasal spray.", [], []),
    # Round 24: early research, exclusions, what is not treated now, a service run separately.
    ("Evidence on ketamine for OCD and alcohol use disorder is still early.", [], []),
    ("Current psychosis, mania and an active substance use disorder are exclusions.", [], []),
    ("Bipolar depression is not currently treated in our clinic.", [], []),
    ("Infusions for chronic pain are offered separately by our pain service.", [], []),
    # What a practice is not for, or not taking now, is not what it treats (blind rounds 9-24).
    ("Our mood program is not designed to treat PTSD, bipolar disorder or substance use.", [], []),
    ("We are not a substance use treatment program.", [], []),
    ("We are not currently accepting patients whose main concern is substance use.", [], []),
    ("We are unable to accept patients with an active substance use disorder.", [], []),
    ("People with bipolar disorder are usually better served by a specialized program.", [], []),
    ("We sometimes get calls asking about ketamine for alcohol use disorder.", [], []),
    ("We check in about substance use at every visit.", [], []),
    ("We screen everyone for substance use before the first infusion.", [], []),
    ("She asked whether anyone in my family had bipolar disorder.", [], []),
    ("For help finding a treatment program for substance use, call the state line.", [], []),
    ("Call the Mental Health and Addictions Crisis Line at any hour.", [], []),
    # An FDA indication, an intake question, a denied approval, a patient's nerves (blind rounds 9-24).
    ("In 2020 its approval was expanded to adults with major depressive disorder who have active suicidal thoughts.", [], []),
    ("The form asks whether you have ever had psychosis or suicidal thoughts.", [], []),
    ("Generic ketamine is not FDA-approved for depression, anxiety or PTSD.", [], []),
    ("Light sedation is available if you're anxious about the needle.", [], []),
    ("Adults with severe dental anxiety are welcome.", [], []),
    # Research, and care the clinic sends elsewhere (round 32).
    ("Ketamine has also been studied for migraine and chronic pain; our program treats mood disorders.", [], []),
    ("For fibromyalgia or CRPS, ask your family doctor about a referral to a pain clinic.", [], []),
    ("We treat chronic pain, including CRPS and fibromyalgia.", [], ["Chronic pain"]),
    # Round 33: names of other clinics passed on, lozenges kept at the office, a service that is
    # not the right one; conditions listed after "trying two antidepressants" are still treated.
    ("For IV treatment, we can share names of infusion clinics in the valley.", [], []),
    ("The pharmacy sends your lozenges to our office, and you do not take any lozenges home.", [], []),
    ("We are not the right service for people whose main concern is chronic pain.", [], []),
    ("Treatment may help if your depression has not lifted after trying two medicines, or if you live with PTSD.",
     [], ["Depression", "Treatment-resistant depression", "PTSD"]),
    # Round 34: a drug offered by others, given at other clinics, or not offered here.
    ("Spravato is a nasal spray that's FDA-approved for treatment-resistant depression and is offered through some "
     "psychiatry offices.", [], []),
    ("It is different from the IV ketamine given at infusion clinics.", [], []),
    ("Esketamine nasal spray is approved in Europe, but it is not currently offered at Harbour.", [], []),
    ("Ketamine infusions are available at our Austin and Dallas clinics.", ["IV infusion"], []),
    # Round 35: referrals it does not accept or sends on, an intake form's checkboxes.
    ("The service does not accept referrals for PTSD or chronic pain at this time.", [], []),
    ("People with chronic pain may be referred to the hospital's pain clinic instead.", [], []),
    ("[ ] Bipolar disorder [ ] Chronic pain [ ] Seizures", [], []),
    ("We accept referrals for PTSD and chronic pain.", [], ["PTSD", "Chronic pain"]),
    # Round 37: an infusion centre far away, a condition that rules treatment out.
    ("Most of our clients live an hour or more from the closest infusion clinic.", [], []),
    ("Home sessions are not a good fit during active substance use or an eating disorder.", [], []),
    ("Our home program helps adults with depression and PTSD.", [], ["Depression", "PTSD"]),
    # Round 38: a route another kind of clinic gives, the law of telehealth.
    ("IV ketamine requires an in-person infusion center.", [], []),
    ("IV ketamine requires an in-person infusion center like ours.", ["IV infusion"], []),
    ("Our course covers telehealth rules for prescribing controlled substances.", [], []),
    ("We also see patients by telehealth.", ["Telehealth"], []),
    # Round 39: another kind of clinic, a comparison, a route that cannot be given this way, care
    # arranged elsewhere, a suicide statistic.
    ("IV ketamine is given at a separate kind of clinic.", [], []),
    ("Spravato is not the same as a ketamine infusion.", [], []),
    ("Spravato has to be given in a certified office, so it cannot be prescribed through a telehealth visit.", [], []),
    ("If IV ketamine suits you better, we will help arrange care with an infusion center.", [], []),
    ("On average, 17 veterans die by suicide every day.", [], []),
    ("Our infusions help with suicidal thoughts.", [], ["Suicidal ideation"]),
    # Round 40: other centres the clinic tells patients about.
    ("If Spravato suits you better, we're happy to tell you about certified centers nearby.", [], []),
    # Round 47: community work, and what trials found.
    ("Each year we partner with local organizations on suicide-prevention training.", [], []),
    ("In clinical trials, around half of participants with treatment-resistant depression responded.", [], []),
    ("We see adults with treatment-resistant major depressive disorder.", [], ["Depression", "Treatment-resistant depression"]),
])
def test_offerings_read_the_sense_of_a_word(text, services, conditions):
    assert find_offerings(text) == (services, conditions)


def test_a_malformed_label_is_one_line_error(tmp_path):
    bad = tmp_path / "offerings.yml"
    bad.write_text("services:\n  IV infusion: {unless: 'x'}\nconditions: {}\n")
    with pytest.raises(RuleError, match="offerings file"):
        load_offerings(bad)


def test_a_solo_practice_speaks_in_the_first_person():
    # Round 14: "depression that hasn't responded" is TRD; an approval next to "my office" is an offer.
    services, conditions = find_offerings("Spravato is FDA-approved for treatment-resistant depression, "
                                          "and my office is a certified Spravato treatment center.")
    assert services == ["Spravato (esketamine)"] and "Treatment-resistant depression" in conditions
    assert find_offerings("Spravato is FDA-approved for treatment-resistant depression.") == ([], [])
    _, conditions = find_offerings("I use ketamine to help people with depression that hasn't responded to anything else.")
    assert "Treatment-resistant depression" in conditions


@pytest.mark.parametrize("text, places", [
    ("IM ketamine is available only at our Denver and Salt Lake City locations.", ("denver", "salt lake city")),
    ("Chronic pain infusion protocols are offered only in Colorado.", ("colorado",)),
    ("IM Ketamine \u2014 Denver and Salt Lake City only", ("denver", "salt lake city")),
    ("At our Colorado clinics we also offer chronic pain infusions.", ("colorado",)),
    ("Telehealth follow-ups are limited to patients in Colorado and Utah.", ("colorado", "utah")),
    # No place: a brand, the clinic's own name, a group of people.
    ("Spravato is offered only at our Spravato-certified centers.", ()),
    ("At our Ketamine Clinic, we offer IV infusions.", ()),
    ("IV ketamine infusions for adults only.", ()),
    ("Spravato (esketamine) \u2014 Denver, Lakewood, Colorado Springs, Salt Lake City, Boise", ()),
])
def test_the_places_a_sentence_limits_an_offering_to(text, places):
    assert places_only(text) == places


@pytest.mark.parametrize("text", [
    # Round 48: a clinic that sends nothing home; patients asking about ads; a news story of another
    # company; a lozenge taken in the office before the patient goes home; conditions it cannot treat.
    "We don't send ketamine home with patients - no lozenges, no mail-order troches.",
    "Several patients have asked us about advertisements for at-home ketamine delivered by mail.",
    "A recent newspaper article described a woman who said an online company shipped her ketamine lozenges.",
    "Jo takes your blood pressure before you take the lozenge and again before you go home.",
    "We aren't able to treat bipolar I disorder or substance use disorders in our at-home program.",
])
def test_what_a_clinic_does_not_offer_or_only_mentions(text):
    assert find_offerings(text) == ([], [])


def test_lozenges_taken_at_home_are_still_an_at_home_service():
    assert find_offerings("Take your lozenge at home, and a sitter drives you home afterwards.")[0] == [
        "At-home (oral/lozenge)"]


def test_services_the_reader_has_seen_elsewhere():
    # Round 49: a clinic's FAQ on mail-order services it does not run.
    assert find_offerings("If you've seen online services that mail lozenges, ask how they handle monitoring.") == ([], [])


def test_a_registered_sign_and_a_referral_to_a_certified_center():
    # Round 50: "We are not a Spravato® treatment center"; "refer you to a certified Spravato treatment center".
    assert find_offerings("We are not a Spravato\u00ae treatment center.") == ([], [])
    assert find_offerings("We can refer you to a certified Spravato treatment center nearby.") == ([], [])
