"""A clinic's row from its pages' facts (crawler/clinic_facts.py)."""

from crawler.clinic_facts import merge_facts, section_facets
from scoring import PageSignals, aggregate, scan_page


def page(depth, title="", inside=True, **facts):
    return (depth, facts, title, inside)


def test_a_section_seeds_own_phone_beats_the_sites_header():
    # A chain's Denver location page as the seed (a blind test site): the chain's toll-free number
    # is in the header of every page, the location's own line only on its pages.
    chain, denver = "+18885550190", "+17205550117"
    pages = [page(0, phones=[denver, chain], emails=["denver@m.example", "info@m.example"]),
             page(1, phones=[chain], emails=["info@m.example"]),
             *[page(1, inside=False, phones=[chain], emails=["info@m.example"]) for _ in range(5)]]
    facts = merge_facts(pages, "", "m.example")
    assert facts["phone"] == denver and facts["email"] == "denver@m.example"
    # A section that names no phone of its own takes the site's.
    assert merge_facts([page(0), page(1, inside=False, phones=[chain])], "", "m.example")["phone"] == chain
    # Seeded at the home page, every page is the clinic's own: the repeated number wins as before.
    assert merge_facts([(d, f, t, True) for d, f, t, _ in pages], "", "m.example")["phone"] == chain


def test_a_footer_phone_seen_on_every_page_beats_one_seen_once():
    pages = [page(0, phones=["+13035550100"]), page(1, phones=["+17205550199", "+13035550100"]),
             page(1, phones=["+13035550100"])]
    assert merge_facts(pages, "", "c.example")["phone"] == "+13035550100"


def test_the_name_comes_from_the_pages_then_the_seed_then_the_title():
    assert merge_facts([page(0, "Home | Calm Ketamine", name="Calm Ketamine Clinic")], "Calm", "calm.example")["name"] == "Calm Ketamine Clinic"
    assert merge_facts([page(0, "Home | Calm Ketamine")], "Calm Clinic (directory)", "calm.example")["name"] == "Calm Clinic (directory)"
    assert merge_facts([page(0, "Home | Calm Ketamine")], "", "calm.example")["name"] == "Calm Ketamine"
    assert merge_facts([page(0, "")], "", "calm.example")["name"] == "calm.example"


def test_a_name_one_page_spells_out_beats_its_short_form_on_every_page():
    # Blind test sites: og:site_name shortens the business name the home page's JSON-LD gives.
    pages = [page(0, name="Mesa Vista Ketamine & IV Lounge"), *[page(1, name="Mesa Vista Ketamine") for _ in range(6)]]
    assert merge_facts(pages, "", "m.example")["name"] == "Mesa Vista Ketamine & IV Lounge"
    # A longer name that adds a title's tail, or a name on another location's page, does not.
    pages = [page(0, name="Calm Ketamine | Book Now"), page(1, name="Calm Ketamine"), page(1, name="Calm Ketamine"),
             page(1, inside=False, name="Calm Ketamine Boise")]
    assert merge_facts(pages, "", "c.example")["name"] == "Calm Ketamine"
    # Nor does its legal form alone.
    pages = [page(0, name="Sonoran Sol Ketamine Wellness PLLC"), page(1, name="Sonoran Sol Ketamine Wellness"),
             page(1, name="Sonoran Sol Ketamine Wellness")]
    assert merge_facts(pages, "", "s.example")["name"] == "Sonoran Sol Ketamine Wellness"
    # A name that carries its legal form on most pages is recorded without it (round 34).
    pages = [page(0, name="Bluebell Psychiatry & Wellness, PLLC"), page(1, name="Bluebell Psychiatry & Wellness, PLLC"),
             page(1, name="Bluebell Psychiatry & Wellness")]
    assert merge_facts(pages, "", "b.example")["name"] == "Bluebell Psychiatry & Wellness"


def test_the_title_segment_that_spells_the_domain_names_the_clinic():
    # A place or a slogan can be the shortest segment; the domain says which one is the business.
    title = "Best Ketamine Therapy Near You - Denver - Mile High Ketamine"
    assert merge_facts([page(0, title)], "", "milehighketamine.example")["name"] == "Mile High Ketamine"
    assert merge_facts([page(0, "Ketamine Infusions in Denver, CO | Summit Mind")], "", "summitmindclinic.co.uk")["name"] == "Summit Mind"
    # No segment spells it: the shortest one, as before.
    assert merge_facts([page(0, "Ketamine Infusions in Denver, CO | Summit Mind")], "", "kx1.example")["name"] == "Summit Mind"


def test_the_segment_every_title_repeats_names_the_site():
    # A blind test site of the twelfth session: a hospital whose home title greets the reader.
    pages = [page(0, "Welcome to Lakeshore Regional | Lakeshore Regional Medical Center"),
             page(1, "Our Team | Lakeshore Regional Medical Center"), page(1, "FAQ | Lakeshore Regional Medical Center")]
    assert merge_facts(pages, "", "127.0.0.61")["name"] == "Lakeshore Regional Medical Center"
    assert merge_facts(pages[:1], "", "127.0.0.61")["name"] == "Lakeshore Regional"  # a greeting is no name
    # A place repeats on every title as well; it names no clinic.
    place = [page(0, "Home - Foothills Center for KAP - Fort Collins, CO"), page(1, "Fees - Foothills Center for KAP - Fort Collins, CO"),
             page(1, "About - Foothills Center for KAP - Fort Collins, CO")]
    assert merge_facts(place, "", "127.0.0.70")["name"] == "Foothills Center for KAP"
    place = [page(0, "Fort Collins, CO | Foothills KAP"), page(1, "Fees | Fort Collins, CO | Foothills KAP")]
    assert merge_facts(place, "", "127.0.0.70")["name"] == "Foothills KAP"


def test_a_sections_conditions_leave_out_those_of_the_pages_beside_it():
    # Round 37: seeded at a university psychiatry department's ketamine service, the department's
    # anxiety programme and its research page name conditions the service does not treat; the
    # hospital's shared pages on ketamine and the service's own still count. Round 42: nor do other
    # departments' pages that say nothing of ketamine (women's health screening new parents).
    seed = "https://h.example/psychiatry/ketamine-service/"
    signals = [scan_page("Ketamine infusions for treatment-resistant depression.", seed),
               scan_page("Our anxiety programme treats OCD and panic disorder.", "https://h.example/psychiatry/anxiety/"),
               scan_page("Our perinatal team screens every new parent for postpartum depression.", "https://h.example/womens-health/"),
               scan_page("Ketamine care for patients living with chronic pain.", "https://h.example/patients/")]
    result = aggregate(section_facets(signals, seed))
    assert result.conditions == ["Depression", "Treatment-resistant depression", "Chronic pain"]
    # Seeded at the home page, every page counts.
    everything = aggregate(section_facets(signals, "https://h.example/")).conditions
    assert "OCD" in everything and "Postpartum depression" in everything


def test_a_chain_locations_services_leave_out_those_offered_only_at_other_places():
    # Rounds 43 and 46: seeded at one location of a chain, the chain's shared pages offer IM ketamine
    # only at two other cities and chronic pain infusions only in another state; the location's own
    # page limits telehealth to two states. Seeded at the home page, the chain offers them all.
    seed = "https://chain.example/locations/boise/"
    signals = [scan_page("We offer IV ketamine infusions and Spravato for depression. Our telehealth follow-up visits "
                         "are limited to patients in Colorado and Utah.", seed),
               scan_page("Intramuscular (IM) Ketamine\nCurrently offered only at our Denver and Salt Lake City clinics.",
                         "https://chain.example/services/im-ketamine/"),
               scan_page("IV ketamine infusions for depression and PTSD. At our Colorado clinics we also offer "
                         "infusions for chronic pain.", "https://chain.example/services/iv-ketamine/")]
    assert signals[1].only_at == {"IM injection": ["denver", "salt lake city"]}
    assert PageSignals.from_dict(signals[1].to_dict()) == signals[1]  # as a crawl's workers pass it on
    boise = aggregate(section_facets(signals, seed, "Boise", "ID"))
    assert boise.services == ["IV infusion", "Spravato (esketamine)"]
    assert boise.conditions == ["Depression", "PTSD"]
    # Denver, in Colorado, takes the shared pages' IM ketamine and chronic pain (Boise's page is beside it).
    denver = aggregate(section_facets(signals, "https://chain.example/locations/denver/", "Denver", "CO"))
    assert denver.services == ["IV infusion", "IM injection"] and "Chronic pain" in denver.conditions
    # Seeded at its home page, the chain offers everything its pages name.
    chain = aggregate(section_facets(signals, "https://chain.example/"))
    assert chain.services == ["IV infusion", "IM injection", "Spravato (esketamine)", "Telehealth"]
    assert "Chronic pain" in chain.conditions
    # A hospital's ketamine service is no location of a chain: what its pages offer at one campus counts.
    service = "https://h.example/psychiatry/ketamine/"
    campus = [scan_page("Spravato is offered only at our Westerville campus.", service)]
    assert aggregate(section_facets(campus, service, "Columbus", "OH")).services == ["Spravato (esketamine)"]
