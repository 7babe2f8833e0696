"""A second reader for the positive flags: one small logistic model per flag over a sentence's words.

Hand-written rules catch the phrasings they were written from and little else; on real pages no
rule had seen, most misses were recall. The model reads a sentence as a bag of hashed words and
word pairs (words after a negator marked as negated) and adds a flag to a page only where the
rules found none, with the sentence it scored highest as the evidence, and only if that sentence
is a statement the rules' scope checks accept (not a question, not about other clinics, not
general advice). Its weights are data (scoring/model.json, written by `clinicvet train`); no
download, no dependency beyond the standard library.
"""

import json
import math
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL = Path(__file__).with_name("model.json")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")
_NEGATOR = frozenset({"no", "not", "never", "without", "none", "nor"})


class ModelError(ValueError):
    """The model file is missing, unreadable or wrong."""


def features(text: str, buckets: int) -> list[int]:
    """Hashed words and adjacent word pairs; after a negator, words read as negated until punctuation."""
    out: set[str] = set()
    negated = False
    previous = "<s>"
    for token in _TOKEN.findall(text.lower()):
        if token in ".,;:!?":
            negated, previous = False, "<p>"
            continue
        if token in _NEGATOR or token.endswith("n't"):
            negated, word = True, "NEG"
        else:
            word = "N_" + token if negated else token
        out.add(word)
        out.add(previous + "_" + word)
        previous = word
    return sorted({zlib.crc32(f.encode()) % buckets for f in out})


@dataclass
class FlagModel:
    bias: float
    threshold: float
    weights: dict[int, float]

    def probability(self, feats: list[int]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class SentenceModel:
    buckets: int
    flags: dict[str, FlagModel]
    trained_on: str = ""

    def to_json(self) -> str:
        return json.dumps({
            "format": "clinicvet-sentence-model/1", "buckets": self.buckets, "trained_on": self.trained_on,
            "flags": {name: {"bias": round(m.bias, 4), "threshold": m.threshold,
                             "weights": [[f, round(w, 4)] for f, w in sorted(m.weights.items())]}
                      for name, m in self.flags.items()},
        }, separators=(",", ":"))


def load_model(path: str | Path, known_flags) -> SentenceModel:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ModelError(f"cannot read model file {path}: {e.strerror}") from None
    except ValueError as e:
        raise ModelError(f"model file {path} is not valid JSON: {e}") from None
    try:
        if data.get("format") != "clinicvet-sentence-model/1":
            raise ModelError(f"model file {path} is not a clinicvet sentence model")
        flags = {}
        for name, m in data["flags"].items():
            if name not in known_flags:
                raise ModelError(f"model file {path}: unknown flag {name!r}")
            flags[name] = FlagModel(float(m["bias"]), float(m["threshold"]),
                                    {int(f): float(w) for f, w in m["weights"]})
        return SentenceModel(int(data["buckets"]), flags, str(data.get("trained_on", "")))
    except (KeyError, TypeError, AttributeError) as e:
        raise ModelError(f"model file {path} is malformed ({e!r})") from None
