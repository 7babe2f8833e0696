"""Precision, recall and F1 per flag against a labelled corpus."""

from dataclasses import dataclass, field

from scoring import FLAGS


@dataclass
class FlagCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalResult:
    counts: dict[str, FlagCounts]
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, flag, kind, evidence/text)
    n: int = 0


def evaluate(records, score) -> EvalResult:
    """score(record) -> ClinicScore; records carry "labels" {flag: 0/1}."""
    result = EvalResult({f: FlagCounts() for f in FLAGS})
    for record in records:
        result.n += 1
        clinic = score(record)
        for flag in FLAGS:
            want = bool(int(record["labels"].get(flag, 0)))
            got = clinic.present(flag)
            c = result.counts[flag]
            if want and got:
                c.tp += 1
            elif got:
                c.fp += 1
                result.misses.append((str(record.get("id")), flag, "FP", clinic.flags[flag][0].snippet))
            elif want:
                c.fn += 1
                text = record.get("text") or record.get("html") or ""
                result.misses.append((str(record.get("id")), flag, "FN", " ".join(text.split())[:200]))
            else:
                c.tn += 1
    return result


def format_report(result: EvalResult, show_misses: bool = True) -> str:
    lines = [f"{result.n} passages", f"{'flag':24} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for flag, c in result.counts.items():
        lines.append(f"{flag:24} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4} {c.fp:4} {c.fn:4}")
    macro = sum(c.f1 for c in result.counts.values()) / len(result.counts)
    lines.append(f"{'macro F1':24} {'':6} {'':6} {macro:6.3f}")
    if show_misses and result.misses:
        lines.append("")
        lines.append("misses:")
        for rid, flag, kind, text in result.misses:
            lines.append(f"  {kind} {flag:22} {rid:12} {text[:160]}")
    return "\n".join(lines)
