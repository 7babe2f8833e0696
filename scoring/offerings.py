"""Services and conditions a clinic says it offers, as facet labels (rules in offerings.yml)."""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .rules import RuleError
from .text import Sentence, sentences

DEFAULT_OFFERINGS = Path(__file__).with_name("offerings.yml")


@dataclass
class Offerings:
    services: dict[str, re.Pattern]
    conditions: dict[str, re.Pattern]
    exclude: re.Pattern


@lru_cache(maxsize=4)
def load_offerings(path: str | Path | None = None) -> Offerings:
    path = Path(path) if path else DEFAULT_OFFERINGS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Offerings(
            services={k: re.compile(v, re.I) for k, v in data["services"].items()},
            conditions={k: re.compile(v, re.I) for k, v in data["conditions"].items()},
            exclude=re.compile(data.get("exclude_sentence") or r"(?!x)x", re.I),
        )
    except (OSError, yaml.YAMLError, KeyError, AttributeError, re.error) as e:
        raise RuleError(f"offerings file {path}: {e}") from None


def find_offerings(text: str, offerings: Offerings | None = None) -> tuple[list[str], list[str]]:
    """(services, conditions) labels mentioned in the text, in vocabulary order."""
    return offerings_in(sentences(text or ""), offerings)


def offerings_in(sents: list[Sentence], offerings: Offerings | None = None) -> tuple[list[str], list[str]]:
    offerings = offerings or load_offerings()
    usable = [s.text for s in sents if not s.question and not offerings.exclude.search(s.text)]
    joined = "\n".join(usable)
    services = [label for label, rx in offerings.services.items() if rx.search(joined)]
    conditions = [label for label, rx in offerings.conditions.items() if rx.search(joined)]
    return services, conditions
