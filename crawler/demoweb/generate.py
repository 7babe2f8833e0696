"""Render the demo web from its YAML sources into a static tree plus ``manifest.json``.

The build is pure — the same YAML gives the same bytes — so tests can compare a crawl with a
fixed ground truth. Ports are only known when the web is served, so every absolute link carries
``PORT_TOKEN``, which the server replaces in each response.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .directories import render_directories

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "demo_web"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

PORT_TOKEN = "__PORT__"
DIRECTORY_HOST = "127.0.0.2"
FIRST_SITE_OCTET = 10
YEAR = 2025  # fixed, so builds do not change with the calendar

FLAGS = (
    "screening",
    "certified_staff",
    "medical_monitoring",
    "individualized_plan",
    "risk_disclosure",
    "provider_coordination",
    "overclaiming",
    "no_screening_claim",
    "false_fda_claim",
    "claims_nonaddictive",
)
FACTS = ("name", "phone", "email", "address", "city", "state", "postcode")
DEFAULT_ROBOTS = "User-agent: *\nDisallow:\n"


def site_host(index: int) -> str:
    """Loopback IP of the index-th site in stable order."""
    return f"127.0.0.{FIRST_SITE_OCTET + index}"


def base_url(host: str) -> str:
    """Home URL of a host, with the port left as a token."""
    return f"http://{host}:{PORT_TOKEN}/"


def load_sites(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every site YAML, sorted by key: that order fixes each site's IP."""
    sites = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in (data_dir / "sites").glob("*.yml")]
    return sorted(sites, key=lambda s: s["key"])


def build(out_dir: Path, data_dir: Path = DATA_DIR) -> list[dict]:
    """Write every site and the directory under ``out_dir``; return the public site records."""
    out_dir = Path(out_dir)
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    raw = load_sites(data_dir)
    sites, serve = [], {}
    for index, site in enumerate(raw):
        host = site_host(index)
        serve[host] = _render_site(env, site, host, out_dir / site["key"])
        sites.append(_public_record(site, host))
    directory = yaml.safe_load((data_dir / "directory.yml").read_text(encoding="utf-8"))
    serve[DIRECTORY_HOST] = _render_directory(env, directory, raw, out_dir / "_directory")
    # Discovery: the directory sites on 127.0.0.3-5, an old domain that redirects, ground truth.
    more, discovery = render_directories(env, data_dir, {s["key"]: site_host(i) for i, s in enumerate(raw)},
                                         out_dir, _write)
    serve.update(more)
    manifest = {"directory": {"host": DIRECTORY_HOST}, "discovery": discovery, "sites": sites, "serve": serve}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return sites


def _public_record(site: dict, host: str) -> dict:
    """What tests and the CLI learn about a site: identity, ground truth, robots exclusions."""
    return {
        "key": site["key"],
        "host": host,
        "name": site["facts"]["name"],
        "style": site["style"],
        "truth": {
            "flags": {flag: int(site["flags"][flag]) for flag in FLAGS},
            "facts": {fact: str(site["facts"][fact]) for fact in FACTS},
        },
        "disallowed": list(site.get("disallowed", [])),
    }


def _page_file(path: str) -> str:
    """Relative file for a URL path: ``/faq/`` → ``pages/faq/index.html``."""
    return "pages" + path.rstrip("/") + "/index.html"


def _write(root: Path, rel: str, data: bytes) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _render_site(env: Environment, site: dict, host: str, root: Path) -> dict:
    """Write one clinic site's pages and robots.txt; return how the server must serve it."""
    site_url = base_url(host)

    def expand(text: str) -> str:
        """Fill ``{{ site_url }}`` in page bodies and JSON-LD (absolute links)."""
        return env.from_string(text).render(site_url=site_url)

    home = site.get("home", "/")
    jsonld = [expand(b if isinstance(b, str) else json.dumps(b, indent=2)) for b in site.get("jsonld", [])]
    routes = {}
    for path, page in site["pages"].items():
        encoding = page.get("encoding", "utf-8")
        declared_in = page.get("charset", "both")  # "header", "meta" or both
        html = env.get_template(f"{site['style']}.html").render(
            site=site,
            facts=site["facts"],
            page=page,
            path=path,
            body=Markup(expand(page["body"])),
            jsonld=[Markup(b) for b in jsonld] if path == home else [],
            meta_charset=encoding if declared_in in ("meta", "both") else None,
            site_url=site_url,
            year=YEAR,
        )
        _write(root, _page_file(path), html.encode(encoding))
        header = f"; charset={encoding}" if declared_in in ("header", "both") else ""
        routes[path] = {"file": _page_file(path), "content_type": "text/html" + header}
    if site.get("sitemap"):  # every page, linked or not, as a CMS's sitemap plugin lists them
        entries = "".join(f"  <url><loc>{site_url}{path.lstrip('/')}</loc></url>\n" for path in site["pages"])
        xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
        _write(root, "sitemap.xml", xml.encode("utf-8"))
        routes["/sitemap.xml"] = {"file": "sitemap.xml", "content_type": "application/xml"}
    _write(root, "robots.txt", site.get("robots", DEFAULT_ROBOTS).encode("ascii"))
    return {
        "root": root.name,
        "routes": routes,
        "redirects": {p: _redirect(r) for p, r in site.get("redirects", {}).items()},
        "status": dict(site.get("status", {})),
        "slow": dict(site.get("slow", {})),
    }


def _redirect(rule: str | dict) -> dict:
    """A redirect is either a target path (301) or ``{to, code}``."""
    return {"to": rule, "code": 301} if isinstance(rule, str) else {"to": rule["to"], "code": int(rule["code"])}


def directory_phone(e164: str, own_display: str) -> str:
    """The directory's own phone style, switched if it happens to match the clinic's."""
    area, exchange, line = e164[2:5], e164[5:8], e164[8:]
    style = f"({area}) {exchange}-{line}"
    return style if style != own_display else f"{area}-{exchange}-{line}"


def _render_directory(env: Environment, directory: dict, sites: list[dict], root: Path) -> dict:
    """Write the directory's listing pages (table, then cards) and its about page."""
    listings = [
        {
            "name": s["facts"]["name"],
            "city": s["facts"]["city"],
            "state": s["facts"]["state"],
            "phone": directory_phone(s["facts"]["phone"], s["phone_display"]),
            "url": base_url(site_host(i)),
            "blurb": directory.get("blurbs", {}).get(s["key"], ""),
        }
        for i, s in enumerate(sites)
    ]
    listings.sort(key=lambda item: item["name"])
    per_page = directory["per_page"]
    pages = {
        "/": ("table", listings[:per_page], None, "/page/2/"),
        "/page/2/": ("cards", listings[per_page:], "/", None),
    }
    routes = {}
    for path, (layout, items, prev_href, next_href) in pages.items():
        html = env.get_template("directory.html").render(
            d=directory, layout=layout, listings=items, prev_href=prev_href, next_href=next_href, year=YEAR
        )
        _write(root, _page_file(path), html.encode("utf-8"))
        routes[path] = {"file": _page_file(path), "content_type": "text/html; charset=utf-8"}
    about = env.get_template("directory.html").render(
        d=directory, layout="about", listings=[], prev_href=None, next_href=None, year=YEAR
    )
    _write(root, _page_file("/about/"), about.encode("utf-8"))
    routes["/about/"] = {"file": _page_file("/about/"), "content_type": "text/html; charset=utf-8"}
    _write(root, "robots.txt", DEFAULT_ROBOTS.encode("ascii"))
    return {"root": root.name, "routes": routes, "redirects": {}, "status": {}, "slow": {}}
