from crawler.extract.staff import StaffMember, find_staff

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
        StaffMember("Dr. Ana Ruiz", "", "Board-Certified Anesthesiologist"),
        StaffMember("Leah Whitcomb", "DNP, PMHNP-BC", "board-certified psychiatric nurse practitioner"),
    ]


def test_medical_director_in_a_footer():
    assert find_staff("© 2026 Cedar Grove\nMedical Director: Priya Natarajan, MD") == [
        StaffMember("Priya Natarajan", "MD", "Medical Director")]


def test_non_medical_doctors_keep_their_credentials():
    [member] = find_staff("Dr. Brett Kowalski, DC\nChiropractor and owner")
    assert member.credentials == "DC" and member.role == "Chiropractor and owner"


def test_a_city_in_maryland_is_not_a_person():
    assert find_staff("Silver Spring Office, MD 20910") == []


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
        StaffMember("Dr. Tom Hart", "", "board-certified psychiatrist"),
        StaffMember("Dr. Robert (Bob) Miller", "MD", ""),
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


def test_british_and_commonwealth_medical_degrees():
    assert find_staff("Dr Sarah Jones, MBChB, MRCPsych\nConsultant Psychiatrist") == [
        StaffMember("Dr. Sarah Jones", "MBChB, MRCPsych", "Consultant Psychiatrist")]


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
    assert find_staff("Written by Dr. Omar Reyes, MD") == [StaffMember("Dr. Omar Reyes", "MD", "")]
