"""Re-apply a rule file to stored pages: new flags, scores and evidence without any network.

Each clinic is rescored from the pages its last crawl fetched. The run is recorded in `crawls`
(kind "rescore") and in `clinic_history`, so a change of rules shows up like a change of site.
Staff do not depend on the rules: each page's are what the crawl read from its HTML (JSON-LD
people included), kept in the page memo, and read again from the stored text only where that memo
is missing or was made by other extraction code.
"""

from crawler.clinic_facts import section_facets
from crawler.extract.staff import add_staff, find_staff, own_staff
from crawler.page_memo import extract_version, unpack
from crawler.seeds import in_section, seed_section
from crawler.storage import Store
from scoring import aggregate, load_rules, scan_page


def rescore(db_path: str, rules_path: str | None = None) -> dict:
    rules = load_rules(rules_path)
    store = Store(db_path)
    try:
        run = store.start_crawl(kind="rescore", rules=rules.source)
        clinics = store.db.execute(
            "select id, last_crawl_id, website, city, state from clinics where status = 'ok' order by id").fetchall()
        changed = pages = 0
        for clinic_id, crawl_id, website, city, state in clinics:
            rows = store.pages_of(clinic_id, crawl_id, extract_version())
            before = store.db.execute("select score, tier from clinics where id = ?", [clinic_id]).fetchone()
            signals = [scan_page(text or "", url, rules, title or "") for url, text, _, _, title in rows]
            staff, own, section = {}, set(), seed_section(website or "")
            for url, text, _, memo, _ in rows:
                people = (unpack(memo) or {}).get("staff", []) if memo else [vars(m) for m in find_staff(text or "")]
                # The seed's section read again from its website, as the crawl read it (crawler.pipelines).
                add_staff(staff, people, url, own if in_section(section, url) else None)
            result = aggregate(section_facets(signals, website or "", city, state), rules, site=True)
            store.write_clinic(clinic_id, {}, result, own_staff(staff, own), run_id=run)
            pages += len(rows)
            changed += (result.score, result.tier) != tuple(before)
        store.finish_crawl(run, "finished", sites=len(clinics), sites_ok=len(clinics), pages=pages)
        return {"clinics": len(clinics), "pages": pages, "changed": changed, "run": run}
    finally:
        store.close()
