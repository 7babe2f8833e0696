"""Discovery's tables, written with sqlite-utils through crawler.storage.Store (same schema, WAL,
foreign keys; the table specs live in crawler.storage.TABLES).

    listings          one row per directory listing or seed: source, raw fields, normalised name,
                      website (as listed and after redirects), E.164 phone, address parts, the
                      directory's claims, and the clinic / location it resolved to
    clinic_sources    one row per (clinic, listing): how the clinic was found (kind directory,
                      sitemap or seed), from which source, and the evidence that linked it
    locations         the distinct addresses of one clinic (multi-location groups)
    directory_claims  what a directory says about a clinic ("physician-owned", credentials), kept
                      apart from the flags scored from the clinic's own website
    discovery_runs    one row per `clinicvet discover`
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

from crawler.storage import Store, dumps, now

from .resolve import Cluster, Record, resolve

LISTING_COLUMNS = (
    "id", "directory", "kind", "source_url", "detail_url", "position", "raw", "name", "website",
    "website_final", "website_status", "website_error", "domain", "phone", "street", "city", "state",
    "postcode", "claims", "last_seen",
)


def listing_id(directory: str, *parts: str) -> str:
    """Stable id of a listing: its directory plus a digest of where and what it is, so a re-run
    (or a resumed crawl) updates the same row."""
    norm = "|".join(re.sub(r"\s+", " ", (p or "")).strip().lower() for p in parts)
    return f"{directory}:{hashlib.sha1(norm.encode()).hexdigest()[:12]}"


class DiscoveryStore:
    def __init__(self, path: str | Path):
        self.store = Store(path)  # schema (all TABLES), WAL, foreign keys; StoreError when unusable
        self.db = self.store.db

    def close(self) -> None:
        self.store.close()

    # -- listings ---------------------------------------------------------------------------
    def upsert_listings(self, rows: list[dict]) -> None:
        """Insert or update listings by id in one transaction; first_seen is kept, and the
        resolution columns (clinic_id, location_id, cluster) are left to resolve_all()."""
        if not rows:
            return
        rows = [{k: r.get(k) for k in LISTING_COLUMNS} for r in rows]
        with self.db.atomic():
            ids = [r["id"] for r in rows]
            marks = ",".join("?" * len(ids))
            existing = {row[0] for row in self.db.execute(f"select id from listings where id in ({marks})", ids)}
            for r in rows:
                if r["id"] not in existing:
                    r["first_seen"] = r["last_seen"]
            self.db["listings"].upsert_all(rows, pk="id", alter=False)

    def start_run(self, configs: list[str]) -> int:
        return self.db["discovery_runs"].insert(
            {"started_at": now(), "status": "running", "configs": dumps(configs)}).last_pk

    def finish_run(self, run_id: int, status: str, **counts) -> None:
        self.db["discovery_runs"].update(run_id, {"finished_at": now(), "status": status, **counts})

    # -- resolution -------------------------------------------------------------------------
    def records(self) -> list[Record]:
        out = []
        for row in self.db.query("select * from listings order by id"):
            website = row["website_final"] or row["website"] or ""
            out.append(Record(
                id=row["id"], name=row["name"] or "", website=website, phone=row["phone"] or "",
                address={k: row[k] or "" for k in ("street", "city", "state", "postcode")},
                source=row["directory"], kind=row["kind"] or "directory",
                website_ok=row["website_status"] is not None,
            ))
        return out

    def resolve_all(self) -> dict:
        """Resolve every stored listing (all runs, all directories, seeds) into clinics and write
        clinics (new ones only; existing rows keep what a crawl found), locations, clinic_sources
        and directory_claims. Returns counts for the summary."""
        records = self.records()
        clusters = resolve(records)
        listing_rows = {row["id"]: row for row in self.db.query("select * from listings")}
        stamp = now()
        counts = Counter()
        with self.db.atomic():
            self.db.execute("delete from clinic_sources")
            self.db.execute("delete from directory_claims")
            self.db.execute("update listings set clinic_id = null, location_id = null, cluster = null")
            self.db.execute("delete from locations")
            for cluster in clusters:
                cluster_key = "c:" + hashlib.sha1("|".join(cluster.ids).encode()).hexdigest()[:10]
                clinic_id = self._clinic_for(cluster, stamp, counts) if cluster.domain else None
                if clinic_id is None:
                    counts["unlinked"] += len(cluster.records)
                    for r in cluster.records:
                        self.db.execute("update listings set cluster = ? where id = ?", [cluster_key, r.id])
                    continue
                counts["clinics"] += 1
                counts["multi_location"] += len(cluster.locations) > 1
                loc_ids = {}
                for loc in cluster.locations:
                    loc_id = "loc:" + hashlib.sha1(f"{cluster.domain}|{loc.key}".encode()).hexdigest()[:12]
                    loc_ids[loc.key] = loc_id
                    self.db["locations"].insert({
                        "id": loc_id, "clinic_id": clinic_id, "name": loc.name,
                        **{k: loc.address.get(k, "") for k in ("street", "city", "state", "postcode")},
                        "phone": loc.phone, "address_key": loc.key, "listings": len(loc.record_ids),
                    })
                    counts["locations"] += 1
                for r in cluster.records:
                    row = listing_rows[r.id]
                    loc_id = loc_ids.get(cluster.location_of.get(r.id, ""))
                    self.db.execute("update listings set clinic_id = ?, location_id = ?, cluster = ? where id = ?",
                                    [clinic_id, loc_id, cluster_key, r.id])
                    self.db["clinic_sources"].insert({
                        "clinic_id": clinic_id, "listing_id": r.id, "location_id": loc_id, "kind": r.kind,
                        "source": r.source, "source_url": row["detail_url"] or row["source_url"],
                        "match": cluster.reasons[r.id], "name": r.name, "website": row["website"],
                        "phone": r.phone, "resolved_at": stamp,
                    })
                    for claim in json.loads(row["claims"] or "[]"):
                        self.db["directory_claims"].insert(
                            {"listing_id": r.id, "clinic_id": clinic_id, "directory": r.source, "claim": claim})
        counts["listings"] = len(records)
        return dict(counts)

    def _clinic_for(self, cluster: Cluster, stamp: str, counts: Counter) -> int:
        """The clinics row of this cluster: an existing one with the same host (a crawl or an
        earlier discovery made it), else a new 'pending' row for `clinicvet crawl --from-db`."""
        from crawler.seeds import site_key

        website = cluster.website
        host = site_key(website)
        hosts = [host] + sorted({site_key(r.website) for r in cluster.records if r.website and r.domain == cluster.domain} - {host})
        for h in hosts:
            row = self.db.execute("select id, name, phone, address, city, state, postcode from clinics where domain = ?",
                                  [h]).fetchone()
            if row:
                clinic_id = row[0]
                fill = self._facts(cluster)
                current = dict(zip(("name", "phone", "address", "city", "state", "postcode"), row[1:]))
                updates = {k: v for k, v in fill.items() if v and not current.get(k)}
                if updates:
                    self.db["clinics"].update(clinic_id, updates)
                return clinic_id
        counts["new_clinics"] += 1
        return self.db["clinics"].insert({
            "domain": host, "website": website, "first_seen": stamp, "status": "pending", **self._facts(cluster),
        }).last_pk

    @staticmethod
    def _facts(cluster: Cluster) -> dict:
        main = max(cluster.locations, key=lambda loc: (len(loc.record_ids), loc.key), default=None)
        facts = {"name": cluster.name, "phone": (main.phone if main and main.phone else cluster.phone)}
        facts.update(cluster.place)
        if main:
            facts.update(address=main.address.get("street", ""), city=main.address.get("city", ""),
                         state=main.address.get("state", ""), postcode=main.address.get("postcode", ""))
        return facts


def seeds_rows(db) -> list[tuple[str, str]]:
    """(website, name) of every clinic with at least one discovery source, in id order."""
    return [(r[0], r[1] or "") for r in db.execute(
        "select website, name from clinics where website is not null and website != '' and id in "
        "(select clinic_id from clinic_sources) order by id")]
