"""Entity resolution: normalisation of websites, phones, addresses and names, and the merge rules."""

import pytest

from crawler.discovery.resolve import (
    Record, address_key, address_relation, domain_key, home_url, name_similarity, normalize_phone,
    parse_address, possible_duplicates, resolve,
)


# -- websites ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url, key", [
    ("https://www.calmharbor.com/contact/?utm_source=x", "calmharbor.com"),
    ("http://CalmHarbor.com", "calmharbor.com"),
    ("calmharbor.com", "calmharbor.com"),
    ("https://book.calmharbor.com/new-patient", "calmharbor.com"),
    ("https://www.calm.co.uk/", "calm.co.uk"),
    ("http://127.0.0.12:8790/home/", "127.0.0.12"),
    ("https://www.facebook.com/calmharbor/about", "facebook.com/calmharbor"),
    ("https://facebook.com/pages/calmharbor", "facebook.com/calmharbor"),
    ("https://calm.github.io/site/", "calm.github.io"),
    ("", ""),
])
def test_domain_key(url, key):
    assert domain_key(url) == key


def test_home_url():
    assert home_url("https://www.calmharbor.com/contact/?x=1") == "https://www.calmharbor.com/"
    assert home_url("http://127.0.0.12:8790/home/") == "http://127.0.0.12:8790/"
    assert home_url("https://www.facebook.com/calmharbor/about") == "https://www.facebook.com/calmharbor/"


# -- phones -----------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["(512) 555-0143", "512.555.0143", "+1 512-555-0143", "1-512-555-0143",
                                 "Tel. 512 555 0143", "tel:+15125550143", "512-555-0143 ext. 12", "+15125550143"])
def test_phones_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+15125550143"


@pytest.mark.parametrize("raw", ["", "call us", "555-0143", "12"])
def test_not_a_phone(raw):
    assert normalize_phone(raw) == ""


# -- addresses --------------------------------------------------------------------------------
def test_parse_address_forms():
    assert parse_address("2401 South Lamar Boulevard, Ste. 210, Austin, TX 78704") == {
        "street": "2401 South Lamar Boulevard, Ste. 210", "city": "Austin", "state": "TX", "postcode": "78704"}
    assert parse_address("Austin, TX") == {"street": "", "city": "Austin", "state": "TX", "postcode": ""}
    parts = parse_address("", street="820 N Clark St", city="Chicago", state="Illinois", postcode="60610-1234")
    assert parts == {"street": "820 N Clark St", "city": "Chicago", "state": "IL", "postcode": "60610"}
    assert parse_address("somewhere nice") == {"street": "", "city": "", "state": "", "postcode": ""}


def _key(text):
    return address_key(parse_address(text))


def test_address_variants_are_one_key():
    variants = ["2401 South Lamar Boulevard, Ste. 210, Austin, TX 78704",
                "2401 S Lamar Blvd Suite 210, Austin TX 78704",
                "2401 S. Lamar Blvd., #210, Austin, Texas 78704"]
    keys = {_key(v) for v in variants}
    assert len(keys) == 1
    (key,) = keys
    assert (key.street, key.unit, key.postcode) == ("2401 s lamar blvd", "210", "78704")


def test_address_relations():
    suite_210 = _key("2401 S Lamar Blvd, Suite 210, Austin, TX 78704")
    suite_305 = _key("2401 S Lamar Blvd, Suite 305, Austin, TX 78704")
    no_suite = _key("2401 S. Lamar Blvd., Austin, TX 78704")
    other_zip = _key("2401 S Lamar Blvd, Suite 210, Austin, TX 78745")
    assert address_relation(suite_210, suite_210) == "same"
    assert address_relation(suite_210, suite_305) == "same-building"
    assert address_relation(suite_210, no_suite) == "unit-unknown"
    assert address_relation(suite_210, other_zip) == "different"
    assert address_relation(suite_210, None) == "unknown"
    assert address_key(parse_address("Las Vegas, NV")) is None  # a city is not an address


# -- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [
    ("Calm Harbor Ketamine & Wellness", "Calm Harbor Ketamine and Wellness"),
    ("Calm Harbor Ketamine & Wellness", "Calm Harbor Ketamine"),
    ("Bayview Ketamine Associates, LLC", "Bayview Ketamine"),
    ("Zen Drip IV Bar", "ZEN DRIP IV BAR - Tampa"),
    ("Calm Harbour Ketamine", "Calm Harbor Ketamine"),
])
def test_similar_names(a, b):
    assert name_similarity(a, b) >= 0.8


@pytest.mark.parametrize("a, b", [
    ("Lamar Ketamine Institute", "Calm Harbor Ketamine & Wellness"),
    ("Las Vegas Ketamine Center", "Renew Ketamine Clinic"),
    ("Austin Ketamine Clinic", "Austin Ketamine Center"),  # one shared place word is not enough
    ("Ketamine Clinic", "Ketamine Center"),
    ("", "Calm Harbor"),
])
def test_different_names(a, b):
    assert name_similarity(a, b) < 0.8


# -- resolution -------------------------------------------------------------------------------
def _rec(id, name="", website="", phone="", address="", source="dir-a", **kw):
    return Record(id=id, name=name, website=website, phone=normalize_phone(phone),
                  address=parse_address(address), source=source, **kw)


def _groups(records):
    return sorted(sorted(c.ids) for c in resolve(records))


def test_same_domain_after_redirects_merges():
    records = [
        _rec("a1", "Calm Harbor Ketamine", "https://www.calmharbor.com/?utm_source=dir"),
        _rec("b1", "Calm Harbor K&W", "https://calmharbor.com/contact/", source="dir-b"),
        # listed under its old domain, which redirects: resolution sees the final URL
        _rec("c1", "Lakeside Ketamine (old name)", "https://calmharbor.com/", source="dir-c"),
    ]
    (cluster,) = resolve(records)
    assert cluster.domain == "calmharbor.com" and set(cluster.reasons.values()) == {"domain"}
    assert cluster.website in ("https://calmharbor.com/", "https://www.calmharbor.com/")


def test_phone_merges_a_listing_without_website():
    records = [_rec("a", "Willow Creek Ketamine Clinic", "https://willowcreek.example/", "503-555-0162"),
               _rec("b", "Willow Creek Ketamine", "", "(503) 555 0162")]
    (cluster,) = resolve(records)
    assert cluster.reasons == {"a": "phone", "b": "phone"}


def test_two_clinics_in_one_building_stay_separate():
    records = [
        _rec("a", "Calm Harbor Ketamine & Wellness", "https://calmharbor.com/", "512-555-0143",
             "2401 S Lamar Blvd, Suite 210, Austin, TX 78704"),
        _rec("b", "Lamar Ketamine Institute", "https://lamarketamine.com/", "512-555-0199",
             "2401 S Lamar Blvd, Suite 305, Austin, TX 78704"),
        _rec("c", "Lamar Ketamine Institute of Austin", "", "", "2401 S. Lamar Blvd., Austin, TX 78704"),
    ]
    assert _groups(records) == [["a"], ["b", "c"]]  # c: same street and a similar name, suite unknown


def test_same_address_different_names_no_merge():
    records = [_rec("a", "Austin Ketamine Clinic", "", "", "100 Congress Ave, Austin, TX 78701"),
               _rec("b", "Capitol Mind Wellness", "", "", "100 Congress Ave, Austin, TX 78701")]
    assert _groups(records) == [["a"], ["b"]]


def test_same_address_similar_names_but_conflicting_phones_no_merge():
    records = [_rec("a", "Austin Ketamine Clinic", "", "512-555-0101", "100 Congress Ave, Austin, TX 78701"),
               _rec("b", "Austin Ketamine Clinic", "", "512-555-0102", "100 Congress Ave, Austin, TX 78701")]
    assert _groups(records) == [["a"], ["b"]]


def test_different_websites_never_merge_even_with_phone_and_address():
    addr = "75 Federal St, Suite 900, Boston, MA 02110"
    records = [_rec("a", "Bayview Ketamine", "https://bayview.example/", "617-555-0145", addr),
               _rec("b", "Bayview Ketamine", "https://harborview.example/", "617-555-0145", addr)]
    assert _groups(records) == [["a"], ["b"]]


def test_shared_phone_does_not_chain_two_websites():
    """A management company's line listed for two clinics with their own websites: no merge, and a
    website-less listing with that line is not pulled into either."""
    records = [_rec("a", "North Clinic", "https://north.example/", "800-555-0100"),
               _rec("b", "South Clinic", "https://south.example/", "800-555-0100"),
               _rec("c", "Clinic Group", "", "800-555-0100")]
    assert _groups(records) == [["a"], ["b"], ["c"]]


def test_shared_hosting_platforms_do_not_merge():
    records = [_rec("a", "Calm Harbor", "https://www.facebook.com/calmharbor"),
               _rec("b", "Zen Drip", "https://www.facebook.com/zendrip/")]
    assert _groups(records) == [["a"], ["b"]]


def test_name_alone_never_merges():
    records = [_rec("a", "Calm Harbor Ketamine", "", "", "Austin, TX"),
               _rec("b", "Calm Harbor Ketamine", "", "", "Austin, TX")]
    clusters = resolve(records)
    assert len(clusters) == 2
    assert possible_duplicates(clusters) == [(0, 1, 1.0)]  # reported for a human, not merged


def test_multi_location_group_is_one_clinic_with_locations():
    records = [
        _rec("a", "Lakeshore Mind Health", "https://lakeshoremind.com/", "312-555-0127",
             "820 N Clark St, Suite 5B, Chicago, IL 60610"),
        _rec("b", "Lakeshore Mind Health - Evanston", "https://lakeshoremind.com/?location=evanston",
             "847-555-0127", "1603 Orrington Ave, Suite 1200, Evanston, IL 60201"),
        _rec("c", "Lakeshore Mind Health", "https://www.lakeshoremind.com/", "312-555-0127",
             "820 North Clark Street, Ste 5B, Chicago, IL 60610", source="dir-b"),
        _rec("d", "Lakeshore Mind", "https://lakeshoremind.com/", "", "Chicago, IL", source="dir-c"),
    ]
    (cluster,) = resolve(records)
    assert len(cluster.locations) == 2
    by_city = {loc.address["city"]: loc for loc in cluster.locations}
    assert by_city["Chicago"].record_ids == ["a", "c"] and by_city["Chicago"].phone == "+13125550127"
    assert by_city["Evanston"].record_ids == ["b"] and by_city["Evanston"].phone == "+18475550127"
    assert "d" not in cluster.location_of  # no street: no location


def test_listing_without_suite_joins_the_one_location_on_its_street():
    records = [_rec("a", "Zen Drip", "https://zendrip.example/", "", "2203 W Swann Ave, Suite 4, Tampa, FL 33606"),
               _rec("b", "Zen Drip", "https://zendrip.example/", "", "2203 West Swann Avenue, Tampa, FL 33606")]
    (cluster,) = resolve(records)
    assert len(cluster.locations) == 1 and cluster.locations[0].record_ids == ["a", "b"]


def test_resolution_is_order_independent():
    records = [_rec("a", "A", "https://a.example/", "512-555-0101"), _rec("b", "A2", "", "512-555-0101"),
               _rec("c", "C", "https://c.example/"), _rec("d", "C", "https://c.example/x")]
    assert _groups(records) == _groups(list(reversed(records))) == [["a", "b"], ["c", "d"]]


def test_cluster_picks_the_answering_website_and_most_listed_name():
    records = [_rec("a", "Renew Ketamine Clinic", "https://renewketamine.com/", website_ok=True),
               _rec("b", "Renew Ketamine Clinic", "https://www.renewketamine.com/"),
               _rec("c", "Renew", "https://www.renewketamine.com/")]
    (cluster,) = resolve(records)
    assert cluster.website == "https://renewketamine.com/" and cluster.name == "Renew Ketamine Clinic"
