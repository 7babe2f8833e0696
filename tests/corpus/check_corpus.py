#!/usr/bin/env python3
"""Validate the clinicvet labelled corpus (tune.jsonl + holdout.jsonl, and tune2.jsonl / tune3.jsonl / tune4.jsonl /
holdout2.jsonl / holdout3.jsonl if present) and print per-flag counts, then the never-tuned share (every
evaluation-only file, reported file by file, with a warning below 30%).

Usage: python3 tests/corpus/check_corpus.py [corpus_dir]
Exit status 0 when every check passes, 1 otherwise. Standard library only.
"""
import json
import os
import re
import sys
from urllib.parse import urlparse

FLAGS = [
    "screening", "certified_staff", "medical_monitoring", "individualized_plan", "risk_disclosure",
    "provider_coordination", "overclaiming", "no_screening_claim", "false_fda_claim", "claims_nonaddictive",
]
SPLITS = {  # file -> (id prefix, min passages, min positives per flag, min negatives per flag)
    "tune": ("tune", 215, 25, 25),
    "holdout": ("holdout", 100, 8, 8),
}
OPTIONAL_SPLITS = {  # validated with the same schema when the file exists
    "tune2": ("tune2", 200, 20, 20),
    "tune3": ("tune3", 150, 10, 10),
    "tune4": ("tune4", 200, 10, 10),
    "holdout2": ("holdout2", 150, 12, 12),  # evaluation only, never tuned on
    "holdout3": ("holdout3", 120, 10, 10),  # evaluation only, never tuned on
    "tune5": ("tune5", 250, 25, 25),
    "holdout4": ("holdout4", 150, 15, 15),  # evaluation only, never tuned on
}
EVAL_ONLY = ("holdout", "holdout2", "holdout3", "holdout4")  # splits the scorer must never be tuned on
MIN_EVAL_SHARE = 0.30  # the never-tuned part should stay at least this share of the corpus (reported, warned)
EVAL_REQUIRED_WITH = {"tune4": ("holdout2",), "tune5": ("holdout4",)}  # a tuning file that may only be used with these evaluation files
MIN_TOTAL = 300
ALLOWED_KEYS = {"id", "url", "text", "html", "labels", "note"}


def load(path, prefix, errors):
    records = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            where = f"{os.path.basename(path)}:{lineno}"
            if not line.strip():
                errors.append(f"{where}: blank line")
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: invalid JSON ({exc})")
                continue
            if not isinstance(rec, dict):
                errors.append(f"{where}: not a JSON object")
                continue
            extra = set(rec) - ALLOWED_KEYS
            if extra:
                errors.append(f"{where}: unexpected keys {sorted(extra)}")
            rid = rec.get("id")
            if not isinstance(rid, str) or not re.fullmatch(rf"{prefix}-\d{{4}}", rid):
                errors.append(f"{where}: id {rid!r} does not match {prefix}-NNNN")
            url = rec.get("url")
            host = urlparse(url).hostname if isinstance(url, str) else None
            if not (isinstance(url, str) and url.startswith("https://") and host and host.endswith(".example")):
                errors.append(f"{where}: url {url!r} must be https://<name>.example/...")
            has_text, has_html = "text" in rec, "html" in rec
            if has_text == has_html:
                errors.append(f"{where}: exactly one of 'text' or 'html' is required")
            body = rec.get("text", rec.get("html"))
            if not isinstance(body, str) or not body.strip():
                errors.append(f"{where}: passage body is empty or not a string")
            labels = rec.get("labels")
            if not isinstance(labels, dict):
                errors.append(f"{where}: labels missing or not an object")
            else:
                if set(labels) != set(FLAGS):
                    errors.append(f"{where}: labels must have exactly the ten flags "
                                  f"(missing {sorted(set(FLAGS) - set(labels))}, extra {sorted(set(labels) - set(FLAGS))})")
                for k, v in labels.items():
                    if type(v) is not int or v not in (0, 1):
                        errors.append(f"{where}: label {k}={v!r} is not 0/1")
            if "note" in rec and not (isinstance(rec["note"], str) and rec["note"].strip()):
                errors.append(f"{where}: note must be a non-empty string when present")
            records.append(rec)
    return records


def main():
    corpus_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    errors = []
    data = {}
    for split, (prefix, _, _, _) in SPLITS.items():
        path = os.path.join(corpus_dir, f"{split}.jsonl")
        if not os.path.exists(path):
            errors.append(f"missing file {path}")
            data[split] = []
            continue
        data[split] = load(path, prefix, errors)
    splits = dict(SPLITS)
    for split, spec in OPTIONAL_SPLITS.items():
        path = os.path.join(corpus_dir, f"{split}.jsonl")
        if os.path.exists(path):
            splits[split] = spec
            data[split] = load(path, spec[0], errors)

    # the never-tuned part must be reportable whenever a later tuning file is present
    for split, needed in EVAL_REQUIRED_WITH.items():
        for ev in needed:
            if split in data and ev not in data:
                errors.append(f"{split}.jsonl is present but {ev}.jsonl is missing: the never-tuned share "
                              f"cannot be reported without it")

    # unique ids and unique passages across all files; the optional files share no domain with any other file
    hosts = {split: {urlparse(r["url"]).hostname for r in recs if isinstance(r.get("url"), str)}
             for split, recs in data.items()}
    for split in OPTIONAL_SPLITS:
        for other in hosts:
            if split in hosts and other != split and hosts[split] & hosts[other]:
                errors.append(f"{split} shares {len(hosts[split] & hosts[other])} domain(s) with {other}")
    seen_ids, seen_bodies = {}, {}
    for split, recs in data.items():
        for rec in recs:
            rid = rec.get("id")
            if rid in seen_ids:
                errors.append(f"duplicate id {rid!r} ({seen_ids[rid]} and {split})")
            seen_ids[rid] = split
            body = " ".join(str(rec.get("text", rec.get("html", ""))).split()).lower()
            if body in seen_bodies:
                errors.append(f"duplicate passage text: {rid} repeats {seen_bodies[body]}")
            seen_bodies[body] = rid

    total = sum(len(r) for r in data.values())
    if total < MIN_TOTAL:
        errors.append(f"only {total} passages in total (need >= {MIN_TOTAL})")

    # counts table
    counts = {}
    for split, recs in data.items():
        pos = {f: 0 for f in FLAGS}
        for rec in recs:
            labels = rec.get("labels") if isinstance(rec.get("labels"), dict) else {}
            for f in FLAGS:
                if labels.get(f) == 1:
                    pos[f] += 1
        counts[split] = (len(recs), pos, sum(1 for r in recs if "html" in r))

    width = max(len(f) for f in FLAGS)
    header = f"{'flag':<{width}}  " + "  ".join(f"{s + ' +':>10} {s + ' -':>10}" for s in splits)
    print(header)
    print("-" * len(header))
    for f in FLAGS:
        cells = []
        for split in splits:
            n, pos, _ = counts[split]
            cells.append(f"{pos[f]:>10} {n - pos[f]:>10}")
        print(f"{f:<{width}}  " + "  ".join(cells))
    print("-" * len(header))
    for split in splits:
        n, pos, n_html = counts[split]
        all_neg = sum(1 for r in data[split] if isinstance(r.get("labels"), dict) and not any(r["labels"].values()))
        print(f"{split}: {n} passages ({n_html} html, {n - n_html} text; {all_neg} with no flag set)")
    print(f"total: {total} passages")
    # always report the never-tuned part, file by file, and warn when it falls below MIN_EVAL_SHARE
    n_eval = sum(len(data[s]) for s in EVAL_ONLY if s in data)
    share = n_eval / total if total else 0.0
    parts = " + ".join(f"{s} {len(data[s])}" for s in EVAL_ONLY if s in data)
    print(f"never tuned on ({parts}): {n_eval} of {total} ({100 * share:.1f}%)")
    if share < MIN_EVAL_SHARE:
        print(f"WARNING: the never-tuned share is below {100 * MIN_EVAL_SHARE:.0f}%; write more evaluation-only "
              f"passages (without the scorer) before tuning on the new files")

    for split, (_, min_n, min_pos, min_neg) in splits.items():
        n, pos, _ = counts[split]
        if n < min_n:
            errors.append(f"{split}: {n} passages (need >= {min_n})")
        for f in FLAGS:
            if pos[f] < min_pos:
                errors.append(f"{split}: {f} has {pos[f]} positives (need >= {min_pos})")
            if n - pos[f] < min_neg:
                errors.append(f"{split}: {f} has {n - pos[f]} negatives (need >= {min_neg})")

    if errors:
        print(f"\nFAIL: {len(errors)} problem(s)")
        for e in errors:
            print("  - " + e)
        return 1
    print("\nOK: corpus passes all checks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
