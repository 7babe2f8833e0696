"""Services and conditions a clinic says it offers, as facet labels (rules in offerings.yml)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .prefilter import leading_prefixes, word_prefixes
from .rules import RuleError
from .text import Sentence, sentences

DEFAULT_OFFERINGS = Path(__file__).with_name("offerings.yml")


@dataclass
class Offerings:
    services: dict[str, re.Pattern]
    conditions: dict[str, re.Pattern]
    exclude: re.Pattern
    prefixes: dict[str, frozenset[str] | None]  # label -> word prefixes a match starts with
    unless: dict[str, re.Pattern]  # label -> another sense in the sentence ("ease any anxiety")
    requires: dict[str, re.Pattern]  # label -> words that make the mention the clinic's own offer
    only_at: re.Pattern | None = None  # a sentence offering something at some of a chain's places only
    not_places: frozenset[str] = frozenset()  # capitalised words that name no place ("Spravato")


def _spec(value) -> dict:
    """A label's entry as a mapping {re, unless, requires}: the file may give the regex alone."""
    return value if isinstance(value, dict) else {"re": value}


@lru_cache(maxsize=4)
def load_offerings(path: str | Path | None = None) -> Offerings:
    path = Path(path) if path else DEFAULT_OFFERINGS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        services = {k: _spec(v) for k, v in data["services"].items()}
        conditions = {k: _spec(v) for k, v in data["conditions"].items()}
        labels = {**services, **conditions}
        return Offerings(
            services={k: re.compile(v["re"], re.I) for k, v in services.items()},
            conditions={k: re.compile(v["re"], re.I) for k, v in conditions.items()},
            exclude=re.compile(data.get("exclude_sentence") or r"(?!x)x", re.I),
            prefixes={k: leading_prefixes(v["re"]) for k, v in labels.items()},
            unless={k: re.compile(v["unless"], re.I) for k, v in labels.items() if v.get("unless")},
            requires={k: re.compile(v["requires"], re.I) for k, v in labels.items() if v.get("requires")},
            only_at=re.compile(data["only_at"].replace("{{names}}", data["only_at_names"])) if data.get("only_at") else None,
            not_places=frozenset(w.lower() for w in data.get("not_places") or []),
        )
    except (OSError, yaml.YAMLError, KeyError, AttributeError, TypeError, re.error) as e:
        raise RuleError(f"offerings file {path}: {e}") from None


def find_offerings(text: str, offerings: Offerings | None = None) -> tuple[list[str], list[str]]:
    """(services, conditions) labels mentioned in the text, in vocabulary order."""
    return offerings_in(sentences(text or ""), offerings)


def offerings_in(sents: list[Sentence], offerings: Offerings | None = None) -> tuple[list[str], list[str]]:
    offerings = offerings or load_offerings()
    found: set[str] = set()
    for s in sents:
        if not s.question:
            found.update(sentence_offerings(s.text, word_prefixes(s.text), offerings))
    return ([k for k in offerings.services if k in found], [k for k in offerings.conditions if k in found])


def sentence_offerings(text: str, starts: set[str], offerings: Offerings | None = None) -> tuple[str, ...]:
    """Service and condition labels one sentence names (none when it names a contraindication)."""
    offerings = offerings or load_offerings()
    labels = []
    for group in (offerings.services, offerings.conditions):
        for label, rx in group.items():
            prefixes = offerings.prefixes[label]
            if (prefixes is None or not prefixes.isdisjoint(starts)) and rx.search(text):
                unless, requires = offerings.unless.get(label), offerings.requires.get(label)
                if not (unless and unless.search(text)) and not (requires and not requires.search(text)):
                    labels.append(label)
    if labels and offerings.exclude.search(text):
        return ()
    return tuple(labels)


_PLACE_SPLIT = re.compile(r",\s*(?:and\s+|or\s+|&\s+)?|\s+(?:and|or|&)\s+")


def places_only(text: str, offerings: Offerings | None = None) -> tuple[str, ...]:
    """The places a sentence says its offering is limited to ("only at our Denver and Salt Lake City
    clinics" -> ("denver", "salt lake city")); () when it names no such limit."""
    offerings = offerings or load_offerings()
    if offerings.only_at is None:
        return ()
    found: list[str] = []
    for m in offerings.only_at.finditer(text):
        names = next(g for g in m.groups() if g)
        for name in _PLACE_SPLIT.split(names):
            words = [w for w in name.split() if w.lower().strip(".").split("-")[0] not in offerings.not_places]
            if words:
                found.append(" ".join(words).lower().strip(".,"))
    return tuple(dict.fromkeys(found))
