"""Phones (E.164), emails and postal addresses (US; Canada, Australia and the UK) found in page text."""

import re
from functools import lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

import phonenumbers
import yaml

# The lookarounds at the start only say where a match can begin (a token's first character, a
# phone's first sign), which spares the regex engine a failed attempt at every letter of the page.
_PHONE = re.compile(r"(?<![\w.])(?=[+(\d])(?:\+?1[\s.\-]?)?\(?[2-9]\d{2}\)?[\s.\-]?\d{3}[\s.\-]?\d{4}(?![\w])")
# A number labelled as a fax ("Fax: …", "F: …", "Fax (records & referrals) …") is not the clinic's
# phone, nor one a form is faxed to in running text ("fax the questionnaire to us at 844-…").
_FAX_LABEL = re.compile(r"(?:\bfax\b|\bf\b|\bfacsimile\b)\s*(?:\([^()]{0,40}\)\s*)?(?:number|no\.?|#)?\s*[:.\-]?\s*$", re.I)
_FAX_TO = re.compile(r"\bfax(?:ed|ing)?\b[^.\n]{0,40}\b(?:to|at)\s+(?:us\s+)?(?:at\s+)?$", re.I)
# Crisis lines and stock-photo IDs are not the clinic's phone (crawler/extract/phones.yml).
_PHONES = yaml.safe_load((files("crawler.extract") / "phones.yml").read_text(encoding="utf-8"))
NOT_CLINIC_NUMBERS = frozenset(_PHONES["not_clinic_numbers"])
_NOT_CLINIC_CONTEXT = re.compile(r"\b(?:%s)\b" % "|".join(map(re.escape, _PHONES["not_clinic_context"])), re.I)
REGION_BY_TLD = {k.lower(): v for k, v in _PHONES["region_by_tld"].items()}
_NANP = ("US", "CA")
_INTERNATIONAL = re.compile(r"\+\s?[2-9]")  # a country code other than North America's +1
_BARE_LABEL = re.compile(r"\b(?:%s)\b\W{0,4}$" % "|".join(map(re.escape, _PHONES["bare_number_labels"])), re.I)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Written to dodge harvesters: "info [at] calmclinic [dot] com", "info(at)calmclinic.com".
_AT, _DOT = r"\s*[\[({<]\s*at\s*[\])}>]\s*", r"\s*[\[({<]\s*dot\s*[\])}>]\s*"
_OBFUSCATED = re.compile(rf"(?<![\w.%+\-])([\w.%+\-]+){_AT}([A-Za-z0-9\-]+(?:(?:{_DOT}|\.)[A-Za-z0-9\-]+)*(?:{_DOT}|\.)[A-Za-z]{{2,}})\b", re.I)
_AT_HINT = re.compile(r"[\[({<]\s*at\s*[\])}>]", re.I)
_EMAIL_JUNK = re.compile(r"\.(png|jpe?g|gif|svg|webp)$|@(sentry|wixpress|example\.com$)", re.I)

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "PR": "Puerto Rico", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming",
}
_STATE_BY_NAME = {v.lower(): k for k, v in STATES.items()}
_STATE_ALT = "|".join(sorted(STATES) + sorted((re.escape(v) for v in STATES.values()), key=len, reverse=True))
# Any case: "13801 BRUCE B DOWNS BLVD STE 203" is how many footers write it.
_STREET_WORDS = (
    r"(?i:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Parkway|Pkwy|Court|Ct|"
    r"Place|Pl|Highway|Hwy|Circle|Cir|Trail|Trl|Terrace|Ter|Plaza|Square|Sq|Loop|Pike|Row|Alley|"
    r"Freeway|Fwy|Expressway|Expy|Turnpike|Tpke|Crossing|Xing|Ridge|Run|Path|Walk|Bend|Crescent|Center|Ctr|"
    r"Parade|Pde|Esplanade|Close|Grove|Mews|Gardens|Quay|Wharf)"
)
# Numbered roads name no street word after the name: "301 Route 17 North", "12 US-1 S", "880 State Hwy 121".
_NUMBERED_ROAD = r"(?:(?:State|County|US|U\.S\.|Farm to Market)\s+)?(?:Route|Rte\.?|Highway|Hwy\.?|Road|Rd\.?|SR|CR|FM|US)[\s\-]*\d{1,4}[A-Z]?(?:/\d{1,4})?(?:\s+(?:North|South|East|West|[NSEW]{1,2})\b\.?)?"
# "1200 Harbor Blvd, Suite 210, Austin, TX 78701" with parts on separate lines or not. It starts
# with a digit: the lookahead tries the rest only there.
_STREET = (
    # The number may be an Illinois grid number ("1S443 Summit Ave"); Broadway needs no street word.
    rf"(?=\d)(?P<street>\b(?:\d{{1,6}}|\d{{1,2}}[NSEW]\d{{2,4}})(?:(?:\s+[NSEW]\.?)?(?:\s+[A-Z0-9][\w.'\-]*){{1,5}}\s+(?:{_STREET_WORDS})\b\.?(?:\s+[NSEW]{{1,2}}\b\.?)?|\s+{_NUMBERED_ROAD}|(?:\s+(?:[NS][EW]?|[EW])\.?)?\s+Broadway\b)"
    rf"(?:,?\s+(?i:Suite|Ste\.?|Unit|Building|Bldg\.?|Floor|Fl\.?|Level|#)\s*[\w\-]+)?)"
    rf"[,\s\u00b7\u2022|\-]+(?P<city>[A-Z][A-Za-z.'\-]*(?:\s+[A-Z][A-Za-z.'\-]*){{0,3}}),?\s+"
)
_ADDRESS = re.compile(rf"{_STREET}(?P<state>{_STATE_ALT})\.?,?\s+(?P<postcode>\d{{5}})(?:-\d{{4}})?\b")

# Elsewhere: the region (crawler/extract/regions.yml) and the postcode's shape say the country.
_REGIONS = yaml.safe_load((files("crawler.extract") / "regions.yml").read_text(encoding="utf-8"))
_COUNTRY_BY_NAME = {name.lower(): code for code, names in _REGIONS["countries"].items() for name in names}


def region_codes(country: str) -> frozenset[str]:
    """The codes of a country's regions as postal addresses write them ("BC", "MB" for "CA")."""
    return frozenset(_REGIONS["regions"][country])


def _region_alt(country: str) -> str:
    regions = _REGIONS["regions"][country]
    return "|".join(sorted(regions) + sorted((re.escape(v) for v in regions.values()), key=len, reverse=True))


_POSTCODES = {"CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d", "AU": r"\d{4}", "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"}
_ABROAD = [(country, re.compile(rf"{_STREET}(?P<state>{_region_alt(country)})\.?,?\s+(?P<postcode>{_POSTCODES[country]})\b"))
           for country in ("CA", "AU")] + [("GB", re.compile(rf"{_STREET}(?P<postcode>{_POSTCODES['GB']})\b"))]
# One cheap pass that any of those postcodes would pass ("M5R 2A5", "W1G 9PG", "VIC 3000": Australian
# addresses write the state's code): most pages have none, and each pattern costs as much as the US one.
_ABROAD_POSTCODE = re.compile(r"[A-Z](?:\d(?:[A-Z] ?\d[A-Z]\d|[A-Z\d]? ?\d[A-Z]{2})|[A-Z]{1,2},? \d{4}\b)")


@lru_cache(maxsize=4096)
def to_e164(raw: str, region: str = "US") -> str:
    """A phone number in E.164, or "" when it is not a valid number. Remembered: a site's header
    and footer repeat its numbers on every page, and libphonenumber's parse is the dearest step of
    reading a page's contacts."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_for(url: str, address: dict | None = None) -> str:
    """The dialling region of a site's numbers, from its host's last label ("calmclinic.co.uk":
    the UK), else from the country of its address (a .com site in Brisbane dials as Australia:
    "(07) 5550 0147" is no US number); US unless either says otherwise. Canada dials as the US."""
    host = urlsplit(url or "").hostname or ""
    region = REGION_BY_TLD.get(host.rsplit(".", 1)[-1], "US")
    if region != "US" or not address:
        return region
    state = address.get("state", "")
    country = (address.get("country") or (state.split("-")[0] if "-" in state else state)).strip()
    code = _COUNTRY_BY_NAME.get(country.lower(), country.upper())
    return code if code in set(REGION_BY_TLD.values()) - {"US", "CA"} else "US"


def find_phones(text: str, region: str = "US") -> list[str]:
    """The clinic's phone numbers in page text, in E.164: not a fax, not a crisis line, and a bare
    run of digits only where a label says it is a phone. North American numbers are found by
    shape; other regions' numbers, and numbers written with another country code, by libphonenumber."""
    out = []
    for start, raw in _candidates(text, region):
        before = text[max(0, start - 60):start]
        clause = re.split(r"[.!?]\s", before)[-1]
        if _FAX_LABEL.search(before) or _FAX_TO.search(before) or _NOT_CLINIC_CONTEXT.search(clause):
            continue
        if raw.isdigit() and not _BARE_LABEL.search(before[-20:]):
            continue
        e164 = to_e164(raw, region)
        if e164 and e164 not in out and e164 not in NOT_CLINIC_NUMBERS:
            out.append(e164)
    return out


def _candidates(text: str, region: str) -> list[tuple[int, str]]:
    """(position, raw number) in the text, in reading order."""
    if region not in _NANP:
        return [(m.start, m.raw_string) for m in phonenumbers.PhoneNumberMatcher(text, region)]
    found = [(m.start(), m.group(0)) for m in _PHONE.finditer(text)]
    if _INTERNATIONAL.search(text):
        found += [(m.start, m.raw_string) for m in phonenumbers.PhoneNumberMatcher(text, region)
                  if m.raw_string.startswith("+") and m.number.country_code != 1]
        found.sort()
    return found


def find_emails(text: str) -> list[str]:
    out = []
    found = [m.group(0) for m in _EMAIL.finditer(text)]
    if _AT_HINT.search(text):
        found += [f"{m.group(1)}@{re.sub(_DOT, '.', m.group(2), flags=re.I)}" for m in _OBFUSCATED.finditer(text)]
    for email in found:
        email = email.rstrip(".").lower()
        if not _EMAIL_JUNK.search(email) and email not in out:
            out.append(email)
    return out


_UNIT = re.compile(r"\b(?i:Suite|Ste\.?|Unit|Building|Bldg\.?|Floor|Fl\.?|Level)\s*[\w\-]+|#\s*\w+")
_UNIT_BEFORE = re.compile(r"(?:^|[,\n\u00b7|]\s*)((?i:Suite|Ste\.?|Unit)\s*[\w\-]+|(?i:\d{1,2}(?:st|nd|rd|th)\s+Floor|(?:Floor|Level)\s+\d{1,2}))\s*,?\s*$")


def find_address(text: str) -> dict:
    """The first US street address in the text, else the first Canadian, Australian or British
    one, as street/city/state/postcode (`state` as normalize_state writes it)."""
    text = text.replace("\n", ", ")
    m, country = _ADDRESS.search(text), "US"
    if not m and _ABROAD_POSTCODE.search(text):
        m, country = next(((hit, abroad) for abroad, pattern in _ABROAD if (hit := pattern.search(text))), (None, ""))
    if not m:
        return {}
    street = m.group("street").strip(" ,")
    if (unit := _UNIT_BEFORE.search(text[max(0, m.start() - 30):m.start()])) and not _UNIT.search(street):
        street = f"{street}, {unit.group(1)}"  # "Suite 105, 7014 E Camelback Rd" puts the suite first
    return {
        "street": street,
        "city": m.group("city").strip(),
        "state": normalize_state(m.groupdict().get("state") or "", country),
        "postcode": m.group("postcode"),
    }


_ISO_REGION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")


def _region_index() -> dict[str, list[str]]:
    """Every region abroad by code and name: "ontario" and "on" -> ["CA-ON"]; "nt" -> two countries."""
    index: dict[str, list[str]] = {}
    for country, regions in _REGIONS["regions"].items():
        for code, name in regions.items():
            for key in (code.lower(), name.lower()):
                index.setdefault(key, []).append(f"{country}-{code}")
    return index


_REGION_ANYWHERE = _region_index()


def normalize_state(value: str, country: str = "") -> str:
    """A US state's two-letter code ("Texas" -> "TX"); elsewhere "CA-ON", "AU-VIC", or the country
    code alone ("GB") where the region is not one regions.yml lists. `country` is a code or a name;
    none means the US."""
    value = (value or "").strip().rstrip(".")
    code = _COUNTRY_BY_NAME.get((country or "us").strip().lower(), (country or "").strip().upper()[:2] or "US")
    if _ISO_REGION.match(value):
        return value
    abroad = _REGION_ANYWHERE.get(value.lower(), [])
    if code == "US":
        if us := value.upper() if value.upper() in STATES else _STATE_BY_NAME.get(value.lower()):
            return us
        # No country said, and no US state: a region only one other country has ("Ontario", "QLD").
        return abroad[0] if len(abroad) == 1 and not country else value
    return next((region for region in abroad if region.startswith(code + "-")), code)
