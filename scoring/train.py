"""Train the sentence model (scoring/model.py) from page-level labels.

Labels are per page, evidence is per sentence. Every sentence of a page labelled 0 for a flag is a
negative example. On a page labelled 1, the sentences the rules give as evidence are the
positives; where the rules found nothing, a second round takes the sentence the first round's
model scored highest (a page labelled 1 says at least one of its sentences sets the flag). The
other sentences of a positive page are left out: they may or may not set it.

Plain stochastic gradient descent over hashed features, in a fixed order: the same files give
the same weights on every machine.
"""

import random

from .model import FlagModel, SentenceModel, features
from .rules import POSITIVE_FLAGS, Rules
from .scan import scan_page, statements

BUCKETS = 1 << 18


def train(pages: list[tuple[str, dict]], rules: Rules, *, threshold: float = 0.95, epochs: int = 3,
          rate: float = 0.1, rounds: int = 2, prune: float = 0.1, trained_on: str = "") -> SentenceModel:
    """pages: (page text, {flag: 0/1}). Returns a model for the six positive flags."""
    rules = rules.without_model()
    prepared = []
    for text, labels in pages:
        sents = statements(text)
        evidence = scan_page(text, "", rules).evidence
        prepared.append(([features(s.text, BUCKETS) for s in sents], [s.snippet for s in sents],
                         labels, evidence))
    flags = {}
    for flag in POSITIVE_FLAGS:
        fitted = _fit(prepared, flag, epochs, rate, rounds)
        flags[flag] = FlagModel(fitted.bias, threshold, {f: w for f, w in fitted.weights.items() if abs(w) >= prune})
    return SentenceModel(BUCKETS, flags, trained_on)


def _fit(prepared, flag: str, epochs: int, rate: float, rounds: int) -> FlagModel:
    model = FlagModel(0.0, 0.0, {})  # updated in place
    for round_ in range(rounds):
        examples = []
        for feats, snippets, labels, evidence in prepared:
            if not int(labels.get(flag, 0)):
                examples += [(f, 0) for f in feats]
                continue
            found = set(evidence.get(flag, ()))
            positives = [i for i, s in enumerate(snippets) if s in found]
            if not positives and feats and round_ > 0:
                positives = [max(range(len(feats)), key=lambda i: model.probability(feats[i]))]
            examples += [(feats[i], 1) for i in positives]
        n_pos = sum(y for _, y in examples)
        pos_weight = min(10.0, (len(examples) - n_pos) / max(1, n_pos))  # positives are rare
        order = random.Random(1)
        for _ in range(epochs):
            order.shuffle(examples)
            for feats, y in examples:
                step = (model.probability(feats) - y) * (pos_weight if y else 1.0) * rate
                model.bias -= step
                for f in feats:
                    model.weights[f] = model.weights.get(f, 0.0) - step
    return model
