"""Figures and tables of a clinicvet database, for a paper or the notebook in `notebooks/`.

Table functions take a database path (or an open sqlite3 connection) and return plain data — lists
of dicts or small dataclasses — so they can be tested, printed or written to CSV without pandas.
Plot functions take that data and return a matplotlib Figure drawn on the Agg canvas (no pyplot,
no display needed), each with a title and labelled axes. `write_figures` writes them all.

Every number here counts what clinic *websites say*: a flag is a public claim, not a practice.

    from crawler import analysis
    rows = analysis.flag_prevalence("data/demo.db")
    analysis.plot_flag_prevalence(rows).savefig("prevalence.png")
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import NormalDist

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from scoring import FLAGS, NO_KETAMINE_TIER, RED_FLAGS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_DB = PROJECT_ROOT / "data" / "demo.db"

SERVICES = ("IV infusion", "IM injection", "Spravato (esketamine)", "At-home (oral/lozenge)",
            "Ketamine-assisted psychotherapy", "Telehealth")
CONDITIONS = ("Depression", "Treatment-resistant depression", "Anxiety", "GAD", "Social anxiety",
              "PTSD", "OCD", "Panic disorder", "Bipolar depression", "Chronic pain",
              "Suicidal ideation", "Postpartum depression", "Substance use")
# The anxiety-spectrum conditions the patient guidance is about; called out in tables and plots.
ANXIETY_CONDITIONS = ("Anxiety", "GAD", "Social anxiety", "PTSD", "OCD", "Panic disorder")
TIER_ORDER = ("meets-basics", "incomplete", "not-enough-info", "red-flags")
SCORE_BINS = tuple((low, low + 9 if low < 90 else 100) for low in range(0, 100, 10))
Z95 = NormalDist().inv_cdf(0.975)

# A clinic counts once it has been scored; a seed that was never reached has no tier and no flags,
# and a site that offers no ketamine care (a vet, a TMS centre: rules.yml ketamine_gate) is no
# part of the market the figures describe.
SCORED = f"tier IS NOT NULL AND tier != '{NO_KETAMINE_TIER}'"
POSITIVE_COLOR, RED_COLOR, ANXIETY_COLOR, OTHER_COLOR = "#2b7bba", "#c0392b", "#8e44ad", "#95a5a6"


class AnalysisError(Exception):
    """A database that is missing or is not a clinicvet database (the CLI prints it as one line)."""


# -- database access --------------------------------------------------------------------------
@contextmanager
def connect(db: str | Path | sqlite3.Connection):
    """Yield a connection; a path is opened read-only so analysis can never change the data."""
    if isinstance(db, sqlite3.Connection):
        yield db
        return
    conn = _open(Path(db))
    try:
        yield conn
    finally:
        conn.close()


def _open(path: Path) -> sqlite3.Connection:
    """Open read-only and check it is a clinicvet database, or raise AnalysisError."""
    if not path.is_file():
        raise AnalysisError(f"database not found: {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = _has_table(conn, "clinics")
    except sqlite3.DatabaseError as e:
        conn.close()
        raise AnalysisError(f"cannot read {path}: {e}") from None
    if not ok:
        conn.close()
        raise AnalysisError(f"not a clinicvet database (no clinics table): {path}")
    return conn


def _rows(conn: sqlite3.Connection, sql: str, params=()) -> list[dict]:
    """Rows as dicts without touching the caller's row_factory."""
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    sql = "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?"
    return conn.execute(sql, (name,)).fetchone() is not None


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def _flags_in(conn: sqlite3.Connection, table: str = "clinics") -> list[str]:
    """The rubric's flags this database has, in rubric order (an older file may lack some)."""
    present = set(_columns(conn, table))
    return [f for f in FLAGS if f in present]


def _quoted(names) -> str:
    return ", ".join(f'"{n}"' for n in names)


def _count(conn: sqlite3.Connection, table: str, where: str = "1") -> int:
    if not _has_table(conn, table):
        return 0
    return conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}').fetchone()[0]


# -- statistics -------------------------------------------------------------------------------
def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n: unlike the normal approximation it stays
    inside [0, 1] and is honest at 0 % or 100 %, which small clinic samples often hit.
    With n = 0 nothing is known, so the interval is the whole of [0, 1]."""
    if n == 0:
        return 0.0, 1.0
    if not 0 <= k <= n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exact ends: no 1e-17 from rounding
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def _share(k: int, n: int) -> float:
    return k / n if n else 0.0


# -- tables -----------------------------------------------------------------------------------
@dataclass
class Counts:
    """How much data the figures rest on: a paper states these first."""
    clinics: int
    scored_clinics: int
    unreachable_clinics: int
    pages: int
    evidence: int
    crawls: int


def counts(db) -> Counts:
    """Clinics (all, scored, unreachable at the last crawl), pages, evidence sentences, crawls."""
    with connect(db) as conn:
        return Counts(
            clinics=_count(conn, "clinics"),
            scored_clinics=_count(conn, "clinics", SCORED),
            unreachable_clinics=_count(conn, "clinics", "status = 'unreachable'"),
            pages=_count(conn, "pages"),
            evidence=_count(conn, "evidence"),
            crawls=_count(conn, "crawls"),
        )


def flag_prevalence(db) -> list[dict]:
    """Share of scored clinics whose site sets each flag, with a 95 % Wilson interval."""
    with connect(db) as conn:
        flags = _flags_in(conn)
        n = _count(conn, "clinics", SCORED)
        sums = _flag_sums(conn, flags)
    rows = []
    for flag in flags:
        k = sums[flag]
        low, high = wilson_interval(k, n)
        rows.append({"flag": flag, "kind": _kind(flag), "clinics_with_flag": k, "clinics": n,
                     "prevalence": _share(k, n), "ci_low": low, "ci_high": high})
    return rows


def _sums(flags, table: str = "") -> str:
    """SQL selecting, per flag, how many rows set it (0 rather than NULL for an empty group)."""
    prefix = f"{table}." if table else ""
    return "".join(f', coalesce(sum({prefix}"{f}" = 1), 0) AS "{f}"' for f in flags)


def _flag_sums(conn, flags) -> dict[str, int]:
    return _rows(conn, f"SELECT count(*) AS n{_sums(flags)} FROM clinics WHERE {SCORED}")[0]


def _kind(flag: str) -> str:
    return "red" if flag in RED_FLAGS else "positive"


def score_distribution(db) -> list[dict]:
    """Scored clinics per score band (0–9, …, 90–100): where the market sits on the 0–100 scale."""
    with connect(db) as conn:
        scores = [r[0] for r in conn.execute(f"SELECT score FROM clinics WHERE {SCORED}")]
    rows = []
    for low, high in SCORE_BINS:
        k = sum(1 for s in scores if s is not None and low <= s <= high)
        rows.append({"score_from": low, "score_to": high, "clinics": k})
    return rows


def tier_distribution(db) -> list[dict]:
    """Scored clinics per tier, in the order a reader acts on them (unknown tiers last)."""
    with connect(db) as conn:
        found = dict(conn.execute(f"SELECT tier, count(*) FROM clinics WHERE {SCORED} GROUP BY tier"))
    n = sum(found.values())
    order = list(TIER_ORDER) + sorted(set(found) - set(TIER_ORDER))
    return [{"tier": t, "clinics": found.get(t, 0), "share": _share(found.get(t, 0), n)}
            for t in order]


def flags_by_state(db, min_clinics: int = 1) -> list[dict]:
    """Per state: scored clinics and how many set each flag (the heat map's data).

    States with fewer than `min_clinics` clinics are left out: one clinic makes a share of 0 or 1."""
    with connect(db) as conn:
        flags = _flags_in(conn)
        sql = (f"SELECT coalesce(nullif(trim(state), ''), 'unknown') AS state, count(*) AS clinics"
               f"{_sums(flags)} FROM clinics WHERE {SCORED} GROUP BY 1 ORDER BY 1")
        rows = _rows(conn, sql)
    return [r for r in rows if r["clinics"] >= min_clinics]


def _parse_labels(raw) -> set[str] | None:
    """A JSON array of labels as a set; None for NULL (not detected yet) or a malformed value,
    which say nothing either way and are left out of the denominators."""
    try:
        labels = json.loads(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None
    return {str(x) for x in labels} if isinstance(labels, list) else None


def _labels(conn, column: str) -> list[set[str]]:
    """Each scored clinic's labels in a JSON-array column; empty if the column does not exist."""
    if column not in _columns(conn, "clinics"):
        return []
    parsed = (_parse_labels(raw) for (raw,) in
              conn.execute(f'SELECT "{column}" FROM clinics WHERE {SCORED}'))
    return [labels for labels in parsed if labels is not None]


def offerings(db, column: str = "conditions") -> list[dict]:
    """How many clinics' sites offer each service or condition (column "services" or
    "conditions"), the vocabulary first so a label nobody offers still shows as 0.
    Empty when the column does not exist or no clinic has a value yet."""
    vocabulary = {"services": SERVICES, "conditions": CONDITIONS}.get(column)
    if vocabulary is None:
        raise ValueError(f"column must be 'services' or 'conditions', not {column!r}")
    with connect(db) as conn:
        per_clinic = _labels(conn, column)
    if not per_clinic:
        return []
    n = len(per_clinic)
    seen = {label for labels in per_clinic for label in labels}
    order = list(vocabulary) + sorted(seen - set(vocabulary))
    rows = []
    for label in order:
        k = sum(label in labels for labels in per_clinic)
        rows.append({"label": label, "clinics": k, "clinics_with_data": n, "share": _share(k, n),
                     "anxiety": label in ANXIETY_CONDITIONS})
    return rows


def anxiety_vetting(db) -> list[dict]:
    """Clinics whose site offers treatment for an anxiety disorder, and how many of them say
    nothing about screening or certified staff, or make a red-flag claim: the guidance's worry.
    Empty when the conditions column does not exist or has no values yet."""
    with connect(db) as conn:
        if "conditions" not in _columns(conn, "clinics"):
            return []
        flags = _flags_in(conn)
        rows = _rows(conn, f"SELECT {_quoted(['conditions', *flags])} FROM clinics WHERE {SCORED}")
    parsed = [(labels, r) for r in rows if (labels := _parse_labels(r["conditions"])) is not None]
    if not parsed:
        return []
    out = []
    for label in ("Any anxiety disorder", *ANXIETY_CONDITIONS):
        wanted = set(ANXIETY_CONDITIONS) if label == "Any anxiety disorder" else {label}
        group = [r for labels, r in parsed if wanted & labels]
        out.append({"condition": label, **_vetting_gaps(group)})
    return out


def _vetting_gaps(group: list[dict]) -> dict:
    """Counts of the two key missing signals and of red flags within a group of clinic rows."""
    no_screen = [r for r in group if not r.get("screening")]
    no_staff = [r for r in group if not r.get("certified_staff")]
    return {"clinics": len(group),
            "missing_screening": len(no_screen),
            "missing_certified_staff": len(no_staff),
            "missing_both": sum(1 for r in no_screen if not r.get("certified_staff")),
            "any_red_flag": sum(1 for r in group if any(r.get(f) for f in RED_FLAGS))}


def red_flag_cooccurrence(db) -> list[dict]:
    """For clinics with each red flag, with any, and with none: how many also lack screening,
    certified staff, or both. Shows whether bold claims travel with thin vetting language."""
    with connect(db) as conn:
        flags = _flags_in(conn)
        rows = _rows(conn, f"SELECT {_quoted(['id', *flags])} FROM clinics WHERE {SCORED}")
    red = [f for f in RED_FLAGS if f in flags]
    groups = [(f, [r for r in rows if r[f]]) for f in red]
    groups.append(("any red flag", [r for r in rows if any(r[f] for f in red)]))
    groups.append(("no red flag", [r for r in rows if not any(r[f] for f in red)]))
    out = []
    for name, group in groups:
        gaps = _vetting_gaps(group)
        del gaps["any_red_flag"]
        out.append({"group": name, **gaps})
    return out


def flag_history(db) -> list[dict]:
    """Share of clinics setting each flag per crawl, from the `clinic_history` table (one row per
    clinic per crawl: crawl_id, clinic_id and the flag columns). Empty until that table exists."""
    with connect(db) as conn:
        if not _has_table(conn, "clinic_history"):
            return []
        if "crawl_id" not in _columns(conn, "clinic_history"):
            return []
        flags = _flags_in(conn, "clinic_history")
        started = ("(SELECT started_at FROM crawls WHERE crawls.id = h.crawl_id)"
                   if _has_table(conn, "crawls") else "NULL")
        rows = _rows(conn, f"SELECT h.crawl_id, {started} AS started_at, count(*) AS clinics"
                           f"{_sums(flags, 'h')} FROM clinic_history h "
                           "GROUP BY h.crawl_id ORDER BY h.crawl_id")
    for row in rows:
        for f in flags:
            row[f] = _share(row[f], row["clinics"])
    return rows


# -- plots ------------------------------------------------------------------------------------
def _figure(width: float = 8, height: float = 5) -> Figure:
    """A figure on the Agg canvas: renders headless and leaves pyplot's global state alone."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _empty(ax, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes,
            fontsize=13, color="#555555")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_flag_prevalence(rows: list[dict]) -> Figure:
    """Horizontal bars with 95 % Wilson intervals; red flags in red, positive signals in blue."""
    fig = _figure(8, 5.5)
    ax = fig.add_subplot()
    n = rows[0]["clinics"] if rows else 0
    ax.set_title(f"What clinic websites say: flag prevalence (n = {n} clinics, 95% Wilson CI)")
    ax.set_xlabel("Share of clinics whose website sets the flag")
    ax.set_ylabel("Flag")
    if not rows or not n:
        _empty(ax, "no scored clinics")
        return fig
    rows = rows[::-1]  # first flag on top
    y = range(len(rows))
    values = [r["prevalence"] for r in rows]
    err = [[max(0.0, r["prevalence"] - r["ci_low"]) for r in rows],
           [max(0.0, r["ci_high"] - r["prevalence"]) for r in rows]]
    colors = [RED_COLOR if r["kind"] == "red" else POSITIVE_COLOR for r in rows]
    ax.barh(y, values, xerr=err, color=colors, capsize=3, ecolor="#333333")
    ax.set_yticks(list(y), [r["flag"] for r in rows])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent)
    for i, r in enumerate(rows):
        ax.text(min(r["ci_high"] + 0.01, 0.9), i, f'{r["clinics_with_flag"]}/{n}', va="center", fontsize=8)
    ax.legend(handles=[_patch(POSITIVE_COLOR, "positive signal"), _patch(RED_COLOR, "red flag")],
              loc="lower right")
    return fig


def _percent(x, _pos=None) -> str:
    return f"{x:.0%}"


def _patch(color: str, label: str):
    from matplotlib.patches import Patch
    return Patch(color=color, label=label)


def plot_score_tiers(scores: list[dict], tiers: list[dict]) -> Figure:
    """Two panels: clinics per score band, and clinics per tier."""
    fig = _figure(11, 4.5)
    left, right = fig.subplots(1, 2)
    left.set_title("Score distribution")
    left.set_xlabel("Score band (0–100)")
    left.set_ylabel("Clinics")
    right.set_title("Tier distribution")
    right.set_xlabel("Tier")
    right.set_ylabel("Clinics")
    if not sum(r["clinics"] for r in scores):
        _empty(left, "no scored clinics")
        _empty(right, "no scored clinics")
        return fig
    labels = [f'{r["score_from"]}–{r["score_to"]}' for r in scores]
    left.bar(labels, [r["clinics"] for r in scores], color=POSITIVE_COLOR)
    left.tick_params(axis="x", labelrotation=45)
    tier_colors = {"red-flags": RED_COLOR, "meets-basics": "#27ae60", "incomplete": "#f39c12"}
    right.bar([r["tier"] for r in tiers], [r["clinics"] for r in tiers],
              color=[tier_colors.get(r["tier"], OTHER_COLOR) for r in tiers])
    for ax in (left, right):
        ax.yaxis.get_major_locator().set_params(integer=True)
    fig.suptitle("Scores and tiers of clinic websites")
    return fig


def plot_flags_by_state(rows: list[dict]) -> Figure:
    """Heat map: share of each state's clinics setting each flag, annotated k/n."""
    flags = [f for f in FLAGS if rows and f in rows[0]]
    fig = _figure(10, max(4, 0.32 * len(rows) + 2))
    ax = fig.add_subplot()
    ax.set_title("Flags by state: share of clinics whose website sets each flag")
    ax.set_xlabel("Flag (positive signals, then red flags)")
    ax.set_ylabel("State (number of clinics)")
    if not rows or not flags:
        _empty(ax, "no scored clinics")
        return fig
    matrix = [[_share(r[f], r["clinics"]) for f in flags] for r in rows]
    image = ax.imshow(matrix, aspect="auto", cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(flags)), flags, rotation=40, ha="right")
    ax.set_yticks(range(len(rows)), [f'{r["state"]} ({r["clinics"]})' for r in rows])
    reds = [i for i, f in enumerate(flags) if f in RED_FLAGS]
    if reds and reds[0] > 0:
        ax.axvline(reds[0] - 0.5, color=RED_COLOR, linewidth=2)
    if len(rows) <= 40:
        for i, r in enumerate(rows):
            for j, f in enumerate(flags):
                ax.text(j, i, f'{r[f]}/{r["clinics"]}', ha="center", va="center", fontsize=7,
                        color="white" if matrix[i][j] > 0.6 else "black")
    fig.colorbar(image, ax=ax, label="Share of the state's clinics", format=_percent)
    return fig


def plot_offerings(rows: list[dict], what: str = "conditions") -> Figure:
    """Bars of clinics offering each label; anxiety-spectrum conditions in purple."""
    fig = _figure(8, 5.5)
    ax = fig.add_subplot()
    n = rows[0]["clinics_with_data"] if rows else 0
    ax.set_title(f"{what.capitalize()} offered on clinic websites (n = {n} clinics)")
    ax.set_xlabel("Share of clinics whose website offers it")
    ax.set_ylabel(what.capitalize()[:-1] if what.endswith("s") else what)
    if not rows:
        _empty(ax, f"no {what} data yet")
        return fig
    rows = rows[::-1]
    colors = [ANXIETY_COLOR if r["anxiety"] else POSITIVE_COLOR for r in rows]
    ax.barh(range(len(rows)), [r["share"] for r in rows], color=colors)
    ax.set_yticks(range(len(rows)), [r["label"] for r in rows])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(_percent)
    for i, r in enumerate(rows):
        ax.text(min(r["share"] + 0.01, 0.9), i, f'{r["clinics"]}/{n}', va="center", fontsize=8)
    if any(r["anxiety"] for r in rows):
        ax.legend(handles=[_patch(ANXIETY_COLOR, "anxiety disorder"), _patch(POSITIVE_COLOR, "other")],
                  loc="lower right")
    return fig


def plot_red_flag_cooccurrence(rows: list[dict]) -> Figure:
    """Heat map: share of each red-flag group (and of clinics without one) lacking screening,
    certified staff, or both."""
    return _gaps_heatmap(rows, "group", "Red flags and missing vetting language",
                         "Clinics with… (number)", "no scored clinics")


def plot_anxiety_vetting(rows: list[dict]) -> Figure:
    """Heat map: among clinics offering each anxiety disorder, the share lacking screening,
    certified staff, or both."""
    return _gaps_heatmap(rows, "condition", "Clinics offering anxiety treatment: missing vetting language",
                         "Condition offered (number of clinics)", "no conditions data yet")


def _gaps_heatmap(rows: list[dict], key: str, title: str, ylabel: str, empty: str) -> Figure:
    columns = ("missing_screening", "missing_certified_staff", "missing_both")
    fig = _figure(8, max(3.5, 0.45 * len(rows) + 2))
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_xlabel("Website says nothing about…")
    ax.set_ylabel(ylabel)
    if not rows or not sum(r["clinics"] for r in rows):
        _empty(ax, empty)
        return fig
    matrix = [[_share(r[c], r["clinics"]) for c in columns] for r in rows]
    image = ax.imshow(matrix, aspect="auto", cmap="Reds", vmin=0, vmax=1)
    ax.set_xticks(range(len(columns)), ["screening", "certified staff", "both"])
    ax.set_yticks(range(len(rows)), [f'{r[key]} ({r["clinics"]})' for r in rows])
    for i, r in enumerate(rows):
        for j, c in enumerate(columns):
            ax.text(j, i, f'{r[c]}/{r["clinics"]}', ha="center", va="center", fontsize=9,
                    color="white" if matrix[i][j] > 0.6 else "black")
    fig.colorbar(image, ax=ax, label="Share of the row's clinics", format=_percent)
    return fig


def plot_flag_history(rows: list[dict]) -> Figure:
    """One line per flag across crawls; says so plainly when there is no history."""
    fig = _figure(9, 5)
    ax = fig.add_subplot()
    ax.set_title("Flag prevalence over time")
    ax.set_xlabel("Crawl (id and start date)")
    ax.set_ylabel("Share of clinics whose website sets the flag")
    if not rows:
        _empty(ax, "no crawl history yet")
        return fig
    x = [f'#{r["crawl_id"]}' + (f'\n{r["started_at"][:10]}' if r["started_at"] else "") for r in rows]
    for f in (f for f in FLAGS if f in rows[0]):
        ax.plot(x, [r[f] for r in rows], marker="o", label=f,
                linestyle="--" if f in RED_FLAGS else "-")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent)
    ax.legend(fontsize=8, ncols=2)
    return fig


# -- everything at once -----------------------------------------------------------------------
def tables(db) -> dict[str, list[dict]]:
    """Every table by name (the CSV file stem), computed once."""
    return {
        "counts": [asdict(counts(db))],
        "flag_prevalence": flag_prevalence(db),
        "score_distribution": score_distribution(db),
        "tier_distribution": tier_distribution(db),
        "flags_by_state": flags_by_state(db),
        "services": offerings(db, "services"),
        "conditions": offerings(db, "conditions"),
        "anxiety_vetting": anxiety_vetting(db),
        "red_flag_cooccurrence": red_flag_cooccurrence(db),
        "flag_history": flag_history(db),
    }


def figures(t: dict[str, list[dict]]) -> dict[str, Figure]:
    """Every figure by name (the PNG file stem), from `tables()`."""
    return {
        "flag_prevalence": plot_flag_prevalence(t["flag_prevalence"]),
        "score_tiers": plot_score_tiers(t["score_distribution"], t["tier_distribution"]),
        "flags_by_state": plot_flags_by_state(t["flags_by_state"]),
        "services": plot_offerings(t["services"], "services"),
        "conditions": plot_offerings(t["conditions"], "conditions"),
        "anxiety_vetting": plot_anxiety_vetting(t["anxiety_vetting"]),
        "red_flag_cooccurrence": plot_red_flag_cooccurrence(t["red_flag_cooccurrence"]),
        "flag_history": plot_flag_history(t["flag_history"]),
    }


# Headers for tables that can be empty, so their CSV still says what it would hold.
EMPTY_COLUMNS = {
    "services": ("label", "clinics", "clinics_with_data", "share", "anxiety"),
    "conditions": ("label", "clinics", "clinics_with_data", "share", "anxiety"),
    "anxiety_vetting": ("condition", "clinics", "missing_screening", "missing_certified_staff",
                        "missing_both", "any_red_flag"),
    "flag_history": ("crawl_id", "started_at", "clinics", *FLAGS),
}


def write_csv(rows: list[dict], path: Path, columns=()) -> Path:
    """One table as CSV; floats to 4 decimals so the same database gives the same bytes.
    An empty table still gets a file with the header `columns`."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(rows[0].keys() if rows else columns)
        for row in rows:
            writer.writerow(f"{v:.4f}" if isinstance(v, float) else v for v in row.values())
    return path


def write_figures(db_path, out_dir) -> list[Path]:
    """Write every figure as PNG and every table as CSV into out_dir; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    t = tables(db_path)
    written = [write_csv(rows, out / f"{name}.csv", EMPTY_COLUMNS.get(name, ()))
               for name, rows in t.items()]
    for name, fig in figures(t).items():
        path = out / f"{name}.png"
        fig.savefig(path, dpi=120)
        written.append(path)
    return written


def resolve_db(db_path: str | Path | None = None, build_demo: bool = True) -> Path:
    """The notebook's database: a relative path is taken from the repository root, so the
    notebook runs from any directory. The demo database is built when missing (about 5 s);
    any other missing path is an error, never silently replaced by demo data."""
    path = Path(db_path) if db_path else DEMO_DB
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    if path.is_file():
        return path
    if build_demo and path.resolve() == DEMO_DB.resolve():
        done = subprocess.run([sys.executable, "-m", "crawler.cli", "demo", "--no-serve", "--db", str(path)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True)
        if done.returncode:
            raise AnalysisError(f"building the demo database failed: {done.stderr.strip()[-500:]}")
        return path
    raise AnalysisError(f"database not found: {path}")
