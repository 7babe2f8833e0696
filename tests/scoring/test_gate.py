"""Sites that offer no ketamine care set no flag (scoring/gate.py, rules.yml `ketamine_gate`).

The pages are in our own words, after the negative controls of the seventh round of blind test
websites: a veterinary hospital, an oral surgeon, a TMS centre, a psychiatry practice's blog.
"""

import pytest

from scoring import aggregate, load_rules, scan_page

RULES = load_rules()
VET = [("https://vet.example/", "Home | Fernbrook Animal Hospital",
        "Caring for dogs and cats since 1998. Before surgery we review your pet's history and run bloodwork."),
       ("https://vet.example/anesthesia/", "Anesthesia & Surgery | Fernbrook Animal Hospital",
        "Our board-certified veterinary anesthesiologist tailors each protocol. We monitor blood pressure, "
        "ECG and oxygen throughout. Drugs such as ketamine and dexmedetomidine may be used. Some pets are "
        "groggy or nauseous afterward."),
       ("https://vet.example/contact/", "Contact | Fernbrook Animal Hospital", "Call us at 503-555-0144."),
       ("https://vet.example/blog/ketamine-in-the-news/", "Ketamine in the news",
        "Ketamine clinics for depression are in the news; we only use ketamine as an anesthetic.")]


def site(pages):
    return aggregate([scan_page(text, url, RULES, title) for url, title, text in pages], RULES, site=True)


def test_a_site_that_names_ketamine_without_offering_it_sets_no_flag():
    result = site(VET)
    assert result.tier == "no-ketamine-service" and result.score == 0
    assert not any(result.flags.values())
    # The same pages read one by one, as `clinicvet eval` reads a passage, keep their flags.
    assert aggregate([scan_page(VET[1][2], VET[1][0], RULES, VET[1][1])], RULES).flags["medical_monitoring"]


def test_a_pointer_to_a_post_or_a_vets_infusion_is_not_an_offer():
    pages = [("https://p.example/", "Lakeshore Pain", "Nerve blocks and lidocaine infusions. "
              "Every patient has a consultation and a physical exam with a physician."),
             ("https://p.example/faq/", "FAQ", "See our blog post on lidocaine and ketamine infusions."),
             ("https://p.example/team/", "Team", "Karen Holloway, MD."), ("https://p.example/c/", "Contact", "Call.")]
    assert site(pages).tier == "no-ketamine-service"
    vet = VET[:3] + [("https://vet.example/pain/", "Pain care", "For some dogs we may recommend a low-dose "
                      "ketamine infusion during a quiet hospital stay."),
                     ("https://vet.example/dental/", "Dental care", "Cleanings for dogs and cats."),
                     ("https://vet.example/vaccines/", "Vaccines", "Core vaccines for puppies and kittens.")]
    assert site(vet).tier == "no-ketamine-service"


def test_comparisons_and_other_options_are_not_an_offer():
    # A TMS centre's "Other treatment options" page and a psychiatry blog teaser (rounds 7 and 8).
    pages = [("https://t.example/", "Valley TMS", "Spravato vs. IV Ketamine: a plain comparison. "
              "Every patient has a consultation with our psychiatrist."),
             ("https://t.example/other/", "Other Treatment Options | Valley TMS", "IV ketamine\nSpravato"),
             ("https://t.example/team/", "Team", "Gwen Hale, MD."), ("https://t.example/faq/", "FAQ", "Is TMS safe?"),
             ("https://t.example/contact/", "Contact", "If you are receiving ketamine treatment somewhere else, tell us."),
             ("https://t.example/tms/", "What is TMS", "Magnetic pulses, 19 minutes a day."),
             ("https://t.example/cost/", "Cost", "Most plans cover TMS.")]
    assert site(pages).tier == "no-ketamine-service"


def test_saying_it_does_not_offer_ketamine_is_not_offering_it():
    pages = [("https://psych.example/", "Home | Alder Psychiatry", "We do not offer ketamine or Spravato. "
              "Every new patient has a full psychiatric evaluation with a psychiatrist."),
             ("https://psych.example/team/", "Our Team | Alder Psychiatry", "Rhea Banks, MD, psychiatrist.")]
    assert site(pages).tier == "no-ketamine-service"


# Negative controls of later rounds: a rehab whose pages name ketamine as a drug of misuse (round
# 13), an anaesthesia group whose pre-IV intramuscular dose and job ad are anaesthesia (round 14).
REHAB = [("https://rehab.example/", "Home | Cedar Bend Recovery",
          "Residential addiction treatment. Ketamine misuse is rising among young adults."),
         ("https://rehab.example/ketamine-addiction-treatment/", "Ketamine Addiction Treatment | Cedar Bend",
          "Every admission begins with a biopsychosocial assessment. Long-term ketamine abuse can cause "
          "bladder damage. Our detox unit is staffed by registered nurses."),
         ("https://rehab.example/ketamine-abuse/", "Signs of Ketamine Abuse", "Street ketamine is often cut "
          "with other drugs. Recovery from ketamine addiction is possible."),
         ("https://rehab.example/contact/", "Contact", "Call us.")]
ANAESTHESIA = [("https://anes.example/", "Summit Anesthesia Partners", "Board-certified anesthesiologists and "
                "CRNAs for surgery centers. Every patient receives a pre-anesthesia evaluation."),
               ("https://anes.example/dental/", "Dental Anesthesia", "For a young child who cannot cooperate "
                "with an IV start, a small intramuscular dose of ketamine may be given first."),
               ("https://anes.example/careers/", "Careers", "Comfortable providing IM ketamine induction "
                "for uncooperative pediatric patients."),
               ("https://anes.example/contact/", "Contact", "Call us.")]


# Round 15: a directory and guide site named for ketamine, which says it treats no one.
DIRECTORY = [("https://compass.example/", "Independent Guide to Ketamine Therapy | Ketamine Compass",
              "We review ketamine clinics. We are not a clinic."),
             ("https://compass.example/ketamine-clinics-ohio/", "Ketamine Clinics in Ohio | Ketamine Compass",
              "Psychiatrist-led practice; requires an evaluation and records before treatment."),
             ("https://compass.example/about/", "About | Ketamine Compass",
              "Ketamine Compass does not provide treatment.")]


# Round 18: a law firm with a practice area on ketamine clinic injuries, quoting the clinics' ads.
LAW_FIRM = [("https://law.example/", "Injury & Malpractice Attorneys | Reyes Lowe",
             "Ketamine infusion centers have opened in strip malls across the valley. Our firm has been "
             "contacted by patients who say they were given ketamine without an evaluation."),
            ("https://law.example/practice-areas/ketamine-clinic-injuries/", "Ketamine Clinic Injury Lawyers",
             "A careful provider reviews your medical history and monitors blood pressure. We review your chart "
             "with our nurse consultant, Ana Ruiz, RN."),
            ("https://law.example/faq/", "FAQ | Reyes Lowe", "Not for IV, IM, or oral ketamine."),
            ("https://law.example/contact/", "Contact | Reyes Lowe", "Call us for a free case review.")]


# Round 19: a compounding pharmacy's ketamine formulations, a psychiatry group's "Options we refer to".
PHARMACY = [("https://rx.example/", "Home | Larch Compounding Pharmacy",
             "Sublingual troches and nasal sprays compounded for licensed prescribers and their patients."),
            ("https://rx.example/compounding/ketamine/", "Ketamine Formulations | Larch Compounding Pharmacy",
             "Ketamine troches in strengths your prescriber specifies. Side effects include dizziness and nausea."),
            ("https://rx.example/prescribers/", "For Prescribers | Larch",
             "For ketamine troches we ask that the prescription specify the strength per unit. Our compounding "
             "lab is inspected yearly.")]
REFERS = [("https://psych.example/", "Home | Tamsin Psychiatry", "Medication management and therapy for adults."),
          ("https://psych.example/treatment-resistant-depression/", "Treatment-Resistant Depression | Tamsin",
           "Options we refer to\nSome treatments need equipment we do not have. We refer patients to trusted "
           "local programs and keep managing the rest of your care.\nIV ketamine\nIntravenous ketamine is "
           "given at specialty clinics; it can raise blood pressure."),
          ("https://psych.example/team/", "Our Team | Tamsin", "Rhea Banks, MD, psychiatrist.")]


# Round 20: a peer-support collective with a ketamine guide and a ketamine peer circle.
PEERS = [("https://peers.example/", "Home | Marsh Peer Collective",
          "We are a peer organization, not a clinic. We don't provide ketamine."),
         ("https://peers.example/programs/ketamine-circle/", "Ketamine Conversations Circle | Marsh Peer Collective",
          "Our facilitators are trained peers, not clinicians. A nurse typically checks your blood pressure "
          "during an infusion."),
         ("https://peers.example/resources/ketamine-guide/", "Ketamine therapy: what to know",
          "Marsh Peer Collective does not provide, endorse or refer to any ketamine provider. Ketamine can "
          "raise blood pressure.")]


# Round 28: an institute that trains clinicians in ketamine-assisted psychotherapy and sees no one.
INSTITUTE = [("https://kap-train.example/", "KAP Training for Clinicians | Alder Institute",
              "Continuing education in ketamine-assisted psychotherapy for licensed clinicians. We do not see "
              "patients."),
             ("https://kap-train.example/courses/ketamine-foundations/", "Ketamine Foundations | Alder Institute",
              "Participants learn how prescribers screen for psychosis and monitor blood pressure during a dose. "
              "Alder is a school and does not provide medical or psychological services."),
             ("https://kap-train.example/faculty/", "Faculty | Alder Institute",
              "Ines Varga, MD, anesthesiologist, teaches the medical-safety module. We do not see patients.")]


# Round 29: integration coaches who help people make sense of ketamine sessions had elsewhere.
COACHES = [("https://integrate.example/", "Psychedelic Integration Coaching | Fernway",
            "Coaching after a ketamine or psilocybin session. We are not a medical or mental health provider "
            "and we do not provide psychedelic substances."),
           ("https://integrate.example/ketamine-integration/", "Ketamine Integration | Fernway",
            "Clients tell us their clinic checked blood pressure and asked about their health history first. "
            "We are not a medical or mental health provider and we do not provide psychedelic substances."),
           ("https://integrate.example/about/", "About | Fernway",
            "Our team is not a clinical team: we don't diagnose or treat any condition.")]


# Round 30: a drug developer whose footer says its compound is investigational, and a former
# patient's blog about the clinics she tried ("I am not a doctor" in every sidebar).
BIOTECH = [("https://corvex.example/", "Corvex Therapeutics | Rapid-acting antidepressants",
            "Ketamine showed that rapid relief is possible. CVX-22 is an investigational drug and is not approved "
            "for any use."),
           ("https://corvex.example/science/", "The Science of Ketamine-Derived Medicines | Corvex",
            "Ketamine acts on NMDA receptors; our compound keeps its speed without the infusion chair. CVX-22 is an "
            "investigational drug and is not approved for any use."),
           ("https://corvex.example/trials/", "Clinical Trials | Corvex",
            "Our Phase 2 trial screened 480 adults for eligibility. Dr. Ana Voss, MD, leads clinical development. "
            "CVX-22 is an investigational drug and is not approved for any use."),
           ("https://corvex.example/patients/", "For Patients | Corvex",
            "We do not operate clinics. CVX-22 is an investigational drug and is not approved for any use.")]
PATIENT_BLOG = [("https://tuesdays.example/", "Tuesdays Again | a ketamine diary",
                 "Ketamine infusions cured me. I am not a doctor and nothing here is medical advice."),
                ("https://tuesdays.example/about-me/", "About me | Tuesdays Again",
                 "I tried IV ketamine at two clinics and lozenges at home. I am not a doctor."),
                ("https://tuesdays.example/blog/first-infusion/", "My first infusion",
                 "A nurse clipped a pulse oximeter on my finger. I am not a doctor.")]


@pytest.mark.parametrize("pages", [REHAB, ANAESTHESIA, DIRECTORY, LAW_FIRM, PHARMACY, REFERS, PEERS, INSTITUTE, COACHES,
                                   BIOTECH, PATIENT_BLOG],
                         ids=["rehab", "anaesthesia group", "directory", "law firm", "pharmacy", "refers out", "peers",
                              "training institute", "integration coaches", "drug developer", "patient blog"])
def test_a_site_that_names_ketamine_as_misuse_anaesthesia_or_a_listing_does_not_offer_it(pages):
    result = site(pages)
    assert result.tier == "no-ketamine-service" and not any(result.flags.values())


def test_ketamine_clinics_keep_their_flags_however_they_say_so():
    evaluation = "Every patient has a psychiatric evaluation before the first visit."
    team = ("https://c.example/team/", "Team | Fair Oaks", "Lena Ruiz, MD, medical director. " + evaluation)
    # A page that names ketamine in its title or address.
    assert site([("https://c.example/", "Fair Oaks", "Welcome."), team,
                 ("https://c.example/ketamine/", "Ketamine | Fair Oaks", "Ask us.")]).flags["screening"]
    # The clinic's voice offering it, on any page that is not a post.
    assert site([("https://c.example/", "Fair Oaks", "Welcome."), team,
                 ("https://c.example/services/", "Services", "Our practice now offers IV ketamine.")]).flags["screening"]
    # The seed page naming it plainly as its care, once.
    assert site([("https://c.example/", "Welcome", "Compassionate ketamine infusion care in Tacoma."),
                 team, ("https://c.example/pricing/", "Pricing", "Plans from $400."),
                 ("https://c.example/contact/", "Contact", "Call us.")]).flags["screening"]
    # A spa's one drip that holds ketamine, named once on its menu (a round-8 test site).
    assert site([("https://s.example/", "Solana Lounge", "Hydration and vitamin drips."), team,
                 ("https://s.example/menu/", "Drip Menu", "Our Mood Drip combines magnesium and a low dose of "
                  "ketamine, infused over 40 minutes."),
                 ("https://s.example/contact/", "Contact", "Call us."),
                 ("https://s.example/faq/", "FAQ", "Walk-ins are welcome for hydration drips.")]).flags["screening"]
    # A pain group's infusion page listing ketamine beside lidocaine, as a heading (round 8).
    assert site([("https://p.example/", "Valley Pain", "Nerve blocks and infusions."), team,
                 ("https://p.example/infusions/", "Infusion Therapy", "Lidocaine infusions\nKetamine infusions\n"
                  "Low-dose ketamine, given over four hours, can help CRPS."),
                 ("https://p.example/contact/", "Contact", "Call us."),
                 ("https://p.example/forms/", "Forms", "Print the intake form.")]).flags["screening"]
    # A clinic that treats addiction with ketamine: "for addiction" is its care, not misuse.
    assert site([("https://k.example/", "Home | Cedar Ketamine", "Welcome."),
                 ("https://k.example/ketamine-for-addiction/", "Ketamine for Alcohol Use Disorder",
                  evaluation)]).flags["screening"]
    # A drip bar's one liability line on its booking page (round 12's site, round 15's rule).
    assert site([("https://d.example/", "Glow Lounge", "Hydration drips."), team,
                 ("https://d.example/ketamine-calm/", "Ketamine Calm Drip", "A low-dose ketamine drip."),
                 ("https://d.example/book/", "Book", "Glow is a wellness lounge and does not provide medical care.")]
                ).flags["screening"]
    # A clinic that treats no one for some things: "We do not provide treatment for active addiction."
    assert site([("https://c.example/", "Fair Oaks Ketamine", "We do not provide treatment for active "
                  "substance use."), team]).flags["screening"]
    assert site([("https://c.example/", "Fair Oaks Ketamine", "We do not see patients under 18."),
                 team]).flags["screening"]
    # A therapist who works with a prescriber says she is no doctor, and still offers ketamine care.
    kap = [(f"https://t.example/{p}/", p.title(), "I am not a doctor, so I partner with a physician who "
            "prescribes the ketamine for our sessions. " + evaluation) for p in ("about", "kap", "fees")]
    assert site([("https://t.example/", "Ketamine-Assisted Psychotherapy | Juniper", "Welcome."), *kap]).flags["screening"]
    # A retreat that names ketamine on most of its pages, though in no title.
    retreat = [(f"https://r.example/{p}/", p.title(), f"Ketamine sessions at the lodge. {evaluation}")
               for p in ("about", "stay", "faq")]
    assert site([("https://r.example/", "Stillwater Retreats", "Rest and renewal."), *retreat]).flags["screening"]


def test_a_site_scored_before_the_gate_existed_passes():
    old = [scan_page("Every patient has a psychiatric evaluation.", "https://c.example/", RULES)]
    old[0].ketamine = ""  # signals from a page memo written before pages had marks
    assert aggregate(old, RULES, site=True).flags["screening"]


def test_a_site_whose_pages_have_no_text_cannot_be_judged_and_passes():
    # A site built in the browser gives the crawler an empty page: it says nothing either way, so
    # the tiers, not the gate, decide (not-enough-info), and a market figure does not drop it.
    shell = [("https://h.example/", "Harbor Mind Wellness", ""), ("https://h.example/about/", "About", "  ")]
    result = site(shell)
    assert result.tier == "not-enough-info" and result.words == 0
    # One page with text that does not name ketamine is read as usual.
    assert site([*shell, ("https://h.example/contact/", "Contact", "Dogs and cats welcome. Call us.")]).tier \
        == "no-ketamine-service"


def test_a_vet_that_names_ketamine_on_most_pages_only_for_animals_does_not_offer_it():
    # Round 32's animal hospital: ketamine on most of its pages, each time for pets, anaesthesia or
    # research; the share of pages that mention it counts only mentions that could be its care.
    pages = [("https://v.example/", "Home | Cedar Vale Animal Hospital", "From post-op ketamine drips for dogs to "
              "laser therapy, comfort is part of every plan."),
             ("https://v.example/anesthesia/", "Anesthesia", "Cats are induced with a ketamine combination. "
              "We record ECG and blood pressure every five minutes."),
             ("https://v.example/equine/", "Equine", "Horses are sedated, then induced with ketamine."),
             ("https://v.example/team/", "Team", "Her research covers ketamine infusions in dogs after amputation."),
             ("https://v.example/contact/", "Contact", "Call us any time.")]
    assert site(pages).tier == "no-ketamine-service"
    # A retreat that names ketamine on most pages as its own sessions still offers it.
    retreat = [(f"https://r.example/{p}/", p.title(), "Ketamine sessions at the lodge, with a physician present.")
               for p in ("about", "stay", "faq")]
    assert site([("https://r.example/", "Stillwater Retreats", "Rest and renewal."), *retreat]).tier != "no-ketamine-service"


def test_a_health_insurers_coverage_policy_does_not_offer_ketamine():
    # Round 33's health plan: a medical policy with coverage criteria (an evaluation, a certified
    # setting, two hours of monitoring), and a footer on every page saying treating providers treat.
    footer = "Medical policies are not medical advice. Treating providers are solely responsible for treatment."
    pages = [("https://hp.example/", "Health insurance for the plains | Northfield Health Plan",
              f"Members can find ketamine and TMS coverage rules in our policies. {footer}"),
             ("https://hp.example/medical-policies/ketamine/", "MP-2.118 Ketamine and Esketamine",
              "Esketamine is covered when a psychiatric evaluation confirms major depression and the member "
              "is monitored for two hours in a certified setting. Northfield does not provide health care "
              f"services. {footer}"),
             ("https://hp.example/pharmacy/", "Pharmacy", f"Esketamine is a medical benefit, not a pharmacy one. {footer}"),
             ("https://hp.example/claims/", "Claims", f"Submit claims within 90 days. {footer}")]
    result = site(pages)
    assert result.tier == "no-ketamine-service" and not any(result.flags.values())


def test_a_news_stations_investigation_of_ketamine_clinics_does_not_offer_it():
    # Round 36's TV station: a three-part series whose headlines name ketamine, quoting doctors on
    # evaluations, monitoring and risks, and a teaser for it on every page.
    teaser = "12 Investigates: what goes on inside the region's ketamine clinics."
    pages = [("https://tv.example/", "Home | WKRN 12", f"Storms tonight. {teaser}"),
             ("https://tv.example/investigates/ketamine-clinics/", "Inside the ketamine clinic boom | WKRN 12",
              f"A careful clinic starts with a psychiatric evaluation, experts said. {teaser}"),
             ("https://tv.example/weather/", "Weather | WKRN 12", f"Rain through Friday. {teaser}"),
             ("https://tv.example/sports/", "Sports | WKRN 12", f"Friday night football scores. {teaser}")]
    assert site(pages).tier == "no-ketamine-service"


def test_a_newspapers_health_section_does_not_offer_ketamine():
    # Round 49: articles whose addresses and headlines name ketamine clinics, quoting doctors on
    # evaluations and monitoring; the newsroom's line is in the footer of every page.
    footer = "Newsroom: (319) 555-0187. Send letters to newsroom@sentinel.example."
    pages = [("https://sentinel.example/health/", "Health | Cedar Valley Sentinel", f"Local health news. {footer}"),
             ("https://sentinel.example/health/ketamine-clinics-multiply/", "As ketamine clinics multiply, doctors urge caution",
              f"A nurse checks blood pressure every five minutes, the clinic's director said. {footer}"),
             ("https://sentinel.example/health/what-is-spravato/", "Explainer: what is Spravato?",
              f"Patients are monitored for two hours after the nasal spray. {footer}"),
             ("https://sentinel.example/about/", "About Us", f"We are a reader-supported newsroom of 14 journalists. {footer}")]
    assert site(pages).tier == "no-ketamine-service"
    # A hospital whose menu links to its newsroom still offers ketamine.
    hospital = [("https://h.example/psychiatry/ketamine/", "Ketamine Service | Mercy Health",
                 "Newsroom Careers Donate. Our psychiatrists offer IV ketamine infusions after an evaluation."),
                ("https://h.example/psychiatry/", "Psychiatry | Mercy Health", "Newsroom Careers Donate. Outpatient care.")]
    assert site(hospital).tier != "no-ketamine-service"
    # Round 46's podcast: a host who was a reporter, on pages that do not name ketamine, makes no
    # more of its listener page's mentions than before.
    podcast = [("https://pod.example/", "Home | Neuroplastic Radio", "I'm a staff reporter turned podcaster, not a doctor."),
               ("https://pod.example/about/", "About | Neuroplastic Radio", "Hosted by a staff reporter from the Ledger."),
               ("https://pod.example/listener-questions/", "Listener Q&A", "Listeners ask whether ketamine could help them."),
               ("https://pod.example/contact/", "Contact", "Write to us."),
               ("https://pod.example/privacy/", "Privacy", "We keep no data.")]
    assert site(podcast).tier == "no-ketamine-service"


def test_a_research_labs_ketamine_trial_does_not_offer_it():
    # Round 41's university lab: the trial's pages in a folder named for the study and a list of
    # publications have no say; its home page and FAQ say it is a lab, not a clinic, and that it
    # gives ketamine only in the study.
    pages = [("https://lab.example/", "Mood Research Lab",
              "We are a research lab, not a treatment clinic. Ketamine for depression is what we study."),
             ("https://lab.example/faq/", "FAQ",
              "Can I get ketamine from you? We do not offer ketamine outside the study."),
             ("https://lab.example/kd-2-study/", "The KD-2 Ketamine Study",
              "Participants receive IV ketamine infusions with blood pressure checked every ten minutes."),
             ("https://lab.example/publications/", "Publications",
              "IV ketamine infusions for treatment-resistant depression: a randomized trial."),
             ("https://lab.example/people/", "People", "Meet the lab's coordinators.")]
    assert site(pages).tier == "no-ketamine-service"
    # A clinic that also runs a study, and says so, still offers ketamine.
    clinic = pages[2:] + [("https://lab.example/", "Harbor Ketamine Clinic", "We offer ketamine infusions for depression.")]
    assert site(clinic).tier != "no-ketamine-service"


def test_a_drug_makers_patient_site_for_its_esketamine_brand_does_not_offer_it():
    # Round 43: every page's title names the esketamine brand and its footer carries the
    # adverse-event reporting line US labelling requires; the maker treats no one.
    footer = ("To report SUSPECTED ADVERSE REACTIONS, contact Norvale Pharma, Inc. at 1-844-555-0100 "
              "or FDA at 1-800-FDA-1088.")
    title = "{} | NASORA (esketamine) nasal spray CIII"
    pages = [("https://nasora.example/", title.format("Home"),
              "NASORA is given at a certified treatment center under supervision. " + footer),
             ("https://nasora.example/treatment-day/", title.format("Treatment Day"),
              "A healthcare provider will check your blood pressure and monitor you for 2 hours. " + footer),
             ("https://nasora.example/side-effects/", title.format("Side Effects"),
              "NASORA may cause dissociation, dizziness and nausea. " + footer)]
    result = site(pages)
    assert result.tier == "no-ketamine-service" and not any(result.flags.values())
    # A clinic that quotes the line on its Spravato page still offers Spravato.
    clinic = [("https://c.example/", "Harbor Ketamine", "We offer Spravato and IV ketamine infusions."),
              ("https://c.example/spravato/", "Spravato | Harbor Ketamine", "Spravato is given in our office. " + footer),
              ("https://c.example/faq/", "FAQ | Harbor Ketamine", "Every patient has a psychiatric evaluation.")]
    assert site(clinic).tier != "no-ketamine-service"


def test_a_podcasts_episodes_sponsors_and_listener_answers_do_not_offer_ketamine():
    # Round 46: a journalist's podcast; its episodes describe guests' clinics, its sponsors page an
    # at-home company, and a listener answer states a drug's status in nobody's voice.
    pages = [("https://pod.example/", "Home | Plastic Minds Radio", "A weekly show about psychedelic medicine."),
             ("https://pod.example/episodes/42-crna-clinics/", "Ep. 42: CRNA-Owned Clinics",
              "Our guest offers IV ketamine infusions and checks blood pressure every fifteen minutes."),
             ("https://pod.example/sponsors/", "Sponsors | Plastic Minds Radio",
              "Brightleaf offers at-home ketamine treatment with video visits, delivered to your door."),
             ("https://pod.example/listener-questions/", "Listener Q&A",
              "Is it approved? IV ketamine for depression is off-label.")]
    result = site(pages)
    assert result.tier == "no-ketamine-service" and not any(result.flags.values())
    # A clinic's own page saying its infusions are off-label still offers them.
    clinic = pages[:1] + [("https://pod.example/iv-ketamine/", "IV Ketamine | Harbor Clinic",
                           "We offer IV ketamine infusions, which are off-label for depression.")]
    assert site(clinic).tier != "no-ketamine-service"
