"""Staff named on a clinic's pages: name, credentials, role.

Clinic team pages write people in a few shapes, which this reads line by line:
    "Jane Roe, DNP, PMHNP-BC" + next line "Psychiatric Nurse Practitioner"
    "Sam Lee MD FASA — Medical Director"
    "Medical Director: Priya Natarajan, MD"          (often in a footer)
    "Dr. Ana Ruiz" + next line "Board-Certified Anesthesiologist"
    "Dr. Tom Hart is a board-certified psychiatrist with ..."  (the first line of a bio)
    "Jane Roe" + next line "DNP, PMHNP-BC" (+ a role)  (a team card: name and credentials apart)
    "Our medical director, Dr. Maria Lopez, is ..." / "Kim Tran, our infusion nurse, ..."  (prose)
"""

import re
from dataclasses import dataclass
from importlib.resources import files

import yaml

from crawler.extract.contacts import region_codes

# importlib.resources, not a path beside __file__: scrapyd imports the project from a zipped egg.
WORDS = yaml.safe_load((files("crawler.extract") / "staff.yml").read_text(encoding="utf-8"))


def _words(key: str) -> str:
    """One of staff.yml's word lists as a regex alternation, longest first."""
    return "|".join(map(re.escape, sorted(WORDS[key], key=len, reverse=True)))


CREDENTIALS = tuple(WORDS["credentials"])
_ONE_CRED = "|".join(re.escape(c) for c in sorted(CREDENTIALS, key=len, reverse=True))
# Credentials joined by hyphens are one ("APRN-CNP", "APRN-FNP"), as states and boards write them,
# and so is a licence's level ("CADC-II").
_CRED = rf"(?:{_ONE_CRED})(?:-(?:{_ONE_CRED}))*(?:-(?:I{{1,3}}|IV)|\s(?:II|III|IV)(?![\w-]))?"  # "LCDC-I", "CAC II"
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # capitals of Latin-1 too: "\u00c1lvaro", "\u00d3scar"
# A capitalised word that is not a credential: letters of any script, apostrophes, hyphens.
_WORD = rf"(?!(?:{_CRED})(?![\w-]))[{_UPPER}](?:[^\W\d_]|['\u2019\-])+"
_PARTICLE = rf"(?:{_words('name_particles')})"  # "Maria de la Cruz", "Kevin van Dyke"
# First name, an optional nickname ("Robert (Bob) Miller") or initial, then one or two more names.
_NAME_WORDS = (rf"(?:Dr\.?\s+)?{_WORD}(?:\s+[(\"\u201c][{_UPPER}][a-z]+[)\"\u201d])?(?:\s+[{_UPPER}]\.)?"
               rf"(?:(?:\s+{_PARTICLE}){{0,2}}\s+{_WORD})")
_NAME = rf"{_NAME_WORDS}{{1,2}}"
_PERSON = re.compile(
    rf"(?P<name>{_NAME})(?P<creds>(?:(?:,\s*|\s+)\(?(?:{_CRED})\)?(?![\w-]))+)"  # "Name,MD" too
    rf"(?:\s*[,\-\u2013\u2014|:]?\s*(?:(?:is|serves as|works as)\s+)?(?:an?\s+|our\s+|the\s+)?(?P<role>[^.;\n]{{3,80}}))?"
)
_DR = re.compile(rf"^(?P<name>Dr\.?\s+{_WORD}(?:\s+[{_UPPER}]\.)?(?:\s+{_WORD}){{0,2}})\s*$")
# A bio that opens with the person: "Dr. Tom Hart is a board-certified psychiatrist with ...".
_BIO_VERBS = r"(?:is|serves as|works as|has been)"
_BIO_TAIL = rf",?\s+{_BIO_VERBS}\s+(?:an?|our|the)\s+(?P<role>[^.;:\n]{{3,90}})"
_DR_BIO = re.compile(rf"^(?P<name>Dr\.?\s+{_WORD}(?:\s+[{_UPPER}]\.)?(?:\s+{_WORD}){{1,2}}){_BIO_TAIL}")
# ...or with no title, where the role is a clinician's (set SA: "Marla Peterson is a Certified
# Registered Nurse Anesthetist."); other roles in such a sentence are too often no job ("a mother of two").
_BIO = re.compile(rf"^(?P<name>{_WORD}(?:\s+[{_UPPER}]\.)?(?:\s+{_WORD}){{1,2}}){_BIO_TAIL}")
_BIO_VERB = re.compile(rf" {_BIO_VERBS} ")  # the cheap test before _BIO
_A_BUSINESS = re.compile(rf"\b(?:{_words('business_words')})\b", re.I)  # "… is a locally owned clinic run by …"
_CLINICIAN = re.compile(rf"\b(?:{_words('clinician_roles')})\b", re.I)
# A degree's qualifier in brackets: "BPsych (Hons), DPsych (Clinical)", "MBACP (Accred)", "NP (Mental Health)".
_QUALIFIER = r"\s*\((?:Hons|Hon|Clinical|Accred|Dist|Distinction|Mental Health)\)"
_QUAL = rf"(?:{_QUALIFIER})?"
_QUALIFIER_RX = re.compile(_QUALIFIER)
# Between credentials, not before a licence's level: "LPC CAC II" is "LPC" and "CAC II".
_CRED_SPLIT = re.compile(r"[,\s]+(?!(?:II|III|IV)(?![\w-]))")
_CREDS_FIRST = re.compile(rf"^(?P<creds>\(?(?:{_CRED})\)?{_QUAL}(?:[,\s]+\(?(?:{_CRED})\)?(?![\w-]){_QUAL})*)(?![\w-])\s*[,\-\u2013\u2014|:]?\s*(?P<role>.*)$")
# A name alone on its line (a card's heading) may have a fourth word: "Dr. Gerald Lim Wei Jie".
_NAME_LINE = re.compile(rf"^{_NAME_WORDS}{{1,3}}$")
# A small practice's card with a first name only (round 50: "Jenna, RN — Lead Infusion Nurse").
_FIRST_NAME_CARD = re.compile(rf"^(?P<name>[{_UPPER}][a-z]+),\s*(?P<creds>(?:{_CRED})(?:,\s*(?:{_CRED}))*)(?![\w-])"
                              rf"(?:\s*[\u2013\u2014|-]\s*(?P<role>.*)|\s+(?P<title>[{_UPPER}][^.]{{2,60}}))?$")
# A courtesy title before a card's name is not part of it: "Ms. Siti Rahmah binte Osman" / "RN".
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Mx|Miss|Sr|Sister)\.?\s+(?=[A-Z])")  # "Sr" a nursing sister (UK, South Africa)
_CREDS_LAST = re.compile(rf"\s*[|\u00b7\u2022,]\s*(?P<creds>(?:{_CRED})(?:[,\s]+(?:{_CRED}))*)\s*$")
# Headings that look like names ("Our Services", "Ketamine Therapy") above a stray credential.
_NOT_NAME = re.compile(rf"\b(?:{_words('not_name_words')})\b", re.I)
_ROLE_FIRST = re.compile(rf"(?P<role>{_words('roles_before_name')})\s*:\s*(?P<rest>.+)")
ROLE_WORDS = re.compile(rf"\b(?:{_words('role_words')})\b", re.I)
# Cheap test first: a line can only name staff if it has a credential or a "Dr" in it. Every
# credential begins with a capital: the lookahead spares the alternation at every other character.
_HINT = re.compile(rf"(?=[A-Z])(?<![\w-])(?:{_CRED}|Dr)(?![\w-])")
_PRONOUNS = re.compile(r"^\((?:he|she|they|ze|xe)/[a-z/]+\)", re.I)  # "(he/him/his), executive director"
_NEXT_PERSON = re.compile(r"(?:and|&)\s+[A-Z][a-z]+\s+[A-Z]")
_BYLINE = re.compile(r"^(?:(?:Written|Posted|Authored|Reviewed|Medically reviewed)\s+)?[Bb]y\s+")
_ADDRESS_HINT = re.compile(r"\b\d{5}\b|\b(?:Street|St|Ave|Avenue|Suite|Blvd|Road|Rd)\b\.?")


_LEAD_IN = re.compile(rf"^(?:(?:{_words('lead_ins')})\b[\s,]*)+", re.I)
_BUSINESS = re.compile(rf"^\s*,?\s*(?:{_words('business_suffixes')})(?!\w)")
# Nothing but a legal form (", PLLC", " Inc."): a clinic's name with it is the same clinic's name.
LEGAL_FORM = re.compile(rf"^[\s,]*(?:(?:{_words('business_suffixes')})(?!\w)[\s,]*)+$")
# The same at the end of a name: "Bluebonnet Psychiatry & Wellness, PLLC".
LEGAL_TAIL = re.compile(rf"(?:[\s,]+(?:{_words('business_suffixes')})(?!\w))+[\s,]*$")
_CITED_BEFORE = re.compile(rf"\b(?:{_words('cited_before')})\b", re.I)
_OWN_BEFORE = re.compile(rf"\b(?:{_words('own_before')})\b", re.I)
_OUTSIDE_BEFORE = re.compile(rf"\b(?:{_words('outside_before')})\b", re.I)
_CITED_AFTER = re.compile(rf"^[\s,()]*(?:(?:at|of|from|the|a|an|and)\s+)*(?:\S+\s+){{0,2}}?(?:{_words('cited_after')})\b", re.I)
# A quotation's attribution: '"…no exception." -Stanislav Grof, MD' quotes someone, it does not list staff.
_ATTRIBUTION = re.compile(r"[\"\u201c\u201d\u2019]\s*[-\u2013\u2014~]{1,2}\s*$")
_DASHES = " -\u2013\u2014~"
_INITIAL = re.compile(r"\s+[A-Z]\.(?=\s)")
_DR_TITLE = re.compile(r"^Dr\.?\s+")
# Who signs a testimonial ("Small business owner", "Patient since 2021"): not a role on the staff.
_NOT_STAFF_ROLE = re.compile(rf"\b(?:{_words('not_staff_roles')})\b", re.I)
_QUOTE_ENDS = ('"', "\u201d", "\u2019", "'")
# A person named in prose beside "our" and a role, as an "about" page writes them: "Our medical
# director, Dr. Maria Lopez, is ..." or "Kim Tran, our infusion nurse, ...". The name must end the
# phrase (punctuation or a lowercase word next), so a title-case heading's words are not a name.
_ROLE_PHRASE = rf"(?i:(?:[\w-]+\s+){{0,3}}(?:{_words('role_words')}))(?![\w-])"
_OUR_ROLE_NAME = re.compile(rf"\b[Oo]ur\s+(?P<role>{_ROLE_PHRASE}),?\s+(?P<name>{_NAME})(?=\s*[,.;:)]|\s+[a-z]|\s*$)")
_OUR_ROLE = re.compile(rf"(?:,|\s+is)\s+our\s+(?P<role>{_ROLE_PHRASE})")  # ", our nurse", "is our nurse"
_NAME_BEFORE = re.compile(rf"(?<![\w.])(?P<name>{_NAME})\Z")  # the name just before ", our <role>"
_LOWER_WORD = re.compile(r"(?<![\w-])[a-z][a-z-]+\b")
# "Dr. Name" in a sentence ("Meet with Dr. Ben either virtually or in the office", "A psychiatric MD
# (Dr. Dull) is present on site"): small practices name their doctor so and nowhere else (sets SA, SB).
_DR_PROSE = re.compile(rf"(?<![\w.])Dr\.?\s+(?P<name>{_WORD}(?:\s+[{_UPPER}]\.)?(?:\s+{_WORD}){{0,2}})(?![\w-])")
_TITLE_ONLY_BEFORE = re.compile(rf"\b(?:{_words('title_only_before')})\b", re.I)
_TITLE_ONLY_AFTER = re.compile(rf"^\W*(?:as\s+)?(?:{_words('title_only_after')})\b"
                               rf"|^,\s+an?\s+(?:[\w-]+\s+){{0,4}}?(?:in|at|of|from)\s+(?-i:[{_UPPER}])", re.I)
_DR_WORK = re.compile(r"^['\u2019]s\s+(?:[\w-]+\s+)?(?:study|studies|research|lab|laboratory|paper|book|trial|findings"
                      r"|work)\b", re.I)  # "Dr. Krystal's study": a researcher's
# A card's name and role on one line: "Kelsey Tran — Patient Coordinator", "Sherry Lund, Office Manager".
_CARD_SHAPE = re.compile(rf"[{_UPPER}][^\s,|\u2013\u2014]*(?:\s+[^\s,|\u2013\u2014]+){{1,4}}(?:\s+[\u2013\u2014|]|,)\s")
_NAME_ROLE_LINE = re.compile(rf"^(?P<name>{_NAME_WORDS})(?:\s+[\u2013\u2014|]|,)\s+(?P<role>[^.!?]{{3,60}})$")
# A town and a state's code, as addresses and lists of places write them: "Rockville, MD", "King of
# Prussia, PA". The codes that are also credentials ("MD", "PA") make a town read as a person.
_STATE_CREDS = frozenset(WORDS["state_codes"]) & frozenset(CREDENTIALS)
_PROVINCES = region_codes("CA")  # "Winnipeg, MB": a Canadian place, whatever MB also is
_TOWN_STATE = (rf"(?P<town>[{_UPPER}][\w.'\u2019-]*(?:\s+(?:of|de|la|du|[{_UPPER}][\w.'\u2019-]*)){{0,3}}),\s*"
               rf"(?P<state>{'|'.join(map(re.escape, WORDS['state_codes']))})(?![\w-])")
_SEP = r"\s*(?:[,/|\u00b7\u2022&\u2013-]|\band\b|\bor\b)\s*(?:and\s+)?"
_NEXT_TOWN = re.compile(rf"^{_SEP}{_TOWN_STATE}")
_PREV_TOWN = re.compile(rf"{_TOWN_STATE}{_SEP}\Z")
_TOWN_LINE = re.compile(rf"^{_TOWN_STATE}\s*$")
_PLACE_BEFORE = re.compile(rf"\b(?:{_words('place_before')})\s*\Z", re.I)
_PLACE_WORDS = frozenset(w.lower() for w in WORDS["place_before"])  # "Serving Camp Hill, PA": a name's first word
_PLACE_AFTER = re.compile(rf"^\s*(?:{_words('place_after')})\b", re.I)


@dataclass(frozen=True)
class StaffMember:
    name: str
    credentials: str
    role: str


def staff_key(name: str) -> str:
    """One person however a page writes them: "Dr. Stephen P. Gibert" and "Stephen Gibert" alike."""
    return _INITIAL.sub("", _DR_TITLE.sub("", name)).replace("\u2019", "'").lower()


def plain_name(name: str, credentials: str) -> tuple[str, str]:
    """A name without the "Dr." before it, which goes to the credentials only where the page
    writes no degree: ("Dr. Leonard Frye", "Ph.D.") -> ("Leonard Frye", "Ph.D."), ("Dr. Ana Ruiz", "")
    -> ("Ana Ruiz", "Dr."). Researchers match and count people by name."""
    bare = _DR_TITLE.sub("", name)
    return bare, credentials or ("Dr." if bare != name else "")


def credential_weight(credentials: str) -> int:
    """How much a credentials string says: any degree more than the bare title "Dr.", more degrees more."""
    return 1 if credentials == "Dr." else len(credentials) + 1 if credentials else 0


def better(old: dict | None, new: dict) -> bool:
    """Whether `new` says more of one person than `old`: a role where there was none, or more credentials."""
    return (old is None or (not old["role"] and bool(new["role"]))
            or credential_weight(new["credentials"]) > credential_weight(old["credentials"]))


def combined(old: dict, new: dict) -> dict:
    """One person named twice (two sources, or a line and a sentence): the first name as written,
    the fuller credentials, and the first role given."""
    return {"name": old["name"], "credentials": max(old["credentials"], new["credentials"], key=credential_weight),
            "role": old["role"] or new["role"]}


def add_staff(found: dict[str, dict], members: list[dict], page_url: str, own: set[str] | None = None) -> None:
    """Add one page's staff to a clinic's (by staff_key), keeping for each person the page that
    says most of them, with its URL; `own`, given for a page in the seed's own section, collects
    their keys (own_staff)."""
    for member in members:
        if better(found.get(key := staff_key(member["name"])), member):
            found[key] = {**member, "page_url": page_url}
        if own is not None:
            own.add(key)


def own_staff(found: dict[str, dict], own: set[str]) -> list[dict]:
    """A clinic's staff (add_staff's) when its seed is one section of a larger site: those its own
    section's pages name (`own`, by staff_key), if they name any. A chain's team page lists every
    location's people; seeded at its Austin page, the clinic is Austin's."""
    people = [m for k, m in found.items() if k in own] if own else list(found.values())
    return [m for m in people if not _named_fuller(m, people)]


def _named_fuller(member: dict, people: list[dict]) -> bool:
    """Whether someone a page names without a degree is someone named more fully on the site: "Dr.
    Roe", "Dr. Ferrer", "Dr. Gerald Lim", "Dr. Will Prescott", a bio's "Carol Ann is a … nurse
    practitioner" beside "Jane Roe, MD", "Luis Ferrer Quintana, MD", "Gerald Lim Wei Jie, MBBS",
    "William Prescott, DO", "Carol Ann Dupree, MSN, PMHNP-BC". One person, one row."""
    words = staff_key(member["name"]).split()
    if member["credentials"] not in ("", "Dr.") and len(words) > 1:
        return False  # a degree of its own: a card, whoever else the site names
    for person in people:
        other = staff_key(person["name"]).split()
        if len(" ".join(other)) <= len(" ".join(words)) or _caps_word(person["name"]):
            continue  # not a fuller name ("Ruth Okafor MIACP" is a credential misread as a name)
        if set(words) < set(other) or (len(words) == len(other) == 2 and words[1] == other[1]
                                       and other[0].startswith(words[0][:3])):
            return True
    return False


_EMPTY_CELLS = {"-", "\u2013", "\u2014", "--", "n/a", "N/A"}


def find_staff(text: str) -> list[StaffMember]:
    # A table's empty cell ("Nora Beckett" / "\u2014" / "Practice Manager", round 47) is no line.
    lines = [_HONORIFIC.sub("", line) for line in map(str.strip, (text or "").split("\n")) if line not in _EMPTY_CELLS]
    found: dict[str, StaffMember] = {}
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = lines[i - 1] if i else ""
        if "Dr" in line:
            for member in _dr_in_prose(line, prev):
                found.setdefault(staff_key(member.name), member)
        for member in _in_prose(line) if "our " in line.lower() else ():
            old = found.get(key := staff_key(member.name))  # a name with credentials elsewhere keeps them
            found[key] = member if old is None else StaffMember(**combined(vars(old), vars(member)))
        if _BIO_VERB.search(line, 0, 60) and (member := _bio(line)):
            found.setdefault(staff_key(member.name), member)
        if not _HINT.search(line):
            if ((len(line) <= 40 and (member := _card(line, nxt, prev)))
                    or (len(line) <= 80 and (member := _one_line_card(line)))):
                found.setdefault(staff_key(member.name), member)
            continue
        if line[:1].isupper() and (member := _first_name_card(line, nxt)):
            found.setdefault(staff_key(member.name), member)
            continue
        role_first = ""
        if m := _ROLE_FIRST.match(line):
            role_first, line = m.group("role"), m.group("rest")
        prev2 = lines[i - 2] if i > 1 else ""
        for member in _people(line, role_first, nxt, prev, prev2):
            key = staff_key(member.name)
            if better(vars(found[key]) if key in found else None, vars(member)):
                found[key] = member
    people = [vars(m) for m in found.values()]
    return [StaffMember(*plain_name(m.name, m.credentials), m.role) for m in found.values()
            if not _named_fuller(vars(m), people)]


def _card(line: str, nxt: str, prev: str) -> StaffMember | None:
    """A team card with no credential: a name alone on its line and a role alone on the next
    ("Tom Becker" / "Patient Care Coordinator"), or opening the bio under it ("Clinic Manager. Shelby
    makes sure …", round 47). Not a testimonial's signature ("Mark Davis" / "Small business owner"
    under a quotation)."""
    if ". " in nxt[:60] and len(head := nxt.split(". ", 1)[0].split()) <= 4:
        nxt = " ".join(head)
    if (not 0 < line.count(" ") < 4 or len(nxt) > 60 or not ROLE_WORDS.search(nxt)
            or not _NAME_LINE.match(line) or _NOT_NAME.search(line) or ROLE_WORDS.search(line)):
        return None  # the cheap tests first: most lines are not short, and most next lines name no role
    role = _role_line(nxt)
    if not role or len(role.split()) > 6 or _NOT_STAFF_ROLE.search(role) or prev.rstrip().endswith(_QUOTE_ENDS):
        return None
    name, title = _name(line)
    return StaffMember(name, "", role) if name and not title else None


def _bio(line: str) -> StaffMember | None:
    """A bio's first sentence naming a clinician with no title: "Marla Peterson is a Certified
    Registered Nurse Anesthetist." """
    if (not (m := _BIO.match(line)) or _NOT_NAME.search(m.group("name")) or ROLE_WORDS.search(m.group("name"))
            or _caps_word(m.group("name"))):  # "Ruth Okafor MIACP is …": a credential in the name
        return None
    role = _role_upto(m.group("role"))
    if (not role or not _CLINICIAN.search(role) or _NOT_STAFF_ROLE.search(role)
            or m.group("role")[len(role):len(role) + 1] == "-"  # "is a physician-owned practice": no person
            or _A_BUSINESS.search(role)):  # "is a locally owned clinic run by a nurse anesthetist"
        return None
    name, title = _name(m.group("name"))
    return StaffMember(name, "", role) if name and not title else None


def _caps_word(name: str) -> bool:
    """Whether a name holds a word in capitals, a credential the list does not know ("MIACP")."""
    return any(w.isalpha() and w.isupper() and len(w) > 1 for w in name.split())


def _first_name_card(line: str, nxt: str) -> StaffMember | None:
    """A card that gives a first name and credentials ("Amy, LPN"), not a town before its state
    ("Towson, MD") nor a heading's word ("Nurse, RN")."""
    if (not (m := _FIRST_NAME_CARD.match(line)) or _NOT_NAME.search(m.group("name"))
            or ROLE_WORDS.fullmatch(m.group("name"))):
        return None
    # Its role after a dash, or run on from the credentials ("Brittany, RN Infusion Nurse"); a bio's
    # sentence after the dash is no role ("Amy, LPN — Amy is the friendly face who …").
    creds, role = _creds(m.group("creds")), _role(m.group("role") or m.group("title") or "")
    if (creds in _STATE_CREDS or creds in _PROVINCES or m.group("title")) and not role:
        return None  # a place ("Towson, MD", "Vancouver, BC V6B 2W9"), unless its own line gives a job
    return StaffMember(m.group("name"), creds, role or _role_line(nxt))


def _one_line_card(line: str) -> StaffMember | None:
    """A card's one line with no credential: a name, a dash, bar or comma, a role ("Kelsey Tran —
    Patient Coordinator", "Sherry Lund, Office Manager"). Not a heading whose first words are no name."""
    if not _CARD_SHAPE.match(line):
        return None  # the cheap test first: most lines are no card
    if not (m := _NAME_ROLE_LINE.match(line)) or _NOT_NAME.search(m.group("name")) or ROLE_WORDS.search(m.group("name")):
        return None
    role = _role(m.group("role"))
    if not role or _NOT_STAFF_ROLE.search(role):
        return None
    name, title = _name(m.group("name"))
    return StaffMember(name, "", role) if name and not title else None


def _people(line: str, role_first: str, nxt: str, prev: str = "", prev2: str = ""):
    if not role_first and (m := _CREDS_FIRST.match(line)):
        creds = _creds(m.group("creds"))
        if _NAME_LINE.match(prev) and not _NOT_NAME.search(prev) and not ROLE_WORDS.search(prev):
            if (name := _name(prev)[0]):
                yield StaffMember(name, creds, _role(m.group("role")) or _role_line(nxt))
            return
        # A card that writes the role between the name and the credentials: "Dr. Rosa Delgado /
        # Physical Therapist / PT, DPT".
        if (role := _role_line(prev)) and ROLE_WORDS.search(prev) and (dr := _DR.match(prev2)) and not _role_line(nxt):
            yield StaffMember(_tidy(dr.group("name")), creds, role)
            return
    pos, given = 0, role_first  # a role written before a name is that person's alone
    while m := _PERSON.search(line, pos):
        pos = m.end("creds")  # the role may run into the next person: read on from the credentials
        before, after = line[:m.start()], line[m.end("creds"):]
        role_text, carry = _split_role(m.group("role") or "")
        name, title = _name(m.group("name"))
        # Not "Baltimore, MD 21201", "Reset Restore MD, S.C." or "According to Ann Lee, MD".
        creds = _creds(m.group("creds"))
        if name and not (_attributed(before, prev) or _ADDRESS_HINT.search(after[:8]) or _BUSINESS.match(after)
                         or _cited(before, after) or _a_place(m.group("name"), creds, before, after, prev, nxt)):
            role = given or _role_before(before) or _role(role_text) or title or _role_line(nxt)
            yield StaffMember(name, creds, role)
        given = carry
    if not role_first and (m := _DR.match(line)) and (role := _role_line(nxt)):
        creds = ""
        if c := _CREDS_LAST.search(role):  # "Founder & Clinical Director | DC"
            role, creds = role[:c.start()], _creds(c.group("creds"))
        yield StaffMember(_tidy(m.group("name")), creds, role)
    elif not role_first and (m := _DR_BIO.match(line)) and (role := _role_upto(m.group("role"))):
        yield StaffMember(_tidy(m.group("name")), "", role)


def _in_prose(line: str):
    """People a sentence names beside "our" and their role. Not in a title-case heading ("Our Nurse
    Practitioner Will Guide You"), which has few lowercase words, nor a person the sentence cites."""
    if len(_LOWER_WORD.findall(line)) < 4:
        return
    for m in _OUR_ROLE_NAME.finditer(line):
        yield from _prose_member(line, m.group("name"), m.group("role"), m.start(), m.end())
    for m in _OUR_ROLE.finditer(line):  # "Kim Tran, our infusion nurse": find the role, then the name before it
        if n := _NAME_BEFORE.search(line, max(0, m.start() - 60), m.start()):
            yield from _prose_member(line, n.group("name"), m.group("role"), n.start(), m.end())


def _dr_in_prose(line: str, prev: str):
    """Doctors a sentence names with the title alone ("Dr. Smith prefers the nasal spray"), not one
    it cites ("Dr. Krystal's study at Yale", "according to Dr. Lee"). Their credentials are "Dr."; a
    name with a degree beside it is the other readers' (a card, "Dr. Ann Lee, MD")."""
    matches = list(_DR_PROSE.finditer(line))  # most lines with "Dr" name no one so ("Drive", "Dr. Lee, MD")
    if not matches or len(_LOWER_WORD.findall(line)) < 4:
        return  # none, or a card or a heading: the other readers'
    for m in matches:
        raw, before, after = m.group(0), line[:m.start()], line[m.end():]
        if raw[-2:] in ("'s", "\u2019s"):  # "Dr. Cohen's practice", "Dr. Krystal's study"
            raw, after = raw[:-2], raw[-2:] + after
        words = raw.split()[1:]
        if (_NOT_NAME.search(" ".join(words)) or any(ROLE_WORDS.fullmatch(w) for w in words)
                or _HINT.match(after.lstrip(" ,(")) or _DR_WORK.match(after) or _quoted(before)
                or _TITLE_ONLY_BEFORE.search(re.split(r"[.!?]\s", before)[-1][-60:])
                or _TITLE_ONLY_AFTER.match(after[:60]) or _cited(before, after) or _attributed(before, prev)):
            continue
        yield StaffMember(_tidy(raw), "", "")


def _quoted(before: str) -> bool:
    """Whether a quotation is open where the name starts: a testimonial's or a news story's words."""
    return before.count("\u201c") > before.count("\u201d") or before.count('"') % 2 == 1


def _prose_member(line: str, raw_name: str, raw_role: str, start: int, end: int):
    name, title = _name(raw_name)
    role = _role(raw_role)
    if name and role and not title and not ROLE_WORDS.search(name) and not _cited(line[:start], line[end:]):
        yield StaffMember(name, "", role)


def _split_role(text: str) -> tuple[str, str]:
    """The text after a person's credentials, cut where the next person starts: (their role text,
    a role written before the next name, "Ann Lee, MD · Nurse Manager: Kit Amberley, RN")."""
    if not (nxt := _PERSON.search(text)):
        return text, ""
    text = text[:nxt.start()]  # "(Medical Director) and Mary Jones, CRNA"
    return ("", _role(text)) if text.rstrip().endswith(":") else (text, "")


def _name(raw: str) -> tuple[str, str]:
    """A matched name without the words a page puts before it: ("Jane Roe", "Psychiatrist") out of
    "Meet Psychiatrist Jane Roe". Empty when what is left is not a person's name."""
    name = _tidy(raw)
    dr = name.startswith("Dr. ")
    words = _LEAD_IN.sub("", name.removeprefix("Dr. ")).split()
    title = []
    while len(words) > 2 and ROLE_WORDS.fullmatch(words[0]):
        title.append(words.pop(0))
    name = " ".join(words)
    if len(words) < 2 or _NOT_NAME.search(name) or ROLE_WORDS.fullmatch(words[0]):
        return "", ""
    if name.isupper():
        name = name.title()  # "PHILIP E. WOLFSON"
    return ("Dr. " + name if dr else name), " ".join(title)


def _role_before(before: str) -> str:
    """A role written before the name in a line of several: "… · Chief of Psychiatry: Ann Lee, MD"."""
    segment = re.split(r"[\u00b7\u2022|;]", before)[-1].strip()
    if not segment.endswith(":"):
        return ""
    return _role(re.sub(r"^(?:our|the|an?)\s+", "", _LEAD_IN.sub("", segment[:-1]), flags=re.I))  # "Meet our clinical lead:"


def _a_place(raw_name: str, creds: str, before: str, after: str, prev: str, nxt: str) -> bool:
    """A town before a state's code that is also a credential: "Ketamine therapy in Silver Spring,
    MD", "Serving Camp Hill, PA and nearby", "Ellicott City, MD, Glen Burnie, MD", a list of
    locations one to a line. Not "Jane Roe, MD, and John Doe, PA", whose neighbours are people."""
    if creds not in _STATE_CREDS:
        return False
    if _PLACE_BEFORE.search(before) or raw_name.split()[0].lower() in _PLACE_WORDS or _PLACE_AFTER.match(after):
        return True
    towns = [_NEXT_TOWN.match(after), _PREV_TOWN.search(before), _TOWN_LINE.match(prev), _TOWN_LINE.match(nxt)]
    return any(t and _a_town(t.group("town"), t.group("state")) for t in towns)


def _a_town(town: str, state: str) -> bool:
    """A place beside a name in a list: its state's code is no credential ("Kansas City, MO"), or
    it is one word ("Rockville, MD") or a place's word ("Ellicott City")."""
    return state not in _STATE_CREDS or " " not in town.strip() or bool(_NOT_NAME.search(town))


def _attributed(before: str, prev: str) -> bool:
    """Whether the name signs a quotation, on the quote's line or on a dash line after it."""
    if not before.strip():
        return False
    return bool(_ATTRIBUTION.search(before if before.strip(_DASHES) else f"{prev} {before}"))


def _cited(before: str, after: str) -> bool:
    """A person the page cites rather than employs (a researcher, a quoted expert, an outside prescriber)."""
    sentence = re.split(r"[.!?]\s", before)[-1][-100:]
    if _OUTSIDE_BEFORE.search(sentence) or (_CITED_BEFORE.search(sentence) and not _OWN_BEFORE.search(sentence)):
        return True
    return bool(_CITED_AFTER.match(after[:60]))


def _creds(text: str) -> str:
    text = _QUALIFIER_RX.sub("", text)  # "DPsych (Clinical)" -> "DPsych"
    return ", ".join(c.strip("() ") for c in _CRED_SPLIT.split(text) if c.strip("() "))


def _role(text: str) -> str:
    edges = " ,-\u2013\u2014|:\u00b7\u2022"
    text = _PRONOUNS.sub("", text.strip(edges)).strip(edges)
    text = re.sub(r"[\s,]*(?:and|&)$", "", text).strip(edges)  # "a psychiatrist, and", before the next person
    text = re.sub(r"^\((.*)\)$", r"\1", text)  # "(Medical Director)"
    if _NEXT_PERSON.match(text):
        return ""  # "Gilah Weissman, APRN and Jacob Taken, Office Manager": his role, not hers
    return text if text and ROLE_WORDS.search(text) and len(text.split()) <= 8 else ""


def _role_line(line: str) -> str:
    """The line under a name, when it reads as that person's role (not a sentence, not the next person)."""
    line = line.strip()
    if not line or line.endswith((".", "?")) or _PERSON.match(line) or _DR.match(line) or _one_line_card(line):
        return ""
    return _role(line)


def _role_upto(text: str) -> str:
    """A role out of running text: up to its last role word ("board-certified psychiatrist with 20 years…")."""
    last = None
    for last in ROLE_WORDS.finditer(text):
        pass
    return _role(text[:last.end()]) if last else ""


def _tidy(name: str) -> str:
    name = _BYLINE.sub("", " ".join(name.split()))  # "By Ilse Marn, PMHNP": an article's author
    name = name.replace("\u2019", "'")  # "Kevin O’Rourke" and "Kevin O'Rourke" are one name to a researcher
    return _DR_TITLE.sub("Dr. ", name)
