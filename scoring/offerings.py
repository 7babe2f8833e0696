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


def _pattern(value) -> str:
    """A label's regex: a string, or a mapping {re, unless}."""
    return value["re"] if isinstance(value, dict) else value


@lru_cache(maxsize=4)
def load_offerings(path: str | Path | None = None) -> Offerings:
    path = Path(path) if path else DEFAULT_OFFERINGS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = {**data["services"], **data["conditions"]}
        return Offerings(
            services={k: re.compile(_pattern(v), re.I) for k, v in data["services"].items()},
            conditions={k: re.compile(_pattern(v), re.I) for k, v in data["conditions"].items()},
            exclude=re.compile(data.get("exclude_sentence") or r"(?!x)x", re.I),
            prefixes={k: leading_prefixes(_pattern(v)) for k, v in labels.items()},
            unless={k: re.compile(v["unless"], re.I) for k, v in labels.items() if isinstance(v, dict) and v.get("unless")},
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
                if label not in offerings.unless or not offerings.unless[label].search(text):
                    labels.append(label)
    if labels and offerings.exclude.search(text):
        return ()
    return tuple(labels)
