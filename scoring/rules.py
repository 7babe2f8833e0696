"""Load and compile the rule file (scoring/rules.yml by default).

Errors in a rule file are reported as RuleError with the flag and pattern that is wrong, so a
researcher editing the file gets a one-line message instead of a traceback.
"""

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from . import model as model_module  # DEFAULT_MODEL is read at call time: crawler/resources.py may repoint it
from .gate import KetamineGate
from .model import ModelError, SentenceModel, load_model
from .prefilter import leading_prefixes

FLAGS = (
    "screening", "certified_staff", "medical_monitoring", "individualized_plan",
    "risk_disclosure", "provider_coordination",
    "overclaiming", "no_screening_claim", "false_fda_claim", "claims_nonaddictive",
)
POSITIVE_FLAGS = FLAGS[:6]
RED_FLAGS = FLAGS[6:]
DEFAULT_RULES = Path(__file__).with_name("rules.yml")


class RuleError(ValueError):
    """The rule file is missing, unreadable or wrong."""


@dataclass
class Pattern:
    regex: re.Pattern
    unless: re.Pattern | None = None
    requires: re.Pattern | None = None
    min_words: int = 4
    negatable: bool = True
    window: int = 0  # sentences on each side that `requires` and `unless` also read
    max_words: int = 0  # when set, only sentences this short
    antecedent: re.Pattern | None = None  # what a terse claim is about, when its window names none
    prefixes: frozenset[str] | None = None  # word prefixes a match must start with (None: always try)


@dataclass
class FlagRule:
    name: str
    kind: str  # "positive" or "red"
    scope: str  # "own", "not_others" or "any"
    critic: bool
    patterns: list[Pattern]
    exclude: list[re.Pattern] = field(default_factory=list)
    veto: re.Pattern | None = None
    prefixes: frozenset[str] | None = None  # union over patterns; None when any is unknown
    model_requires: re.Pattern | None = None  # words a sentence needs before the model may set the flag


@dataclass
class Rules:
    flags: dict[str, FlagRule]
    weights: dict[str, int]
    tiers: list[dict]
    negators: re.Pattern
    negation_window: int
    generic: re.Pattern
    others: re.Pattern
    own: re.Pattern
    critic: re.Pattern
    # A quoted claim between a "Myth:" label and its rebuttal ("Fact: …", "It isn't"): a myths page.
    myth_label: re.Pattern = re.compile(r"(?!x)x")
    rebuttal: re.Pattern = re.compile(r"(?!x)x")
    legal_pages: re.Pattern = re.compile(r"(?!x)x")  # URL paths of legal notices: no positive flag there
    model_skip: re.Pattern = re.compile(r"(?!x)x")  # sentences the model does not read (another language)
    gate: KetamineGate = field(default_factory=KetamineGate)  # sites that offer no ketamine care
    evidence_per_flag: int = 5
    source: str = ""
    model: SentenceModel | None = None  # the second reader (scoring/model.py); None: rules alone
    model_source: str = ""
    # word prefix -> [(flag, pattern index)] that could match a sentence with such a word;
    # `always`: patterns the prefilter cannot analyse. Built by _compile from the patterns.
    index: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    always: list[tuple[str, int]] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # sentence key -> flags it sets (scan.py)
    model_cache: dict = field(default_factory=dict)  # sentence -> the model's probability per flag (scan.py)
    max_window: int = 0  # the widest `window` of any pattern: how many neighbours a cache key needs
    antecedents: tuple[re.Pattern, ...] = ()  # the patterns' distinct `antecedent`s: cache keys need them too

    def without_model(self) -> "Rules":
        """The same rules without the sentence model. They share the sentence cache, which holds
        what the rules alone found."""
        return replace(self, model=None)


def rule_path(path: str | Path | None = None) -> Path:
    """The rule file a crawl or a scoring call uses: the one given, or the default."""
    return Path(path) if path else DEFAULT_RULES


@lru_cache(maxsize=8)
def load_rules(path: str | Path | None = None) -> Rules:
    path = rule_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise RuleError(f"cannot read rule file {path}: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise RuleError(f"rule file {path} is not valid YAML: {e}".splitlines()[0]) from None
    if not isinstance(data, dict) or not isinstance(data.get("flags"), dict):
        raise RuleError(f"rule file {path} has no 'flags' mapping")
    return _compile(data, str(path))


def _model_path(name, source: str) -> Path:
    """A relative model path is read next to the rule file; failing that, the shipped model's name
    means the shipped model, so a researcher's copy of rules.yml keeps it."""
    path = Path(str(name))
    beside = Path(source).parent / path
    if path.is_absolute() or beside.exists():
        return beside
    shipped = Path(model_module.DEFAULT_MODEL)
    return shipped if path == Path(shipped.name) else beside


def _gate(spec: dict, rx) -> KetamineGate:
    if not isinstance(spec, dict):
        raise RuleError("ketamine_gate: expected a mapping")
    if not spec.get("tier"):
        return KetamineGate()
    patterns = {name: rx(spec.get(name, r"(?!x)x"), f"ketamine_gate.{name}")
                for name in ("terms", "named", "misuse", "elsewhere", "disclaims", "maker", "masthead", "offer",
                             "not_care", "blog_pages", "blog_titles")}
    return KetamineGate(tier=str(spec["tier"]), share=float(spec.get("share", 0.5)),
                        services=[str(x) for x in spec.get("services") or []], **patterns)


def _model_flags(wanted, model: SentenceModel) -> dict:
    """The flags the model may set: a rule file can keep it off a flag where it misleads more
    than it finds, without retraining."""
    if not isinstance(wanted, list) or not all(isinstance(f, str) for f in wanted):
        raise RuleError("model_flags: give a list of flag names")
    unknown = [f for f in wanted if f not in POSITIVE_FLAGS]
    if unknown:
        raise RuleError(f"model_flags: {unknown[0]!r} is not a positive flag")
    return {f: m for f, m in model.flags.items() if f in wanted}


def _expand(text: str, lexicon: dict[str, str]) -> str:
    for name, value in lexicon.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def _compile(data: dict, source: str) -> Rules:
    lexicon = {k: str(v) for k, v in (data.get("lexicon") or {}).items()}
    for _ in range(3):  # an entry may use other entries ({{med_role}} inside a fragment)
        lexicon = {k: _expand(v, lexicon) for k, v in lexicon.items()}
    default_min = int(data.get("min_words", 4))

    def rx(text: str, where: str) -> re.Pattern:
        text = _expand(text, lexicon)
        if "{{" in text:
            raise RuleError(f"{where}: unknown lexicon name in {text[text.index('{{'):][:30]!r}")
        try:
            compiled = re.compile(text, re.I)
        except re.error as e:
            raise RuleError(f"{where}: bad regex ({e})") from None
        if compiled.groups:
            raise RuleError(f"{where}: use non-capturing groups (?:...) only")
        return compiled

    missing = [f for f in FLAGS if f not in data["flags"]]
    if missing:
        raise RuleError(f"rule file has no rules for flag(s): {', '.join(missing)}")
    flags = {}
    for name in FLAGS:
        spec = data["flags"][name] or {}
        where = f"flags.{name}"
        patterns = []
        for i, p in enumerate(spec.get("patterns") or []):
            p = {"re": p} if isinstance(p, str) else dict(p)
            w = f"{where}.patterns[{i}]"
            if "re" not in p:
                raise RuleError(f"{w}: a pattern needs 're'")
            patterns.append(Pattern(
                regex=rx(p["re"], w),
                unless=rx(p["unless"], w + ".unless") if p.get("unless") else None,
                requires=rx(p["requires"], w + ".requires") if p.get("requires") else None,
                min_words=int(p.get("min_words", spec.get("min_words", default_min))),
                negatable=bool(p.get("negatable", spec.get("negatable", True))),
                window=int(p.get("window", 0)),
                max_words=int(p.get("max_words", 0)),
                antecedent=rx(p["antecedent"], w + ".antecedent") if p.get("antecedent") else None,
            ))
            patterns[-1].prefixes = leading_prefixes(patterns[-1].regex.pattern)
        if not patterns:
            raise RuleError(f"{where}: no patterns")
        kind = spec.get("kind", "red" if name in RED_FLAGS else "positive")
        flags[name] = FlagRule(
            name=name, kind=kind, scope=spec.get("scope", "own" if kind == "positive" else "any"),
            critic=bool(spec.get("critic", kind == "red")), patterns=patterns,
            exclude=[rx(e, f"{where}.exclude") for e in spec.get("exclude") or []],
            veto=rx(spec["veto"], f"{where}.veto") if spec.get("veto") else None,
            model_requires=rx(spec["model_requires"], f"{where}.model_requires") if spec.get("model_requires") else None,
        )
        known = [p.prefixes for p in patterns]
        flags[name].prefixes = None if None in known else frozenset().union(*known)
        if flags[name].scope not in ("own", "not_others", "any"):
            raise RuleError(f"{where}.scope: must be own, not_others or any")
    weights = {f: int((data.get("weights") or {}).get(f, 0)) for f in FLAGS}
    raw_negators = data.get("negators") or []
    if not all(isinstance(n, str) for n in raw_negators):
        raise RuleError("negators: quote every word (YAML reads a bare no as false)")
    negators = sorted(raw_negators, key=len, reverse=True)
    # "no-go", "non-stop": a negator joined to a following word by a hyphen is part of that word.
    negator_rx = re.compile(r"(?<![\w'-])(?:" + "|".join(re.escape(n) for n in negators) + r")(?![\w'-])|n't\b", re.I)
    model_path = _model_path(data["model"], source) if data.get("model") else None
    try:
        model = load_model(model_path, POSITIVE_FLAGS) if model_path else None
    except ModelError as e:
        raise RuleError(str(e)) from None
    if model and data.get("model_flags") is not None:
        model = replace(model, flags=_model_flags(data["model_flags"], model))
    index: dict[str, list[tuple[str, int]]] = {}
    always: list[tuple[str, int]] = []
    for name, rule in flags.items():
        for j, pattern in enumerate(rule.patterns):
            if pattern.prefixes is None:
                always.append((name, j))
            for prefix in pattern.prefixes or ():
                index.setdefault(prefix, []).append((name, j))
    return Rules(
        index=index, always=always,
        max_window=max((p.window for f in flags.values() for p in f.patterns), default=0),
        antecedents=tuple({p.antecedent.pattern: p.antecedent for f in flags.values() for p in f.patterns
                           if p.antecedent}.values()),
        flags=flags, weights=weights, tiers=list(data.get("tiers") or [{"name": "incomplete"}]),
        negators=negator_rx, negation_window=int(data.get("negation_window", 6)),
        generic=rx(lexicon.get("generic", r"(?!x)x"), "lexicon.generic"),
        others=rx(lexicon.get("others", r"(?!x)x"), "lexicon.others"),
        own=rx(lexicon.get("own", r"\b(?:we|our|us)\b"), "lexicon.own"),
        critic=rx(lexicon.get("critic", r"(?!x)x"), "lexicon.critic"),
        myth_label=rx(lexicon.get("myth_label", r"(?!x)x"), "lexicon.myth_label"),
        rebuttal=rx(lexicon.get("rebuttal", r"(?!x)x"), "lexicon.rebuttal"),
        legal_pages=rx(data.get("legal_pages") or r"(?!x)x", "legal_pages"),
        model_skip=rx(data.get("model_skip") or r"(?!x)x", "model_skip"),
        gate=_gate(data.get("ketamine_gate") or {}, rx),
        evidence_per_flag=int(data.get("evidence_per_flag", 5)), source=source,
        model=model, model_source=str(model_path or ""),
    )
