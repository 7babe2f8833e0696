"""Datasette plugin: the clinic page, and clinic names that link to it.

A clinic's row page (/<db>/clinics/<id>) gets a "card" — each flag with the sentences that set it and
links to the exact pages — which templates/row.html renders. Hooking the generic row view for the
table named `clinics` (rather than a `row-<db>-clinics.html` template) works for any database file
name. What the card says about each flag is data: the `clinicvet-card` plugin config in metadata.
Scraped text only ever reaches the page through Jinja's autoescaping, and only http(s) URLs
become links.
"""

import json
from urllib.parse import quote, urlsplit

from datasette import hookimpl
from datasette.utils import tilde_decode, tilde_encode
from markupsafe import Markup

FRAGMENT_WORDS = 6  # words of a sentence used as its text fragment (#:~:text=) on the live page


@hookimpl
def extra_template_vars(database, table, view_name, request, datasette):
    if view_name != "row" or table != "clinics" or request is None:
        return {}

    async def card():
        return {"clinic_card": await clinic_card(datasette, database, request)}

    return card


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """In the clinics table a clinic's name links to its page (a reader does not click an id)."""
    if table != "clinics" or column != "name" or value is None or "id" not in row.keys():
        return None
    url = datasette.urls.row(database, "clinics", tilde_encode(str(row["id"])))
    return Markup('<a href="{}">{}</a>').format(url, value)


async def clinic_card(datasette, database, request) -> dict | None:
    try:
        clinic_id = int(tilde_decode(request.url_vars["pks"]))
    except (KeyError, ValueError):
        return None
    db = datasette.get_database(database)
    row = (await db.execute("select * from clinics where id = ?", [clinic_id])).first()
    if row is None:
        return None
    clinic = dict(zip(row.keys(), row))
    config = datasette.plugin_config("clinicvet-card") or {}
    evidence = {}
    for ev in await db.execute(
        "select * from evidence where clinic_id = ? order by flag, id", [clinic_id]
    ):
        evidence.setdefault(ev["flag"], []).append(_evidence(datasette, database, ev))
    flags = [{**f, "present": bool(clinic.get(f["flag"])), "evidence": evidence.get(f["flag"], [])}
             for f in config.get("flags", [])]
    staff = []
    if await db.table_exists("staff"):
        staff = [dict(zip(r.keys(), r)) for r in await db.execute(
            "select name, credentials, role from staff where clinic_id = ? order by id", [clinic_id])]
    sources, claims = [], []
    if await db.table_exists("clinic_sources"):
        sources = [dict(zip(r.keys(), r)) for r in await db.execute(
            "select kind, source, source_url, name, phone, match from clinic_sources "
            "where clinic_id = ? order by source, id", [clinic_id])]
        for src in sources:
            src["source_url"] = safe_url(src.get("source_url"))
    if await db.table_exists("directory_claims"):
        claims = [dict(zip(r.keys(), r)) for r in await db.execute(
            "select directory, claim from directory_claims where clinic_id = ? order by directory, id",
            [clinic_id])]
    links = {
        "evidence": f"{datasette.urls.table(database, 'evidence')}?clinic_id={clinic_id}",
        "pages": f"{datasette.urls.table(database, 'pages')}?clinic_id={clinic_id}",
        "crawl": (datasette.urls.row(database, "crawls", tilde_encode(str(clinic["last_crawl_id"])))
                  if clinic.get("last_crawl_id") is not None else None),
        "website": safe_url(clinic.get("website")),
        "rubric": datasette.urls.path("/rubric"),
    }
    return {
        "clinic": clinic,
        "positive": [f for f in flags if f.get("kind") == "positive"],
        "red": [f for f in flags if f.get("kind") == "red"],
        "red_set": [f for f in flags if f.get("kind") == "red" and f["present"]],
        "tier_text": (config.get("tiers") or {}).get(clinic.get("tier")),
        "note": config.get("note"),
        "services": _json_list(clinic.get("services")),
        "conditions": _json_list(clinic.get("conditions")),
        "staff": staff,
        "sources": sources,
        "claims": claims,
        "links": links,
    }


def _evidence(datasette, database, ev) -> dict:
    url = ev["page_url"] or ""
    parts = urlsplit(url)
    words = " ".join((ev["snippet"] or "").split()[:FRAGMENT_WORDS])
    live = safe_url(url)
    return {
        "snippet": ev["snippet"],
        "by_model": "source" in ev.keys() and ev["source"] == "model",  # older databases lack the column
        "page": (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        "live_url": f"{live}#:~:text={quote(words, safe='')}" if live and words else live,
        "crawled_url": datasette.urls.row(database, "pages", tilde_encode(url)) if url else None,
    }


def safe_url(url) -> str | None:
    """The URL if it is http(s), else None: a javascript: URL in a scraped field never becomes a link."""
    if not isinstance(url, str) or urlsplit(url.strip()).scheme.lower() not in ("http", "https"):
        return None
    return url.strip()


def _json_list(value) -> list[str]:
    try:
        items = json.loads(value) if isinstance(value, str) else []
    except ValueError:
        return []
    return [str(i) for i in items] if isinstance(items, list) else []

