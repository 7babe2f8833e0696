"""Deploying to scrapyd: `scrapyd-deploy` builds the project's egg (setup.py, pyproject.toml) and
uploads it to the target in scrapy.cfg; a real scrapyd then runs the clinic spider from the egg
against the demo web, and the clinics are scored from the egg's own data files."""

import configparser
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile

import httpx
import pytest

from tests.helpers import ROOT, free_port

PROJECT_FILES = ["pyproject.toml", "setup.py", "scrapy.cfg", "README.md", "crawler", "spiders", "scoring"]


def _wait(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def scrapyd(tmp_path):
    """A real scrapyd on a free loopback port, its eggs, logs and queues in a temp dir."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\n", encoding="utf-8")
    out = home / "scrapyd.out"
    with open(out, "w", encoding="utf-8") as fh:  # its log: a pipe nobody reads would fill and block it
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"

    def up():
        assert proc.poll() is None, out.read_text(encoding="utf-8")
        try:
            return httpx.get(url + "daemonstatus.json").json()["status"] == "ok"
        except httpx.TransportError:
            return False

    try:
        _wait(up, 30, "scrapyd to answer")
        yield url, home
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_deploy_target_in_scrapy_cfg():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "scrapy.cfg")
    assert dict(cfg["deploy"]) == {"url": "http://127.0.0.1:6800/", "project": "clinicvet"}
    assert cfg["settings"]["default"] == "crawler.settings"


def test_scrapyd_runs_the_deployed_egg(scrapyd, demo_crawl, tmp_path):
    url, home = scrapyd
    # A copy of the project, pointed at this scrapyd: scrapyd-deploy builds in place (build/, egg-info).
    project = tmp_path / "project"
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            project.mkdir(exist_ok=True)
            shutil.copy2(src, project / name)
    cfg = configparser.ConfigParser()
    cfg.read(project / "scrapy.cfg")
    cfg["deploy"]["url"] = url
    with open(project / "scrapy.cfg", "w", encoding="utf-8") as fh:
        cfg.write(fh)

    deploy = subprocess.run([sys.executable, "-m", "scrapyd_client.deploy"], cwd=project,
                            capture_output=True, text=True, timeout=180)
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert '"status": "ok"' in deploy.stdout, deploy.stdout + deploy.stderr
    assert httpx.get(url + "listprojects.json").json()["projects"] == ["clinicvet"]
    assert "clinic" in httpx.get(url + "listspiders.json", params={"project": "clinicvet"}).json()["spiders"]

    # The egg carries the data files and names the settings module.
    (egg,) = (home / "eggs" / "clinicvet").glob("*.egg")
    with zipfile.ZipFile(egg) as z:
        names = set(z.namelist())
        assert {"scoring/rules.yml", "scoring/offerings.yml", "crawler/link_priority.yml",
                "crawler/metadata.yml"} <= names
        assert "settings = crawler.settings" in z.read("EGG-INFO/entry_points.txt").decode()

    db = tmp_path / "scrapyd.db"
    job = httpx.post(url + "schedule.json", data={
        "project": "clinicvet", "spider": "clinic", "seeds": str(demo_crawl.seeds),
        "setting": [f"CLINICVET_DB={db}", "LOG_LEVEL=INFO"],
    }).json()
    assert job["status"] == "ok", job

    def finished():
        jobs = httpx.get(url + "listjobs.json", params={"project": "clinicvet"}).json()
        return next((j for j in jobs["finished"] if j["id"] == job["jobid"]), None)

    done = _wait(finished, 120, "the scrapyd job to finish")
    log = (home / "logs" / "clinicvet" / "clinic" / f"{job['jobid']}.log").read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log, log[-3000:]

    with sqlite3.connect(db) as conn:
        run = conn.execute("select status, sites, sites_ok, pages, rules from crawls").fetchall()
        assert len(run) == 1 and run[0][:3] == ("finished", 23, 23) and run[0][3] >= 100, (run, done)
        # Scored with the egg's own rule file, copied out of the zip (crawler/resources.py).
        assert "/clinicvet-data/" in run[0][4] and run[0][4].endswith("scoring/rules.yml")
        flags = "domain, score, tier, screening, certified_staff, medical_monitoring, services, conditions"
        got = conn.execute(f"select {flags} from clinics order by domain").fetchall()
    with sqlite3.connect(demo_crawl.db) as conn:
        assert got == conn.execute(f"select {flags} from clinics order by domain").fetchall()
