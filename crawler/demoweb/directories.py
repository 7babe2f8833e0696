"""The demo web's directory sites for discovery (127.0.0.3-5), the old domain that redirects and
the dead host, rendered from ``data/demo_web/directories/*.yml``.

Each listing names its ground-truth clinic (``clinic:``, a site key or a clinic of ``_extras.yml``)
and, for a second location of one clinic, ``location:``. Websites are templates: ``{KEY}`` is the
base URL (``http://IP:__PORT__``) of the clinic site or extra host KEY.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from jinja2 import Environment
from markupsafe import Markup

PORT_TOKEN = "__PORT__"
YEAR = 2025
LAYOUTS = ("table", "cards", "jsonld")
_TEMPLATE = re.compile(r"\{([a-z0-9-]+)\}")


def load_directories(data_dir: Path) -> tuple[dict, list[dict]]:
    """(extras, directories): ``_extras.yml`` and every other YAML, sorted by key."""
    folder = data_dir / "directories"
    extras = yaml.safe_load((folder / "_extras.yml").read_text(encoding="utf-8"))
    dirs = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.yml"))
            if not p.name.startswith("_")]
    return extras, sorted(dirs, key=lambda d: d["key"])


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _base(host: str) -> str:
    return f"http://{host}:{PORT_TOKEN}"


def render_directories(env: Environment, data_dir: Path, site_hosts: dict[str, str], out_dir: Path,
                       write) -> tuple[dict, dict]:
    """Write every directory site; return (serve entries by host, manifest part with ground truth)."""
    extras, directories = load_directories(data_dir)
    bases = {key: _base(host) for key, host in site_hosts.items()}
    bases.update({key: _base(h["host"]) for key, h in extras["hosts"].items()})
    serve: dict[str, dict] = {}
    for key, h in extras["hosts"].items():
        if h.get("redirect_to"):
            serve[h["host"]] = {"root": f"_host-{key}", "routes": {}, "redirects": {}, "status": {}, "slow": {},
                                "redirect_all": bases[h["redirect_to"]] + "/"}
            (out_dir / f"_host-{key}").mkdir(parents=True, exist_ok=True)

    def expand(url: str) -> str:
        return _TEMPLATE.sub(lambda m: bases[m.group(1)], url or "")

    clinics = {}
    for key, host in site_hosts.items():
        clinics[key] = {"host": host}
    for key, c in extras["clinics"].items():
        website = c.get("website")
        clinics[key] = {"host": extras["hosts"][website]["host"] if website else None,
                        "dead": bool(website and extras["hosts"][website].get("dead"))}
    truth = []
    for d in directories:
        if d["layout"] not in LAYOUTS:
            raise ValueError(f"{d['key']}: unknown layout {d['layout']!r}")
        items = [dict(item, website=expand(item.get("website")), slug=_slug(item["name"])) for item in d["listings"]]
        renderer = {"table": _render_table, "cards": _render_cards, "jsonld": _render_jsonld}[d["layout"]]
        root = out_dir / f"_dir-{d['key']}"
        routes = renderer(env, d, items, root, write)
        serve[d["host"]] = {"root": root.name, "routes": routes, "redirects": {}, "status": {}, "slow": {}}
        truth.append({
            "key": d["key"], "host": d["host"], "name": d["name"], "layout": d["layout"],
            "listings": [{"name": i["name"], "clinic": i["clinic"], "location": i.get("location") or "main"}
                         for i in d["listings"]],
        })
    return serve, {"directories": truth, "clinics": clinics}


def _page(env, d, write, root, routes, path, **ctx) -> None:
    context = {"jsonld": [], "links": [], "items": [], "prev_href": None, "next_href": None, "item": None, **ctx}
    html = env.get_template("listings.html").render(d=d, year=YEAR, **context)
    rel = "pages" + path.rstrip("/") + "/index.html"
    write(root, rel, html.encode("utf-8"))
    routes[path] = {"file": rel, "content_type": "text/html; charset=utf-8"}


def _robots(root, write, sitemap: str | None = None) -> None:
    text = "User-agent: *\nDisallow: /admin/\n" + (f"\nSitemap: {sitemap}\n" if sitemap else "")
    write(root, "robots.txt", text.encode("ascii"))


def _city_line(item: dict) -> str:
    m = re.search(r"([A-Z][A-Za-z. ]+),?\s+([A-Z]{2})\s+\d{5}\s*$", item.get("address") or "")
    return f"{m.group(1).split(',')[-1].strip()}, {m.group(2)}" if m else ""


def _render_table(env, d, items, root, write) -> dict:
    """A members table linking to one detail page per member (website, address, credentials)."""
    routes: dict = {}
    _page(env, d, write, root, routes, "/", page="home", heading=d["name"], links=[("/members/", d["title"])])
    for item in items:
        item["detail"] = f"/members/{item['slug']}/"
        item["city_line"] = _city_line(item)
    _page(env, d, write, root, routes, "/members/", page="table", heading=d["title"], items=items)
    for item in items:
        _page(env, d, write, root, routes, item["detail"], page="detail", heading=item["name"], item=item)
    _robots(root, write)
    return routes


def _render_cards(env, d, items, root, write) -> dict:
    """Card grid, ``per_page`` cards a page, rel=next links."""
    routes: dict = {}
    _page(env, d, write, root, routes, "/", page="home", heading=d["name"], links=[("/clinics/", d["title"])])
    per = d["per_page"]
    chunks = [items[i:i + per] for i in range(0, len(items), per)]
    path = lambda n: "/clinics/" if n == 1 else f"/clinics/page/{n}/"  # noqa: E731
    for n, chunk in enumerate(chunks, start=1):
        _page(env, d, write, root, routes, path(n), page="cards", heading=f"{d['title']} (page {n})", items=chunk,
              prev_href=path(n - 1) if n > 1 else None, next_href=path(n + 1) if n < len(chunks) else None)
    _robots(root, write)
    return routes


def _clinic_node(item: dict) -> dict:
    node = {"@type": "MedicalClinic", "name": item["name"], "url": item["website"]}
    if item.get("phone"):
        node["telephone"] = item["phone"]
    node["address"] = {"@type": "PostalAddress", "streetAddress": item.get("street", ""),
                       "addressLocality": item.get("city", ""), "addressRegion": item.get("state", ""),
                       "postalCode": item.get("postcode", "")}
    if item.get("claims"):
        node["hasCredential"] = list(item["claims"])
    return node


def _render_jsonld(env, d, items, root, write) -> dict:
    """One page per state with a JSON-LD ItemList; only robots.txt -> sitemap.xml leads there."""
    routes: dict = {}
    states = sorted({i["state"] for i in items})
    _page(env, d, write, root, routes, "/", page="home", heading=d["name"], links=[])
    for st in states:
        chosen = [i for i in items if i["state"] == st]
        elements = []
        for n, item in enumerate(chosen, start=1):
            node = _clinic_node(item)
            # Alternate the two shapes real sites use: ListItem wrappers and bare nodes.
            elements.append({"@type": "ListItem", "position": n, "item": node} if n % 2 else node)
        block = {"@context": "https://schema.org", "@type": "ItemList", "name": f"Clinics in {st}",
                 "itemListElement": elements}
        _page(env, d, write, root, routes, f"/states/{st.lower()}/", page="state", heading=f"Clinics in {st}",
              items=chosen, jsonld=[Markup(json.dumps(block, indent=1))])
    base = _base(d["host"])
    urls = "".join(f"<url><loc>{base}/states/{st.lower()}/</loc></url>\n" for st in states)
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
    write(root, "sitemap.xml", sitemap.encode("utf-8"))
    routes["/sitemap.xml"] = {"file": "sitemap.xml", "content_type": "application/xml"}
    _robots(root, write, sitemap=f"{base}/sitemap.xml")
    return routes
