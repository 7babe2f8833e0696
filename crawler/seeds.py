"""Seed lists: a CSV with a `url` column and an optional `name` column."""

import csv
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.resources import data_file


class SeedError(ValueError):
    """The seeds file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Seed:
    url: str
    name: str = ""


def site_key(url: str) -> str:
    """A clinic's key and `domain` column: its host without 'www.' (ports ignored, so a demo web
    served on another port still updates the same clinics)."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def normalize_url(raw: str) -> str:
    url = raw.strip()
    if url and "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        return ""
    return url if parts.path else url + "/"


def read_seeds(path: str | Path) -> list[Seed]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SeedError(f"seeds file not found: {path}") from None
    except IsADirectoryError:
        raise SeedError(f"seeds file is a directory: {path}") from None
    except UnicodeDecodeError:
        raise SeedError(f"seeds file is not UTF-8 text: {path}") from None
    except OSError as e:
        raise SeedError(f"cannot read seeds file {path}: {e.strerror}") from None
    try:
        rows = list(csv.DictReader(text.splitlines()))
    except csv.Error as e:
        raise SeedError(f"{path}: not a valid CSV ({e})") from None
    header = {(h or "").strip().lower() for h in (rows[0].keys() if rows else csv.DictReader(text.splitlines()).fieldnames or [])}
    if "url" not in header:
        raise SeedError(f"{path}: no 'url' column (found: {', '.join(sorted(h for h in header if h)) or 'nothing'})")
    seeds, seen = [], set()
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        raw = row.get("url", "")
        if not raw:
            continue
        url = normalize_url(raw)
        if not url:
            raise SeedError(f"{path}:{n}: not a web address: {raw!r}")
        if site_key(url) not in seen:
            seen.add(site_key(url))
            seeds.append(Seed(url, row.get("name", "")))
    if not seeds:
        raise SeedError(f"{path}: no seed URLs")
    return seeds


def write_seeds_csv(seeds: list[Seed], path: str | Path) -> Path:
    """A seeds CSV (url,name) that `clinicvet crawl --seeds` and the clinic spider read."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["url", "name"])
        writer.writerows([s.url, s.name] for s in seeds)
    return path


def seed_section(url: str) -> str:
    """The folder a seed below a site's home names ("/behavioral-health/ketamine/" for a hospital's
    ketamine service, or for ".../ketamine/index.html"), "" for a home page."""
    path = urlsplit(url).path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    return "" if path == "/" or path.lower() in ("/home/", "/en/", "/en-us/") else path


def in_section(section: str, url: str) -> bool:
    """Whether the URL lies in a seed's own section (seed_section) of a larger site; every URL
    does when the seed is a home page."""
    return not section or (urlsplit(url).path + "/").startswith(section)


def beside_section(section: str, url: str) -> bool:
    """Whether the URL lies in the folder that holds the seed's section but outside the section:
    the folder's own page or another part of it ("/psychiatry/anxiety-clinic/" beside a seed
    "/psychiatry/ketamine-service/", "/locations/boulder/" beside "/locations/denver/"): the
    department's other programmes, the chain's other locations. Never for a section at the top
    ("/ketamine/"), whose folder is the whole site."""
    parent = section_parent(section)
    if not section or parent == "/":
        return False
    path = folder_path(url)
    return path.startswith(parent) and not path.startswith(section)


def section_folder(section: str) -> str:
    """The name of the folder that holds a seed's section: "locations" for "/locations/denver/"."""
    return section_parent(section).rstrip("/").rsplit("/", 1)[-1].lower()


# Folders a chain keeps its location pages in ("/locations/boise/"): link_priority.yml's
# location_folders, which the spider's link ranking and the chain's facets both read.
_LOCATION_FOLDERS = frozenset(str(f).lower() for f in yaml.safe_load(
    data_file("crawler", "link_priority.yml").read_text(encoding="utf-8")).get("location_folders") or [])


def at_location(section: str) -> bool:
    """Whether a seed's section is one location of a chain: "/locations/denver/"."""
    return section_folder(section) in _LOCATION_FOLDERS


def section_parent(section: str) -> str:
    """The folder that holds a seed's section: "/locations/" for "/locations/denver/"."""
    return section.rstrip("/").rsplit("/", 1)[0] + "/"


def folder_path(url: str) -> str:
    """The URL's path as a folder, ending in "/", to compare with sections."""
    path = urlsplit(url).path
    return path if path.endswith("/") else path + "/"
