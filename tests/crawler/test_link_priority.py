"""The crawl fetches the pages the rubric needs first (crawler/link_priority.yml)."""

from crawler.seeds import seed_section
from spiders.clinic import LinkRanker

RANK = LinkRanker()


def test_pages_the_rubric_needs_come_before_the_rest():
    needed = ["https://c.example/meet-the-team/", "https://c.example/our-clinicians/", "https://c.example/faqs", "https://c.example/how-it-works/",
              "https://c.example/new-patients/intake-forms", "https://c.example/informed-consent",
              "https://c.example/about-us/our-providers", "https://c.example/referrals/"]
    rest = ["https://c.example/blog/2024/spring-update", "https://c.example/gallery", "https://c.example/careers"]
    assert min(RANK.priority(u) for u in needed) > max(RANK.priority(u) for u in rest)


def test_anchor_text_counts_as_much_as_the_path():
    # Page builders give pages opaque paths; the menu's words still say what the page is.
    assert RANK.priority("https://c.example/page-7", "Meet Our Physicians") == RANK.priority("https://c.example/physicians/")
    assert RANK.priority("https://c.example/p/4831", "What to Expect") > RANK.priority("https://c.example/p/4832", "Gallery")


def test_a_hospitals_psychiatry_service_comes_before_its_other_departments():
    # A blind test site's home page listed 52 departments; the ketamine service sat under psychiatry.
    psychiatry = [("https://h.example/departments/psychiatry/interventional/", "New: Interventional Psychiatry"),
                  ("https://h.example/behavioral-health/", "Behavioral Health"), ("https://h.example/mental-health/", "")]
    others = [("https://h.example/departments/cardiology/", "Cardiology"),
              ("https://h.example/departments/interventional-radiology/", "Interventional Radiology")]
    assert min(RANK.priority(u, a) for u, a in psychiatry) > max(RANK.priority(u, a) for u, a in others)


def test_files_logins_and_carts_are_skipped():
    assert RANK.skipped("https://c.example/wp-content/uploads/hero.jpg")
    assert RANK.skipped("https://c.example/cart/")
    assert RANK.skipped("https://c.example/faq/?replytocom=12")
    assert not RANK.skipped("https://c.example/faq/")


def test_machine_files_a_footer_links_to_are_not_pages():
    # Round 18: a footer's "Sitemap" link to /sitemap.xml was read as a page of URLs naming ketamine.
    assert RANK.skipped("https://c.example/sitemap.xml")
    assert RANK.skipped("https://c.example/sitemap_index.xml")
    assert RANK.skipped("https://c.example/llms.txt")
    assert not RANK.skipped("https://c.example/sitemap/")  # an HTML sitemap page is a page


def test_translated_copies_come_after_every_english_page():
    # WPML, Weglot and GTranslate keep the English slugs under a language prefix.
    translated = ["https://c.example/es/our-team/", "https://c.example/zh-hans/faq/", "https://c.example/pt-br/",
                  "https://c.example/faq/?lang=es", "https://es.c.example/meet-the-team/", "https://c.example/fr_FR/about"]
    english = ["https://c.example/our-team/", "https://c.example/en/our-team/", "https://c.example/en-us/faq/",
               "https://c.example/blog/tag/news/", "https://c.example/gallery",
               # Words, not languages: a first segment that only starts with a code.
               "https://c.example/de-stress-with-ketamine/", "https://c.example/it-band-pain/",
               "https://www.c.example/faq/", "https://c.example/faq/?lang=en"]
    assert max(RANK.priority(u) for u in translated) < min(RANK.priority(u) for u in english)
    assert RANK.priority("https://c.example/es/our-team/") == RANK.priority("https://c.example/our-team/") + RANK.translated


def test_a_seed_below_the_home_page_names_its_section():
    assert seed_section("https://hospital.example/behavioral-health/ketamine/") == "/behavioral-health/ketamine/"
    assert seed_section("https://spa.example/services/ketamine.html") == "/services/"
    assert seed_section("https://c.example/ketamine-therapy") == "/ketamine-therapy/"
    assert [seed_section(u) for u in ("https://c.example/", "https://c.example", "https://c.example/index.html",
                                      "https://c.example/home")] == ["", "", "", ""]


def test_a_chains_other_locations_are_other_clinics():
    # Seeded at one location, the chain's other locations are skipped; its list of all locations,
    # the seed's own pages and the shared pages are not. Only folders named in location_folders.
    ranker = LinkRanker()
    assert ranker.other_location("/locations/denver/", "https://c.example/locations/boulder/")
    assert ranker.other_location("/locations/denver/", "https://c.example/locations/boulder/team/")
    assert not ranker.other_location("/locations/denver/", "https://c.example/locations/")
    assert not ranker.other_location("/locations/denver/", "https://c.example/locations/denver/team/")
    assert not ranker.other_location("/locations/denver/", "https://c.example/faq/")
    assert not ranker.other_location("/psychiatry/ketamine/", "https://h.example/psychiatry/anxiety/")
    assert not ranker.other_location("/denver/", "https://c.example/boulder/")
