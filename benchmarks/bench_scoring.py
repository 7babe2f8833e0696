"""Scoring throughput on one core: pages/s and MB/s of HTML.

    python benchmarks/bench_scoring.py [--repeat 5] [--json out.json]

Pages are the demo web's pages as built (small, hand-written), and the same pages wrapped in a
typical CMS shell (~60-90 KB: inline CSS and JS, mega-menu, cookie banner, footer), which is what
real clinic sites weigh. Each stage is timed on the same pages in this run; the baseline is a bare
lxml parse, the least any HTML pipeline must do, so the ratio says how much our work costs on top;
"rules alone" scores without the sentence model, so the two rows say what the model costs.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.demoweb import build  # noqa: E402
from crawler.extract import extract_page  # noqa: E402
from crawler.extract.contacts import to_e164  # noqa: E402
from scoring import aggregate, load_rules, scan_page  # noqa: E402


def demo_pages() -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        return [p.read_bytes() for p in sorted(Path(tmp).rglob("*.html"))]


def cms_shell(page: bytes, i: int) -> bytes:
    """Wrap a page in the kind of markup a WordPress/Elementor theme adds around content."""
    css = "".join(f".elementor-element-{i}-{k}{{margin:{k}px;padding:0 {k}px;color:#{k:06x}}}\n" for k in range(700))
    js = "".join(f"var wpData{k}={{id:{k},nonce:'a{k}b',labels:['Book now','Call us','Menu']}};\n" for k in range(500))
    menu = "".join(f'<li class="menu-item menu-item-{k}"><a href="/service-{k}/">Service {k}</a>'
                   f'<ul class="sub-menu"><li class="menu-item"><a href="/service-{k}/faq/">FAQ {k}</a></li></ul></li>'
                   for k in range(60))
    footer = "".join(f"<p>Location {k}: {100 + k} Main Street, Austin, TX 787{k % 100:02d} · (512) 555-01{k % 100:02d}</p>" for k in range(12))
    head = (f"<html><head><style>{css}</style><script>{js}</script></head><body>"
            f'<div id="cookie-banner">We use cookies to improve your experience. <a href="#">Accept</a></div>'
            f'<header><ul class="menu">{menu}</ul></header><main>').encode()
    return head + page + f"</main><footer>{footer}</footer></body></html>".encode()


def time_stage(fn, pages, repeat) -> float:
    best = float("inf")
    rules = load_rules()  # the rules alone share its caches
    for _ in range(repeat):
        rules.cache.clear()  # every run starts cold: no sentence remembered from the last
        rules.model_cache.clear()
        to_e164.cache_clear()  # and no phone number parsed
        start = time.process_time()
        for page in pages:
            fn(page)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    rules = load_rules()
    alone = rules.without_model()
    small = demo_pages()
    heavy = [cms_shell(p, i) for i, p in enumerate(small)]
    texts = {"demo pages": [extract_page(p).text for p in small],
             "CMS-sized pages": [extract_page(p).text for p in heavy]}
    stages = {
        "baseline: lxml parse": lambda p: lxml.html.fromstring(p),
        "extract (lxml)": lambda p: extract_page(p),
        "extract + score": lambda p: aggregate([scan_page(extract_page(p).text, "", rules)], rules),
        "extract + rules alone": lambda p: aggregate([scan_page(extract_page(p).text, "", alone)], alone),
    }
    results = []
    for label, pages in (("demo pages", small), ("CMS-sized pages", heavy)):
        mb = sum(map(len, pages)) / 1e6
        base = None
        for stage, fn in stages.items():
            seconds = time_stage(fn, pages, args.repeat)
            base = base or seconds
            results.append({"pages": label, "stage": stage, "n": len(pages), "mb": round(mb, 2),
                            "pages_per_s": round(len(pages) / seconds, 1), "mb_per_s": round(mb / seconds, 2),
                            "ratio_to_baseline": round(seconds / base, 2)})
    for label, group in texts.items():
        seconds = time_stage(lambda t: scan_page(t, "", rules), group, args.repeat)
        mb = sum(map(len, group)) / 1e6
        results.append({"pages": label, "stage": "score text only", "n": len(group), "mb": round(mb, 2),
                        "pages_per_s": round(len(group) / seconds, 1), "mb_per_s": round(mb / seconds, 2),
                        "ratio_to_baseline": None})

    print(f"{'pages':16} {'stage':24} {'n':>5} {'MB':>6} {'pages/s':>9} {'MB/s':>7} {'x baseline':>10}")
    for r in results:
        ratio = "" if r["ratio_to_baseline"] is None else f"{r['ratio_to_baseline']:.2f}"
        print(f"{r['pages']:16} {r['stage']:24} {r['n']:5} {r['mb']:6.2f} {r['pages_per_s']:9.1f} {r['mb_per_s']:7.2f} {ratio:>10}")
    print("CPU time (process_time), best of", args.repeat, "runs, one core.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
