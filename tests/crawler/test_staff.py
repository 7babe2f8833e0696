import pytest

from crawler.extract.staff import StaffMember, add_staff, find_staff, own_staff

TEAM = """Our Team
Amara Lindqvist, DNP, PMHNP-BC
Psychiatric Nurse Practitioner
Sam Lee MD FASA — Medical Director
Dr. Ana Ruiz
Board-Certified Anesthesiologist
Leah Whitcomb, DNP, PMHNP-BC, is a board-certified psychiatric nurse practitioner.
Visit 12 Elm Street, Baltimore, MD 21201 today."""


def test_team_page_shapes():
    assert find_staff(TEAM) == [
        StaffMember("Amara Lindqvist", "DNP, PMHNP-BC", "Psychiatric Nurse Practitioner"),
        StaffMember("Sam Lee", "MD, FASA", "Medical Director"),
        StaffMember("Ana Ruiz", "Dr.", "Board-Certified Anesthesiologist"),
        StaffMember("Leah Whitcomb", "DNP, PMHNP-BC", "board-certified psychiatric nurse practitioner"),
    ]


def test_medical_director_in_a_footer():
    assert find_staff("© 2026 Cedar Grove\nMedical Director: Priya Natarajan, MD") == [
        StaffMember("Priya Natarajan", "MD", "Medical Director")]


def test_non_medical_doctors_keep_their_credentials():
    [member] = find_staff("Dr. Brett Kowalski, DC\nChiropractor and owner")
    assert member.credentials == "DC" and member.role == "Chiropractor and owner"


def test_dr_is_a_title_not_part_of_the_name():
    # Blind test sites of the twelfth session: an old hand-written page and a Wix team card.
    text = ("Dr. Leonard Frye, Ph.D.\nPain Psychologist\n"
            "Connie Marsh, R.N. - Infusion Nurse. Connie has been with us since 1999.\n"
            "Dr. Brandon Kessler\nFounder & Clinical Director | DC\n"
            "Dr. Ana Ruiz\nAnesthesiologist")
    assert find_staff(text) == [
        StaffMember("Leonard Frye", "Ph.D.", "Pain Psychologist"),
        StaffMember("Connie Marsh", "R.N.", "Infusion Nurse"),
        StaffMember("Brandon Kessler", "DC", "Founder & Clinical Director"),
        StaffMember("Ana Ruiz", "Dr.", "Anesthesiologist"),
    ]


def test_british_qualifications():
    text = "Grace Adeyemi, RMN\nLead Nurse\nDr Rohan Mehta, MBChB, MRCPsych, MSc\nConsultant Psychiatrist"
    assert find_staff(text) == [StaffMember("Grace Adeyemi", "RMN", "Lead Nurse"),
                                StaffMember("Rohan Mehta", "MBChB, MRCPsych, MSc", "Consultant Psychiatrist")]


def test_a_city_in_maryland_is_not_a_person():
    assert find_staff("Silver Spring Office, MD 20910") == []


@pytest.mark.parametrize("text", [
    "Ketamine Infusion Therapy in Silver Spring, MD",
    "Best Ketamine Clinic Near Camp Hill, PA",
    "Serving Camp Hill, PA and surrounding areas",
    "Silver Spring, MD Ketamine Clinic",
    "Our patients come from Ellicott City, MD, Glen Burnie, MD and beyond.",
    "Offices in King of Prussia, PA and Bryn Mawr, PA",
    "Locations\nKansas City, MO\nCamp Hill, PA\nFort Collins, CO",
    "Camp Hill, PA | Harrisburg, PA | York, PA",
])
def test_a_town_before_a_state_that_is_also_a_credential_is_not_a_person(text):
    assert find_staff(text) == []


def test_people_beside_people_keep_credentials_that_are_also_states():
    assert find_staff("Jane Roe, MD\nJohn Doe, MD\nAnn Lee, PA") == [
        StaffMember("Jane Roe", "MD", ""), StaffMember("John Doe", "MD", ""), StaffMember("Ann Lee", "PA", "")]
    assert find_staff("Our team: Jane Roe, MD / Ann Lee, PA") == [
        StaffMember("Jane Roe", "MD", ""), StaffMember("Ann Lee", "PA", "")]


def test_next_person_is_not_a_role_and_bios_give_roles():
    text = ("Sarah Okafor, PMHNP-BC\nMaria Garcia-Lopez, MSN, APRN, FNP-C\nNurse Practitioner\n"
            "Kevin Marsh, D.O.\nChief Medical Officer\n"
            "Dr. Tom Hart is a board-certified psychiatrist with 20 years of experience.\n"
            "Dr. Paul Adams is an avid cyclist and father of three.\n"
            "Dr. Robert (Bob) Miller, MD")
    assert find_staff(text) == [
        StaffMember("Sarah Okafor", "PMHNP-BC", ""),
        StaffMember("Maria Garcia-Lopez", "MSN, APRN, FNP-C", "Nurse Practitioner"),
        StaffMember("Kevin Marsh", "D.O.", "Chief Medical Officer"),
        StaffMember("Tom Hart", "Dr.", "board-certified psychiatrist"),
        StaffMember("Paul Adams", "Dr.", ""),  # a doctor on the page, whose bio names no role
        StaffMember("Robert (Bob) Miller", "MD", ""),
    ]


def test_team_card_with_name_and_credentials_on_separate_lines():
    text = "Our Providers\nJane Roe\nDNP, PMHNP-BC\nPsychiatric Nurse Practitioner\nLucy Park\nCRNA\nOur Services\nMD"
    assert find_staff(text) == [
        StaffMember("Jane Roe", "DNP, PMHNP-BC", "Psychiatric Nurse Practitioner"),
        StaffMember("Lucy Park", "CRNA", ""),
    ]


def test_fields_and_places_before_a_credential_are_not_people():
    # A therapist requirements list, a comparison guide and an address line from real clinic pages.
    text = ("Their therapist must hold one of:\n• Social Work (LCSW),\n• Marriage and Family Therapy (LMFT),\n"
            "• Clinical Psychology (PhD)\nBe aware that Certified Nurse Anesthetists (CRNA) are common.\n"
            "Our office is in beautiful Lancaster County, PA. Parking is free.")
    assert find_staff(text) == []


def test_listing_and_footer_headings_over_a_credential_are_not_people():
    # A staffing agency's job board and an insurer's footer (blind rounds 33 and 34).
    text = ("Hot Jobs This Week\nCRNA\nIV ketamine clinic, Denver\nCurrent Openings\nClinician Benefits\n"
            "Quick Links\nRN\nFind a Doctor\nMaya Quick, RN\nInfusion Nurse")
    assert find_staff(text) == [StaffMember("Maya Quick", "RN", "Infusion Nurse")]
    # A protocol's sign-off and a job's requirement (round 35's ambulance service).
    text = "Effective 04/01/2024 · Approved N. Lindqvist, MD\nRequires Minnesota EMT certification and CPR."
    assert find_staff(text) == []


def test_british_and_commonwealth_medical_degrees():
    assert find_staff("Dr Sarah Jones, MBChB, MRCPsych\nConsultant Psychiatrist") == [
        StaffMember("Sarah Jones", "MBChB, MRCPsych", "Consultant Psychiatrist")]


def test_a_second_person_after_and_is_not_the_first_ones_role():
    text = "Our Spravato clinic runs under the direction of Mira Solberg, APRN and Theo Brandt, Office Manager."
    assert find_staff(text) == [StaffMember("Mira Solberg", "APRN", "")]


def test_pronouns_are_not_part_of_the_role():
    assert find_staff("Dana Okoro, LICSW (she/her), clinical director") == [
        StaffMember("Dana Okoro", "LICSW", "clinical director")]


def test_a_byline_names_its_author_without_by():
    # An article's byline, as clinic blogs write it.
    assert find_staff("By Ilse Marn, PMHNP\nWhat a first Spravato visit looks like") == [
        StaffMember("Ilse Marn", "PMHNP", "")]
    assert find_staff("Written by Dr. Omar Reyes, MD") == [StaffMember("Omar Reyes", "MD", "")]


def test_words_before_a_name_are_not_part_of_it():
    text = ("Meet Harriet Voss, MD\nHi, I'm Odile Brandt, LCSW, a therapist in our Denver office.\n"
            "Board Certified Psychiatrist Wren Castillo, MD")
    assert find_staff(text) == [
        StaffMember("Harriet Voss", "MD", ""),
        StaffMember("Odile Brandt", "LCSW", "therapist in our Denver office"),
        StaffMember("Wren Castillo", "MD", "Psychiatrist"),
    ]


def test_names_with_accents_particles_and_capitals():
    text = "Dr. Ximena Ávila Ruiz, MD\nMaría de la Vega, PMHNP-BC\nPIETER VAN DAM, DO\nÓscar Núñez, CRNA"
    assert [m.name for m in find_staff(text)] == [
        "Ximena Ávila Ruiz", "María de la Vega", "Pieter Van Dam", "Óscar Núñez"]


def test_a_practices_legal_name_is_not_a_person():
    assert find_staff("Northgate Calm MD, S.C. welcomes new patients.\nBrightwater Ketamine MD, PLLC") == []


def test_a_practice_name_before_a_credential_is_not_a_person():
    # Brand names written like a doctor's: a logo line, a heading, a sentence.
    text = "Harbor Neuro MD\nWelcome to Quiet Mind MD\nRevive Brain MD offers infusions.\nAnna Bell, MD"
    assert find_staff(text) == [StaffMember("Anna Bell", "MD", "")]


def test_people_the_page_cites_are_not_its_staff():
    # Researchers and quoted experts in clinic blog posts; our own staff in the same shapes stay.
    text = ("According to Tomas Lindgren, MD, most new parents feel low for a while.\n"
            "A 2018 study led by Irene Castell, MD, at the state university found fast relief.\n"
            "Chief psychiatrist Paulo Serrat, MD at Harvard Medical School calls it promising.\n"
            "Hugo Marsh, M.D., lead author of the trial, urged caution.\n"
            "According to our medical director, Leona Pratt, MD, most patients feel calmer by the third visit.\n"
            "Everlake is led by Simon Oduya, MD, a psychiatrist, and Carla Benn, PMHNP-BC.")
    assert find_staff(text) == [
        StaffMember("Leona Pratt", "MD", ""),
        StaffMember("Simon Oduya", "MD", "psychiatrist"),
        StaffMember("Carla Benn", "PMHNP-BC", ""),
    ]


def test_therapists_licences_and_nursing_certifications_are_credentials():
    text = ("Lena Fairbanks, LISW-S\nPsychotherapist\nRenee Castillo, RN, CEN\nInfusion Nurse\n"
            "Dr. Rosa Delgado, PT, DPT\nPhysical Therapist\nHanna Kowal, RN, BScN\nClinic Nurse\n"
            "Priya Desai, LPC, NCC\nTherapist\nRosalind Okafor, DVM, DACVAA\nVeterinary Anesthesiologist")
    assert find_staff(text) == [StaffMember("Lena Fairbanks", "LISW-S", "Psychotherapist"),
                                StaffMember("Renee Castillo", "RN, CEN", "Infusion Nurse"),
                                StaffMember("Rosa Delgado", "PT, DPT", "Physical Therapist"),
                                StaffMember("Hanna Kowal", "RN, BScN", "Clinic Nurse"),
                                StaffMember("Priya Desai", "LPC, NCC", "Therapist"),
                                StaffMember("Rosalind Okafor", "DVM, DACVAA", "Veterinary Anesthesiologist")]


def test_a_card_with_the_role_between_name_and_credentials():
    # Webflow team cards (a blind test site): name, role, then the credentials on their own line.
    text = "Dr. Rosa Delgado\nPhysical Therapist\nPT, DPT\nDr. Grant Whitfield\nChiropractor\nDC"
    assert find_staff(text) == [StaffMember("Rosa Delgado", "PT, DPT", "Physical Therapist"),
                                StaffMember("Grant Whitfield", "DC", "Chiropractor")]


def test_a_quotations_attribution_is_not_staff():
    # Epigraphs on therapists' pages (set AE), on the quote's line or the next; a list item stays.
    text = ("\u201cA good map helps on any inner journey.\u201d -Ilse Varga, MD PhD\n"
            "\u201cHealing takes its own time.\u201d\n\u2013 Karen Holt, MD\n"
            "Our team\n- Nina Ortiz, PMHNP-BC, nurse practitioner")
    assert find_staff(text) == [StaffMember("Nina Ortiz", "PMHNP-BC", "nurse practitioner")]


def test_several_people_on_one_line_each_keep_their_own_role():
    text = ("Tomas Reed, MD (Medical Director) and Ines Holt, CRNA (Lead Anesthetist)\n"
            "Harbor Psychiatry · Chief of Psychiatry: Vera Lund, MD · Nurse Manager: Abe Stone, RN")
    assert find_staff(text) == [
        StaffMember("Tomas Reed", "MD", "Medical Director"),
        StaffMember("Ines Holt", "CRNA", "Lead Anesthetist"),
        StaffMember("Vera Lund", "MD", "Chief of Psychiatry"),
        StaffMember("Abe Stone", "RN", "Nurse Manager"),
    ]


def test_one_person_written_two_ways_is_one_row():
    [member] = find_staff("Stephen R. Gale, MD\nPain Medicine Physician\nDr. Stephen Gale, MD, sees every new patient.")
    assert member == StaffMember("Stephen R. Gale", "MD", "Pain Medicine Physician")


def test_a_team_card_without_credentials_gives_name_and_role():
    # Round 9 of blind test websites: coordinators, founders and estheticians are staff too.
    text = ("Meet the team\nOmar Haddad\nPatient Care Coordinator\nOmar answers the phone.\n"
            "Nina Park, LE\nLicensed Esthetician\nOur Services\nInfusion Suite Manager")
    assert find_staff(text) == [StaffMember("Omar Haddad", "", "Patient Care Coordinator"),
                                StaffMember("Nina Park", "LE", "Licensed Esthetician")]


def test_a_card_line_with_name_dash_and_role_and_front_desk_staff():
    # Blind rounds 18-41: coordinators written "Name — Role" on one line, and the front desk.
    text = ("Kelsey Tran \u2014 Patient Coordinator\nKelsey answers the phones.\n"
            "Brittany Cole\nFront Desk & Client Experience\n"
            "Front Desk \u2014 Patient Coordinator\nKetamine Therapy \u2014 A Medical Director's Note\n"
            "Mark Davis \u2014 Small business owner\n"
            "Select Page\nKetamine and Your Therapist: Better Together")  # a theme's mobile menu, a post
    assert find_staff(text) == [StaffMember("Kelsey Tran", "", "Patient Coordinator"),
                                StaffMember("Brittany Cole", "", "Front Desk & Client Experience")]


def test_a_name_comma_role_line_midwives_and_a_neighbouring_practice():
    # Round 44: an OB-GYN practice's midwife and nurse practitioner, its office manager written
    # "Name, Role", a nurse practitioner's scope in brackets, and practices next door thanked.
    text = ("Meredith Sloan, CNM, MSN\nCertified Nurse-Midwife\nJasmine Pruitt, WHNP-BC\n"
            "Sherry Lund, Office Manager\nTasha Reed\nNP (Mental Health)\nNurse Practitioner\n"
            "We are grateful to our friend and neighbor Dr. Ellen Marsh, PsyD, who offers integration sessions.\n"
            "Our neighbor next door, Musselshell Chiropractic (Dr. Tom Baker, DC), is a separate practice.")
    assert find_staff(text) == [StaffMember("Meredith Sloan", "CNM, MSN", "Certified Nurse-Midwife"),
                                StaffMember("Jasmine Pruitt", "WHNP-BC", ""),
                                StaffMember("Sherry Lund", "", "Office Manager"),
                                StaffMember("Tasha Reed", "NP", "Nurse Practitioner")]


def test_an_acupuncturist_and_counselors_the_clinic_refers_to():
    # Round 45: an integrative practice's acupuncturist keeps his credential; a counselor named far
    # into a sentence about the clinic's referral relationships is not on the staff.
    text = ("Wei Chen, L.Ac.\nLicensed Acupuncturist\nKayla Brooks, LMT\nLicensed Massage Therapist\n"
            "We are not a therapy practice, but we maintain referral relationships with several independent "
            "counselors in Lexington who are familiar with ketamine treatment, including Dr. Laura Moss, PsyD.")
    assert find_staff(text) == [StaffMember("Wei Chen", "L.Ac.", "Licensed Acupuncturist"),
                                StaffMember("Kayla Brooks", "LMT", "Licensed Massage Therapist")]


def test_a_role_that_opens_a_bio_and_a_tables_empty_cell():
    # Round 47: an image box whose bio starts with the role; a team table whose credentials cell is a dash.
    text = ("Shelby Kohl\nClinic Manager. Shelby makes sure every guest is greeted with a smile.\n"
            "Name\nCredentials\nRole\nElena Marsh\nMD\nMedical Director\nNora Beckett\n\u2014\nPractice Manager")
    assert find_staff(text) == [StaffMember("Shelby Kohl", "", "Clinic Manager"),
                                StaffMember("Elena Marsh", "MD", "Medical Director"),
                                StaffMember("Nora Beckett", "", "Practice Manager")]


def test_a_testimonials_signature_is_not_a_team_card():
    text = '"The nurses made me feel safe."\nMark Davis\nSmall business owner\nGreta Olsen\nVerified patient'
    assert find_staff(text) == []


def test_a_menu_item_above_the_heading_is_not_a_team_card():
    # Round 13: a nav ending in a call to action, then the page's heading.
    text = "Fees\nFAQ\nContact\nFree Consultation\nMedical Partner\nOur prescriber works with us."
    assert find_staff(text) == []


def test_an_outside_prescriber_is_not_staff():
    text = ("We have a referral relationship with Dana Lee, PMHNP-BC, at an independent practice.\n"
            "Many of our clients work with Dana Lee, PMHNP-BC, for the medicine itself.\n"
            "Ruth Kaye, LMFT\nKetamine-Assisted Therapist")
    assert find_staff(text) == [StaffMember("Ruth Kaye", "LMFT", "Ketamine-Assisted Therapist")]


def test_british_counselling_credentials_and_guest_authors():
    text = ("Tom Aldous\nMBACP (Accred)\nIntegration Counsellor\n"
            "October 19, 2023 \u00b7 Guest post by Dr. Alyssa Brandt, PhD, R.Psych. (Bow Valley Psychology)")
    assert find_staff(text) == [StaffMember("Tom Aldous", "MBACP", "Integration Counsellor")]


def test_health_coaches_certifications_are_read():
    assert find_staff("Brianna Cole, NBC-HWC\nHealth Coach") == [StaffMember("Brianna Cole", "NBC-HWC", "Health Coach")]


def test_australian_degrees_with_qualifiers_in_brackets():
    text = "Dr Aroha Ngata\nBPsych (Hons), DPsych (Clinical)\nClinical Psychologist"
    assert find_staff(text) == [StaffMember("Aroha Ngata", "BPsych, DPsych", "Clinical Psychologist")]


def test_peer_support_and_addiction_credentials_are_read():
    # Round 13: a rehab's team page.
    text = "Sarah Kim, CPSS\nPeer Support Specialist\nLena Ortiz, MD, FASAM\nMedical Director"
    assert find_staff(text) == [StaffMember("Sarah Kim", "CPSS", "Peer Support Specialist"),
                                StaffMember("Lena Ortiz", "MD, FASAM", "Medical Director")]


def test_irish_names_coach_and_nurse_anaesthetist_degrees():
    # Round 14: an Irish founder, a coach's CPC, a CRNA's MSNA, and a menu toggle's label.
    text = ("Open MenuClose Menu\nMeet Our Team\nDr. Ciar\u00e1n \u00d3 Murch\u00fa, PhD\nFounder & Director\n"
            "Tessa Moreno, CPC\nIntegration Coach\nEthan Brandvold, MSNA, CRNA\nCRNA")
    assert find_staff(text) == [StaffMember("Ciar\u00e1n \u00d3 Murch\u00fa", "PhD", "Founder & Director"),
                                StaffMember("Tessa Moreno", "CPC", "Integration Coach"),
                                StaffMember("Ethan Brandvold", "MSNA, CRNA", "CRNA")]


@pytest.mark.parametrize("text, expected", [
    ("Our medical director, Dr. Maria Lopez, oversees every infusion we give.",
     [StaffMember("Maria Lopez", "Dr.", "medical director")]),
    ("Kim Nguyen, our psychiatric nurse practitioner, sees every patient before the first dose.",
     [StaffMember("Kim Nguyen", "", "psychiatric nurse practitioner")]),
    ("Our lead infusion nurse Tina Vasquez has twelve years of emergency room experience.",
     [StaffMember("Tina Vasquez", "", "lead infusion nurse")]),
    # A name written with its credentials elsewhere in the sentence keeps them.
    ("Our medical director, Ana Ruiz, MD, is a board-certified anesthesiologist.",
     [StaffMember("Ana Ruiz", "MD", "board-certified anesthesiologist")]),
    # "is our <role>" as well as ", our <role>" (round 37).
    ("Nadia Okafor is our patient care coordinator and answers the phone most days.",
     [StaffMember("Nadia Okafor", "", "patient care coordinator")]),
    # Not a person: a title-case heading, a clinic dog with a joke title, a cited researcher, a team.
    ("Our Nurse Practitioner Will Guide You Through Every Step.", []),
    ("Biscuit is our official Chief Morale Officer. She greets every guest at the door.", []),
    ("In a study, our colleague John Krystal found that patients improved within a day.", []),
    ("Our team of nurses will monitor you the whole time you are with us.", []),
])
def test_staff_named_in_prose_beside_our_and_a_role(text, expected):
    assert find_staff(text) == expected


def test_naturopathic_medical_doctor_credential():
    assert find_staff("Dr. Serena Vale, NMD\nWellness Director") == [StaffMember("Serena Vale", "NMD", "Wellness Director")]


def test_a_curly_apostrophe_in_a_name_is_written_straight():
    # Round 20: "Kevin O’Rourke" on one page and "Kevin O'Rourke" on another are one person.
    assert find_staff("Kevin O\u2019Rourke, RN\nInfusion Nurse") == [StaffMember("Kevin O'Rourke", "RN", "Infusion Nurse")]


def test_advanced_practice_nurse_credentials_of_some_states():
    # Round 23: APN (New Jersey) and APNP (Wisconsin) before a board certification.
    text = "Dana Ruiz, APN, PMHNP-BC\nCo-Founder\nLi Vang, APNP, PMHNP-BC\nPsychiatric Nurse Practitioner"
    assert find_staff(text) == [StaffMember("Dana Ruiz", "APN, PMHNP-BC", "Co-Founder"),
                                StaffMember("Li Vang", "APNP, PMHNP-BC", "Psychiatric Nurse Practitioner")]


def test_irish_medical_degrees_and_a_consultants_role():
    # Round 24: "MB BCh BAO" is a degree, not a name, and "Consultant Anaesthetist" is a role.
    text = "Dr Aoife Brennan\nMB BCh BAO, MRCPsych\nConsultant Psychiatrist\nDr Ciaran Walsh\nMB, FCAI\nConsultant Anaesthetist"
    assert find_staff(text) == [StaffMember("Aoife Brennan", "MB, BCh, BAO, MRCPsych", "Consultant Psychiatrist"),
                                StaffMember("Ciaran Walsh", "MB, FCAI", "Consultant Anaesthetist")]


def test_a_licence_level_is_part_of_the_credential_and_form_fields_are_no_one():
    # Round 40: a rehab's addiction counselor ("CADC-II") and an admissions form ("First Name" over
    # "Insurance Provider").
    text = "Marcus Bell, CADC-II\nAddiction Counselor\nFirst Name\nInsurance Provider\nLast Name"
    assert find_staff(text) == [StaffMember("Marcus Bell", "CADC-II", "Addiction Counselor")]


def test_a_nursing_sisters_title_is_not_part_of_her_name():
    # Round 39: a Cape Town clinic's "Sr" (Sister), as British and South African nurses are titled.
    assert find_staff("Sr Nomsa Dlamini, RN\nInfusion Nurse") == [StaffMember("Nomsa Dlamini", "RN", "Infusion Nurse")]


def test_courtesy_titles_malay_names_and_four_word_names_on_cards():
    # Round 29: a Singapore clinic's cards, "Ms." before a nurse's name and a four-word doctor's name.
    text = ("Dr. Gerald Lim Wei Jie\nMBBS, MMed, FAMS\nMedical Director\n"
            "Ms. Siti Rahmah binte Osman\nRN\nNurse Clinician\nMr. Tom Hale\nPatient Care Coordinator")
    assert find_staff(text) == [StaffMember("Gerald Lim Wei Jie", "MBBS, MMed, FAMS", "Medical Director"),
                                StaffMember("Siti Rahmah binte Osman", "RN", "Nurse Clinician"),
                                StaffMember("Tom Hale", "", "Patient Care Coordinator")]


def test_hyphen_joined_credentials_and_pharmacists():
    # Round 37: "APRN-CNP" as some states write it, and a compounding pharmacy's pharmacists.
    text = ("Maren Solberg, APRN-CNP, PMHNP-BC\nPsychiatric Nurse Practitioner\n"
            "Victor Osei, PharmD, BCSCP\nSterile Compounding Pharmacist\nGreta Holm, RPh\nStaff Pharmacist")
    assert find_staff(text) == [StaffMember("Maren Solberg", "APRN-CNP, PMHNP-BC", "Psychiatric Nurse Practitioner"),
                                StaffMember("Victor Osei", "PharmD, BCSCP", "Sterile Compounding Pharmacist"),
                                StaffMember("Greta Holm", "RPh", "Staff Pharmacist")]


def test_a_credential_after_a_comma_without_a_space_and_a_trainer_on_the_team():
    # Real set BG: an all-capitals card, "NAME,MD"; round 38: a men's clinic's personal trainer is
    # on the team (never certified staff), and a training company's "Research Studies" menu item
    # above "Faculty Directory" is no one.
    assert find_staff("WHO WE ARE\nMARTA KOVAC,MD\nMedical Director") == [StaffMember("Marta Kovac", "MD", "Medical Director")]
    text = "Femi Adeyemi, CRNA\nClinical Instructor\nLuis Ortega, NASM-CPT\nWellness Coach\nResearch Studies\nFaculty Directory"
    assert find_staff(text) == [StaffMember("Femi Adeyemi", "CRNA", "Clinical Instructor"),
                                StaffMember("Luis Ortega", "NASM-CPT", "Wellness Coach")]


@pytest.mark.parametrize("text, expected", [
    # Real staff sets SA and SB: small practices name their doctor by title and name alone.
    ("Meet with Dr. Ben either virtually or in the office to discuss how infusions can help you.",
     [StaffMember("Ben", "Dr.", "")]),
    ("A psychiatric MD (Dr. Dull) is present on site and supervises each treatment.",
     [StaffMember("Dull", "Dr.", "")]),
    ("Dr. Cohen's practice offers comprehensive treatment for mood and anxiety disorders.",
     [StaffMember("Cohen", "Dr.", "")]),
    # ...not one the page cites, nor a card's or a sentence's fuller reading of the same person.
    ("Dr. Krystal's study found rapid effects in patients with depression.", []),
    ("According to Dr. John Krystal of Yale, ketamine works within hours.", []),
    ("Dr. Ann Lee, MD, sees every patient herself.", [StaffMember("Ann Lee", "MD", "")]),
    # Round 49: the founder's family, doctors elsewhere.
    ("Medicine runs in my family. My dad, Dr. Richard Halvorsen, was a family doctor for 34 years.", []),
    ("My uncle, Dr. Lars Halvorsen, is a retired cardiologist in Rochester.", []),
    ("Ann Lee, MD\nMedical Director\nDr. Lee reviews every chart before your first infusion.",
     [StaffMember("Ann Lee", "MD", "Medical Director")]),
])
def test_doctors_named_in_prose_by_title(text, expected):
    assert find_staff(text) == expected


def test_a_clinicians_bio_without_a_title_an_academic_title_and_a_licence_level():
    text = ("Marla Peterson is a Certified Registered Nurse Anesthetist with 20 years in the OR.\n"
            "Sarah Jones is a mother of two who loves hiking.\n"
            "Desert Willow is a physician-owned practice in Tucson.\n"
            "You will be assessed by Professor Rupert McShane MD FRCPsych or a colleague.\n"
            "Offered by Jason Sienknecht LPC CAC II and our team.")
    assert find_staff(text) == [
        StaffMember("Marla Peterson", "", "Certified Registered Nurse Anesthetist"),
        StaffMember("Rupert McShane", "MD, FRCPsych", ""),
        StaffMember("Jason Sienknecht", "LPC, CAC II", ""),
    ]


def test_a_doctor_named_by_one_word_on_one_page_is_the_full_name_on_another():
    found: dict = {}
    add_staff(found, [{"name": "Dull", "credentials": "Dr.", "role": ""}], "http://x.test/faq")
    add_staff(found, [{"name": "Jane Dull", "credentials": "MD", "role": "Psychiatrist"}], "http://x.test/team")
    add_staff(found, [{"name": "Ben", "credentials": "Dr.", "role": ""}], "http://x.test/")
    assert [m["name"] for m in own_staff(found, set())] == ["Jane Dull", "Ben"]


def test_a_name_read_with_a_credential_is_no_fuller_name():
    # Round 46's card "Ruth Okafor MIACP" (a credential the list does not know) is not the fuller name
    # of "our psychotherapist, Ruth Okafor": she keeps her row.
    found: dict = {}
    add_staff(found, [{"name": "Ruth Okafor MIACP", "credentials": "", "role": "Psychotherapist"}], "http://x.test/team")
    add_staff(found, [{"name": "Ruth Okafor", "credentials": "", "role": "psychotherapist"}], "http://x.test/")
    assert "Ruth Okafor" in [m["name"] for m in own_staff(found, set())]
    # A middle initial is no credential: "Dr. Whitaker" is "James R. Whitaker, MD".
    found = {}
    add_staff(found, [{"name": "Whitaker", "credentials": "Dr.", "role": ""}], "http://x.test/faq")
    add_staff(found, [{"name": "James R. Whitaker", "credentials": "MD", "role": ""}], "http://x.test/team")
    assert [m["name"] for m in own_staff(found, set())] == ["James R. Whitaker"]


def test_a_small_practices_card_with_a_first_name_only():
    # Round 50: "Jenna, RN — Lead Infusion Nurse"; not a town before its state, nor a heading's word.
    assert find_staff("Jenna, RN\n\u2014 Lead Infusion Nurse\nAmy, LPN") == [
        StaffMember("Jenna", "RN", "Lead Infusion Nurse"), StaffMember("Amy", "LPN", "")]
    assert find_staff("Brittany, RN Infusion Nurse") == [StaffMember("Brittany", "RN", "Infusion Nurse")]
    assert find_staff("Amy, LPN \u2014 Amy is the friendly face who will get you settled in.") == [
        StaffMember("Amy", "LPN", "")]
    assert find_staff("Towson, MD\nNurse, RN") == []
    # Canadian places: a province's code is also a credential ("BC", "MB"), and a postcode is no role.
    assert find_staff("Winnipeg, MB\nNurse Practitioner\nVancouver, BC V6B 2W9") == []
    found: dict = {}
    add_staff(found, [{"name": "Jenna", "credentials": "RN", "role": ""}], "http://x.test/")
    add_staff(found, [{"name": "Jenna Moss", "credentials": "RN", "role": "Infusion Nurse"}], "http://x.test/team")
    assert [m["name"] for m in own_staff(found, set())] == ["Jenna Moss"]
