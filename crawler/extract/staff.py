"""Staff named on a clinic's pages: name, credentials, role.

Clinic team pages write people in a few shapes, which this reads line by line:
    "Jane Roe, DNP, PMHNP-BC" + next line "Psychiatric Nurse Practitioner"
    "Sam Lee MD FASA — Medical Director"
    "Medical Director: Priya Natarajan, MD"          (often in a footer)
    "Dr. Ana Ruiz" + next line "Board-Certified Anesthesiologist"
    "Dr. Tom Hart is a board-certified psychiatrist with ..."  (the first line of a bio)
    "Jane Roe" + next line "DNP, PMHNP-BC" (+ a role)  (a team card: name and credentials apart)
"""

import re
from dataclasses import dataclass
from importlib.resources import files

import yaml

# importlib.resources, not a path beside __file__: scrapyd imports the project from a zipped egg.
WORDS = yaml.safe_load((files("crawler.extract") / "staff.yml").read_text(encoding="utf-8"))
CREDENTIALS = tuple(WORDS["credentials"])
_CRED = "|".join(re.escape(c) for c in sorted(CREDENTIALS, key=len, reverse=True))
_WORD = rf"(?!(?:{_CRED})(?![\w-]))[A-Z][a-zA-Z'\-]+"  # a capitalised word that is not a credential
# First name, an optional nickname ("Robert (Bob) Miller") or initial, then one or two more names.
_NAME = rf"(?:Dr\.?\s+)?{_WORD}(?:\s+[(\"\u201c][A-Z][a-z]+[)\"\u201d])?(?:\s+[A-Z]\.)?(?:\s+{_WORD}){{1,2}}"
_PERSON = re.compile(
    rf"(?P<name>{_NAME})(?P<creds>(?:,?\s+\(?(?:{_CRED})\)?(?![\w-]))+)"
    rf"(?:\s*[,\-\u2013\u2014|:]?\s*(?:(?:is|serves as|works as)\s+)?(?:an?\s+|our\s+|the\s+)?(?P<role>[^.;\n]{{3,80}}))?"
)
_DR = re.compile(r"^(?P<name>Dr\.?\s+[A-Z][a-zA-Z'\-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-zA-Z'\-]+){0,2})\s*$")
# A bio that opens with the person: "Dr. Tom Hart is a board-certified psychiatrist with ...".
_DR_BIO = re.compile(r"^(?P<name>Dr\.?\s+[A-Z][a-zA-Z'\-]+(?:\s+[A-Z]\.)?(?:\s+[A-Z][a-zA-Z'\-]+){1,2}),?\s+"
                     r"(?:is|serves as|works as|has been)\s+(?:an?|our|the)\s+(?P<role>[^.;:\n]{3,90})")
_CREDS_FIRST = re.compile(rf"^(?P<creds>\(?(?:{_CRED})\)?(?:[,\s]+\(?(?:{_CRED})\)?(?![\w-]))*)(?![\w-])\s*[,\-\u2013\u2014|:]?\s*(?P<role>.*)$")
_NAME_LINE = re.compile(rf"^{_NAME}$")
# Headings that look like names ("Our Services", "Ketamine Therapy") above a stray credential.
_NOT_NAME = re.compile(rf"\b(?:{'|'.join(map(re.escape, WORDS['not_name_words']))})\b", re.I)
_ROLE_FIRST = re.compile(rf"(?P<role>{'|'.join(map(re.escape, WORDS['roles_before_name']))})\s*:\s*(?P<rest>.+)")
ROLE_WORDS = re.compile(rf"\b(?:{'|'.join(map(re.escape, WORDS['role_words']))})\b", re.I)
# Cheap test first: a line can only name staff if it has a credential or a "Dr" in it. Every
# credential begins with a capital: the lookahead spares the alternation at every other character.
_HINT = re.compile(rf"(?=[A-Z])(?<![\w-])(?:{_CRED}|Dr)(?![\w-])")
_PRONOUNS = re.compile(r"^\((?:he|she|they|ze|xe)/[a-z/]+\)", re.I)  # "(he/him/his), executive director"
_NEXT_PERSON = re.compile(r"(?:and|&)\s+[A-Z][a-z]+\s+[A-Z]")
_BYLINE = re.compile(r"^(?:(?:Written|Posted|Authored|Reviewed|Medically reviewed)\s+)?[Bb]y\s+")
_ADDRESS_HINT = re.compile(r"\b\d{5}\b|\b(?:Street|St|Ave|Avenue|Suite|Blvd|Road|Rd)\b\.?")


@dataclass(frozen=True)
class StaffMember:
    name: str
    credentials: str
    role: str


def find_staff(text: str) -> list[StaffMember]:
    lines = [line.strip() for line in (text or "").split("\n")]
    found: dict[str, StaffMember] = {}
    for i, line in enumerate(lines):
        if not _HINT.search(line):
            continue
        role_first = ""
        if m := _ROLE_FIRST.match(line):
            role_first, line = m.group("role"), m.group("rest")
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = lines[i - 1] if i else ""
        for member in _people(line, role_first, nxt, prev):
            key = member.name.removeprefix("Dr. ").removeprefix("Dr ").lower()
            old = found.get(key)
            if old is None or (not old.role and member.role) or len(member.credentials) > len(old.credentials):
                found[key] = member
    return list(found.values())


def _people(line: str, role_first: str, nxt: str, prev: str = ""):
    if not role_first and (m := _CREDS_FIRST.match(line)) and _NAME_LINE.match(prev) and not _NOT_NAME.search(prev):
        creds = _creds(m.group("creds"))
        yield StaffMember(_tidy(prev), creds, _role(m.group("role")) or _role_line(nxt))
        return
    for m in _PERSON.finditer(line):
        if _ADDRESS_HINT.search(line[m.end("creds"):m.end("creds") + 8]):
            continue  # "Baltimore, MD 21201"
        if _NOT_NAME.search(m.group("name")):
            continue  # "Social Work (LCSW)", "Lancaster County, PA"
        creds = _creds(m.group("creds"))
        role = role_first or _role(m.group("role") or "") or _role_line(nxt)
        yield StaffMember(_tidy(m.group("name")), creds, role)
    if not role_first and (m := _DR.match(line)) and _role_line(nxt):
        yield StaffMember(_tidy(m.group("name")), "", _role_line(nxt))
    elif not role_first and (m := _DR_BIO.match(line)) and (role := _role_upto(m.group("role"))):
        yield StaffMember(_tidy(m.group("name")), "", role)


def _creds(text: str) -> str:
    return ", ".join(c.strip("() ") for c in re.split(r"[,\s]+", text) if c.strip("() "))


def _role(text: str) -> str:
    text = _PRONOUNS.sub("", text.strip(" ,-\u2013\u2014|:")).strip(" ,-\u2013\u2014|:")
    if _NEXT_PERSON.match(text):
        return ""  # "Gilah Weissman, APRN and Jacob Taken, Office Manager": his role, not hers
    return text if text and ROLE_WORDS.search(text) and len(text.split()) <= 8 else ""


def _role_line(line: str) -> str:
    """The line under a name, when it reads as that person's role (not a sentence, not the next person)."""
    line = line.strip()
    if not line or line.endswith((".", "?")) or _PERSON.match(line) or _DR.match(line):
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
    return re.sub(r"^Dr\.?\s+", "Dr. ", name)
