"""crawler.analysis on a small database with known counts, its figures, and the notebook end to end."""

import csv
import json
import sqlite3

import nbformat
import pytest
import sqlite_utils
from matplotlib.figure import Figure
from nbclient import NotebookClient
from PIL import Image

from crawler import analysis
from scoring import FLAGS, RED_FLAGS
from tests.helpers import ROOT

NOTEBOOK = ROOT / "notebooks" / "market_overview.ipynb"

# state, screening, certified_staff, overclaiming, no_screening_claim, tier, score
CLINICS = [
    ("CA", 1, 1, 0, 0, "meets-basics", 100),
    ("CA", 1, 1, 0, 0, "meets-basics", 90),
    ("CA", 1, 0, 0, 0, "incomplete", 25),
    ("CA", 0, 0, 1, 0, "red-flags", 0),
    ("TX", 0, 0, 1, 1, "red-flags", 0),
    ("TX", 0, 1, 1, 0, "red-flags", 30),
    ("TX", 1, 1, 0, 0, "meets-basics", 75),
    ("NY", 1, 1, 0, 0, "meets-basics", 50),
    ("NY", 0, 0, 0, 0, "not-enough-info", 0),
    (None, 1, 1, 0, 0, "meets-basics", 50),
]


def build_db(path, extra_columns=None):
    """Ten scored clinics (the last one unreachable), one never scored, 3 pages, 2 evidence, 2 crawls."""
    db = sqlite_utils.Database(path)
    rows = []
    for i, (state, screening, staff, over, nsc, tier, score) in enumerate(CLINICS, start=1):
        row = {f: 0 for f in FLAGS}
        row.update(id=i, name=f"Clinic {i}", domain=f"c{i}.example", state=state, tier=tier,
                   score=score, status="ok", screening=screening, certified_staff=staff,
                   overclaiming=over, no_screening_claim=nsc)
        rows.append(row)
    rows[-1]["status"] = "unreachable"
    rows.append({"id": 11, "name": "Never reached", "domain": "c11.example", "state": "CA",
                 "tier": None, "score": None, "status": "unreachable", **{f: None for f in FLAGS}})
    for i, extra in (extra_columns or {}).items():
        rows[i - 1].update(extra)
    db["clinics"].insert_all(rows, pk="id", alter=True)
    db["pages"].insert_all([{"url": f"https://c1.example/{n}", "clinic_id": 1} for n in range(3)],
                           pk="url")
    db["evidence"].insert_all([{"clinic_id": 1, "flag": "screening", "page_url": "u", "snippet": "s"}] * 2)
    db["crawls"].insert_all([{"id": 1, "started_at": "2026-01-05T10:00:00"},
                             {"id": 2, "started_at": "2026-02-05T10:00:00"}], pk="id")
    return path


@pytest.fixture
def db(tmp_path):
    return build_db(tmp_path / "small.db")


def by(rows, key):
    return {r[key]: r for r in rows}


# -- statistics -------------------------------------------------------------------------------
@pytest.mark.parametrize("k, n, low, high", [
    (6, 10, 0.3127, 0.8318),   # worked by hand from Wilson (1927) with z = 1.96
    (0, 10, 0.0, 0.2775),
    (10, 10, 0.7225, 1.0),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_interval_matches_published_values(k, n, low, high):
    got = analysis.wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_interval_edge_cases():
    assert analysis.wilson_interval(0, 0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        analysis.wilson_interval(5, 3)


# -- tables -----------------------------------------------------------------------------------
def test_counts(db):
    assert analysis.counts(db) == analysis.Counts(clinics=11, scored_clinics=10, unreachable_clinics=2,
                                                  pages=3, evidence=2, crawls=2)


def test_flag_prevalence_counts_scored_clinics_only(db):
    rows = analysis.flag_prevalence(db)
    assert [r["flag"] for r in rows] == list(FLAGS)
    prevalence = by(rows, "flag")
    assert {f: prevalence[f]["clinics_with_flag"] for f in FLAGS} == {
        **{f: 0 for f in FLAGS}, "screening": 6, "certified_staff": 6, "overclaiming": 3,
        "no_screening_claim": 1}
    assert all(r["clinics"] == 10 for r in rows)
    screening = prevalence["screening"]
    assert screening["prevalence"] == 0.6
    assert (screening["ci_low"], screening["ci_high"]) == pytest.approx((0.3127, 0.8318), abs=1e-4)
    assert (prevalence["risk_disclosure"]["ci_low"], prevalence["risk_disclosure"]["ci_high"]) == \
        pytest.approx((0.0, 0.2775), abs=1e-4)
    assert {r["flag"] for r in rows if r["kind"] == "red"} == set(RED_FLAGS)


def test_sites_that_offer_no_ketamine_care_are_left_out_of_the_market(tmp_path):
    # A veterinary hospital in the seed list (tier no-ketamine-service, no flag): not a clinic of the
    # market, so no denominator, score band or tier row counts it.
    db = build_db(tmp_path / "c.db")
    sqlite_utils.Database(db)["clinics"].insert({"id": 12, "name": "Animal hospital", "domain": "vet.example",
                                                 "state": "CA", "tier": "no-ketamine-service", "score": 0,
                                                 "status": "ok", **{f: 0 for f in FLAGS}})
    assert analysis.counts(db).scored_clinics == 10
    assert all(r["clinics"] == 10 for r in analysis.flag_prevalence(db))
    assert "no-ketamine-service" not in {r["tier"] for r in analysis.tier_distribution(db)}


def test_score_and_tier_distribution(db):
    scores = {(r["score_from"], r["score_to"]): r["clinics"] for r in analysis.score_distribution(db)}
    assert scores == {(0, 9): 3, (10, 19): 0, (20, 29): 1, (30, 39): 1, (40, 49): 0, (50, 59): 2,
                      (60, 69): 0, (70, 79): 1, (80, 89): 0, (90, 100): 2}
    tiers = analysis.tier_distribution(db)
    assert [(r["tier"], r["clinics"]) for r in tiers] == [
        ("meets-basics", 5), ("incomplete", 1), ("not-enough-info", 1), ("red-flags", 3)]
    assert sum(r["share"] for r in tiers) == pytest.approx(1.0)


def test_flags_by_state_heat_map_data(db):
    rows = analysis.flags_by_state(db)
    assert [r["state"] for r in rows] == ["CA", "NY", "TX", "unknown"]
    states = by(rows, "state")
    assert states["CA"]["clinics"] == 4  # the never-scored CA clinic is not counted
    ca, tx = states["CA"], states["TX"]
    assert (ca["screening"], ca["certified_staff"], ca["overclaiming"], ca["false_fda_claim"]) == (3, 2, 1, 0)
    assert (tx["screening"], tx["overclaiming"], tx["no_screening_claim"]) == (1, 2, 1)
    assert states["unknown"]["clinics"] == 1
    assert [r["state"] for r in analysis.flags_by_state(db, min_clinics=3)] == ["CA", "TX"]


def test_red_flag_cooccurrence_counts(db):
    rows = by(analysis.red_flag_cooccurrence(db), "group")
    assert list(rows) == [*RED_FLAGS, "any red flag", "no red flag"]
    keys = ("clinics", "missing_screening", "missing_certified_staff", "missing_both")
    assert tuple(rows["overclaiming"][k] for k in keys) == (3, 3, 2, 2)
    assert tuple(rows["no_screening_claim"][k] for k in keys) == (1, 1, 1, 1)
    assert tuple(rows["false_fda_claim"][k] for k in keys) == (0, 0, 0, 0)
    assert tuple(rows["any red flag"][k] for k in keys) == (3, 3, 2, 2)
    assert tuple(rows["no red flag"][k] for k in keys) == (7, 1, 2, 1)


def test_services_and_conditions_empty_without_columns(db):
    assert analysis.offerings(db, "services") == []
    assert analysis.offerings(db, "conditions") == []
    assert analysis.anxiety_vetting(db) == []
    with pytest.raises(ValueError):
        analysis.offerings(db, "prices")


def test_conditions_counted_with_anxiety_called_out(tmp_path):
    db = build_db(tmp_path / "c.db", {
        1: {"conditions": json.dumps(["Depression", "GAD", "PTSD"]), "services": '["IV infusion"]'},
        2: {"conditions": json.dumps(["GAD"]), "services": '["IV infusion", "Telehealth"]'},
        4: {"conditions": json.dumps(["OCD", "Microdosing"]), "services": "[]"},   # no screening, no staff
        5: {"conditions": "not json", "services": None},                           # skipped
        11: {"conditions": json.dumps(["GAD"])},                                   # never scored: skipped
    })
    conditions = by(analysis.offerings(db, "conditions"), "label")
    assert list(conditions)[:len(analysis.CONDITIONS)] == list(analysis.CONDITIONS)
    assert list(conditions)[-1] == "Microdosing"  # labels outside the vocabulary are kept, last
    assert conditions["GAD"]["clinics"] == 2 and conditions["GAD"]["clinics_with_data"] == 3
    assert conditions["GAD"]["share"] == pytest.approx(2 / 3)
    assert conditions["Bipolar depression"]["clinics"] == 0
    assert {label for label, r in conditions.items() if r["anxiety"]} == set(analysis.ANXIETY_CONDITIONS)
    services = by(analysis.offerings(db, "services"), "label")
    assert (services["IV infusion"]["clinics"], services["Telehealth"]["clinics"]) == (2, 1)
    assert services["IV infusion"]["clinics_with_data"] == 3

    anxiety = by(analysis.anxiety_vetting(db), "condition")
    keys = ("clinics", "missing_screening", "missing_certified_staff", "missing_both", "any_red_flag")
    assert tuple(anxiety["Any anxiety disorder"][k] for k in keys) == (3, 1, 1, 1, 1)
    assert tuple(anxiety["GAD"][k] for k in keys) == (2, 0, 0, 0, 0)
    assert anxiety["Panic disorder"]["clinics"] == 0


def test_flag_history_empty_without_table(db):
    assert analysis.flag_history(db) == []
    fig = analysis.plot_flag_history([])
    assert any(t.get_text() == "no crawl history yet" for t in fig.axes[0].texts)


def test_flag_history_from_table(db):
    history = sqlite_utils.Database(db)["clinic_history"]
    history.insert_all([{"crawl_id": 1, "clinic_id": i, "screening": int(i <= 1), "overclaiming": 0}
                        for i in (1, 2)] +
                       [{"crawl_id": 2, "clinic_id": i, "screening": 1, "overclaiming": int(i == 3)}
                        for i in (1, 2, 3, 4)])
    rows = analysis.flag_history(db)
    assert [(r["crawl_id"], r["started_at"][:7], r["clinics"]) for r in rows] == [
        (1, "2026-01", 2), (2, "2026-02", 4)]
    assert (rows[0]["screening"], rows[1]["screening"], rows[1]["overclaiming"]) == (0.5, 1.0, 0.25)


def test_accepts_an_open_connection_and_leaves_it_open(db):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row  # the caller's choice must not matter
    assert analysis.counts(conn).clinics == 11
    assert by(analysis.flag_prevalence(conn), "flag")["screening"]["clinics_with_flag"] == 6
    assert [r["tier"] for r in analysis.tier_distribution(conn)][0] == "meets-basics"
    assert tuple(conn.execute("SELECT 1").fetchone()) == (1,)  # still open
    conn.close()


def test_bad_databases_are_clear_errors_and_never_created(tmp_path):
    missing = tmp_path / "missing.db"
    with pytest.raises(analysis.AnalysisError, match="not found"):
        analysis.counts(missing)
    assert not missing.exists()
    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["things"].insert({"a": 1})
    with pytest.raises(analysis.AnalysisError, match="not a clinicvet database"):
        analysis.flag_prevalence(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_text("this is not sqlite " * 100)
    with pytest.raises(analysis.AnalysisError):
        analysis.counts(garbage)


def test_resolve_db_relative_to_repo_and_no_demo_for_other_paths(tmp_path):
    assert analysis.resolve_db("README.md") == ROOT / "README.md"
    with pytest.raises(analysis.AnalysisError, match="not found"):
        analysis.resolve_db(tmp_path / "nope.db")


def test_resolve_db_builds_the_demo_database_when_missing(tmp_path, monkeypatch):
    demo = tmp_path / "data" / "demo.db"
    monkeypatch.setattr(analysis, "DEMO_DB", demo)
    assert analysis.resolve_db(demo) == demo
    assert analysis.counts(demo).scored_clinics == 23


# -- figures ----------------------------------------------------------------------------------
def test_every_plot_has_a_title_and_labelled_axes(db):
    figures = analysis.figures(analysis.tables(db))
    assert len(figures) == 8
    for name, fig in figures.items():
        assert isinstance(fig, Figure)
        for ax in fig.axes:
            if ax.get_label() == "<colorbar>":
                continue
            assert ax.get_title(), name
            assert ax.get_xlabel() and ax.get_ylabel(), name


def test_write_figures_writes_valid_pngs_and_csvs(db, tmp_path):
    out = tmp_path / "figures"
    written = analysis.write_figures(db, out)
    pngs = sorted(p.name for p in written if p.suffix == ".png")
    assert pngs == sorted(["flag_prevalence.png", "score_tiers.png", "flags_by_state.png",
                           "services.png", "conditions.png", "anxiety_vetting.png",
                           "red_flag_cooccurrence.png", "flag_history.png"])
    for path in written:
        assert path.is_file() and path.parent == out
    for name in pngs:
        path = out / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            assert image.width >= 600 and image.height >= 300
    csvs = {p.stem for p in written if p.suffix == ".csv"}
    assert csvs == set(analysis.tables(db))
    with open(out / "flag_prevalence.csv", newline="") as fh:
        rows = by(list(csv.DictReader(fh)), "flag")
    assert rows["screening"] == {"flag": "screening", "kind": "positive", "clinics_with_flag": "6",
                                 "clinics": "10", "prevalence": "0.6000", "ci_low": "0.3127",
                                 "ci_high": "0.8318"}
    assert (out / "flag_history.csv").read_text().startswith("crawl_id,started_at,clinics,screening")


# -- the notebook -----------------------------------------------------------------------------
def test_committed_notebook_is_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "clear the outputs"
    assert "parameters" in code[0].metadata.get("tags", [])
    assert 'db_path = "data/demo.db"' in code[0].source


def test_notebook_runs_end_to_end_on_the_demo_crawl(demo_crawl, tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    index = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    # What papermill does: a cell after the parameters cell overrides them.
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell(f"db_path = {str(demo_crawl.db)!r}",
                                                         metadata={"tags": ["injected-parameters"]}))
    # Run from an unrelated directory: the notebook must find the repository on its own.
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any(str(demo_crawl.db) in o.get("text", "") for o in outputs)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 8
