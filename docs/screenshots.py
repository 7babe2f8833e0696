"""The README's screenshots: the clinics directory and one clinic's page, taken in Debian's chromium.

Run once from the repository root after `clinicvet demo --no-serve`:
    python docs/screenshots.py [--db data/demo.db] [--clinic "Bayview Ketamine Associates"]
"""

import argparse
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = {"executable_path": "/usr/bin/chromium", "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--no-first-run", "--disable-sync"]}
PORT = 8047


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "demo.db")
    parser.add_argument("--clinic", default="Bayview Ketamine Associates", help="Name of the clinic to show.")
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "crawler.cli", "serve", "--db", str(args.db),
                               "--port", str(PORT)], cwd=ROOT, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{PORT}/{args.db.stem}"
    try:
        wait_for(f"http://127.0.0.1:{PORT}/-/versions.json")
        with sync_playwright() as p:
            browser = p.chromium.launch(**CHROMIUM)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
            page.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url
                       else route.continue_())  # no map tiles from the internet: the shot is reproducible
            page.set_viewport_size({"width": 1280, "height": 1350})
            page.goto(f"{base}/clinics?_size=12")
            page.get_by_role("link", name="Compact view").click()
            page.screenshot(path=ROOT / "docs" / "directory.png")
            page.get_by_role("link", name=args.clinic, exact=True).first.click()
            page.wait_for_selector(".clinic-card")
            page.set_viewport_size({"width": 1100, "height": 1500})
            page.screenshot(path=ROOT / "docs" / "clinic.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    print("wrote docs/directory.png and docs/clinic.png")


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    main()
