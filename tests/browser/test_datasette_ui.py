"""The Datasette directory as a researcher uses it, in a real browser on the demo crawl: the clinics
table, a facet, a full-text search, a clinic's page with its evidence, a CSV download; scraped text
never runs as script; nothing can be written."""

import csv
import io
import sqlite3

import httpx

from tests.datasette_server import running_datasette

PAYLOAD = "<script>window.__pwned = 1; document.title = 'pwned'</script><img src=x onerror=\"window.__pwned = 2\">"


def query(db, sql, params=()):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def column_texts(page, column):
    return [t.strip() for t in page.locator(f"table.rows-and-columns td.col-{column}").all_inner_texts()]


def test_clinics_table_sorted_by_score_with_facets(page, site):
    base, db = site
    page.goto(f"{base}/clinics")
    assert page.locator("h1").first.inner_text().strip() == "clinics"
    scores = [int(s) for s in column_texts(page, "score")]
    assert scores and scores == sorted(scores, reverse=True)
    page.locator("#facet-tier a", has_text="red-flags").click()
    page.wait_for_url("**tier=red-flags**")
    [(expected,)] = query(db, "select count(*) from clinics where tier = 'red-flags'")
    assert set(column_texts(page, "tier")) == {"red-flags"} and len(column_texts(page, "tier")) == expected


def test_array_facet_on_conditions(page, site):
    base, db = site
    page.goto(f"{base}/clinics")
    page.locator("#facet-conditions a", has_text="Depression").first.click()
    page.wait_for_url("**conditions__arraycontains=Depression**")
    [(expected,)] = query(db, "select count(*) from clinics, json_each(clinics.conditions) "
                              "where json_each.value = 'Depression'")
    assert len(column_texts(page, "name")) == expected > 0


def test_full_text_search_on_evidence(page, site):
    base, _ = site
    page.goto(f"{base}/evidence")
    page.fill("#_search", "evaluation")
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=evaluation**")
    snippets = column_texts(page, "snippet")
    assert snippets and all("evaluation" in s.lower() for s in snippets)


def test_clinic_page_shows_flags_with_evidence_and_links(page, site, demo_crawl):
    base, db = site
    [(clinic_id, name)] = query(db, "select id, name from clinics where tier = 'red-flags' and screening = 1 "
                                    "order by score desc, id limit 1")
    page.goto(f"{base}/clinics")
    page.get_by_role("link", name=name, exact=True).click()  # clinic names link to their page
    page.wait_for_selector(".clinic-card")
    assert page.locator("h1.clinic-name").inner_text() == name
    assert "red-flags" in page.locator(".clinic-verdict").inner_text()
    evidence = query(db, "select flag, snippet, page_url from evidence where clinic_id = ? order by flag, id",
                     [clinic_id])
    assert evidence
    for flag, snippet, url in evidence:
        item = page.locator(f'li.flag-set[data-flag="{flag}"]')
        assert snippet in item.locator("blockquote").all_inner_texts()
        hrefs = item.locator("a.evidence-page").evaluate_all("links => links.map(a => a.href)")
        assert any(h.startswith(url + "#:~:text=") for h in hrefs)
    assert page.locator("li.flag").count() == 10  # set or not, every flag is listed
    # "text as crawled" opens the stored page, whose text holds the sentence
    flag, snippet, url = evidence[0]
    page.locator(f'li.flag-set[data-flag="{flag}"] a.evidence-crawled').first.click()
    page.wait_for_selector("table.rows-and-columns")
    assert url in page.locator("table.rows-and-columns").inner_text()
    # "open the page" reaches the clinic's live page (the demo web)
    live = httpx.get(url)
    assert live.status_code == 200


def test_clinic_page_lists_staff_with_credentials_and_the_title_dr(page, site):
    base, db = site
    [(clinic_id,)] = query(db, "select clinic_id from staff where credentials = 'Dr.' order by id limit 1")
    staff = query(db, "select name, credentials, role from staff where clinic_id = ? order by id", [clinic_id])
    page.goto(f"{base}/clinics/{clinic_id}")
    page.wait_for_selector("ul.staff-list")
    shown = [t.strip() for t in page.locator("ul.staff-list li").all_inner_texts()]
    # "Dr." goes before the name; a degree after it, as a team page writes them.
    assert shown == [(f"Dr. {n}" if c == "Dr." else f"{n}, {c}" if c else n) + (f" — {r}" if r else "")
                     for n, c, r in staff]
    assert any(t.startswith("Dr. ") for t in shown)


def test_csv_download(page, site):
    base, db = site
    page.goto(f"{base}/clinics")
    page.check('input[name="_dl"]')
    with page.expect_download() as info:
        page.locator('.advanced-export input[type="submit"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    [(count,)] = query(db, "select count(*) from clinics")
    assert len(rows) == count and {"name", "score", "tier", "screening"} <= set(rows[0])


def test_scraped_html_is_never_executed(browser, demo_crawl, tmp_path):
    """A script in a page's title and text, an evidence sentence and a clinic name is shown as text."""
    copy = tmp_path / "hostile.db"
    source, target = sqlite3.connect(demo_crawl.db), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    [(clinic_id, url)] = target.execute("select clinic_id, page_url from evidence order by id limit 1").fetchall()
    with target:
        target.execute("update pages set title = ?, text = text || ? where url = ?", [PAYLOAD, "\n" + PAYLOAD, url])
        target.execute("update evidence set snippet = ? where clinic_id = ? and page_url = ?", [PAYLOAD, clinic_id, url])
        target.execute("update clinics set name = ?, website = 'javascript:window.__pwned=3' where id = ?",
                       [PAYLOAD, clinic_id])
    target.close()
    context = browser.new_context()
    page = context.new_page()
    try:
        with running_datasette(copy) as base:
            base = f"{base}/{copy.stem}"
            for path in (f"/clinics/{clinic_id}", "/clinics", "/evidence?_search=pwned", f"/pages?clinic_id={clinic_id}",
                         "/pages?_search=pwned"):
                page.goto(base + path)
                assert page.evaluate("window.__pwned") is None, path
                assert page.title() != "pwned", path
                assert "window.__pwned = 1" in page.locator("body").inner_text(), path  # shown, as text
            page.goto(f"{base}/clinics/{clinic_id}")
            assert page.locator('.clinic-card a[href^="javascript:"]').count() == 0
    except Exception:
        page.screenshot(path=tmp_path / "failure.png", full_page=True)
        raise
    finally:
        context.close()


def test_read_only_no_write_endpoint(page, site):
    base, db = site
    before = query(db, "select id, name, score, tier from clinics order by id")
    page.goto(f"{base}/clinics")
    token = next((c["value"] for c in page.context.cookies() if c["name"] == "ds_csrftoken"), "")
    attempts = [
        (f"{base}/clinics/-/insert", {"row": {"name": "x", "domain": "x.example"}}),
        (f"{base}/clinics/1/-/update", {"update": {"score": 0}}),
        (f"{base}/clinics/1/-/delete", {}),
        (f"{base}/-/create", {"table": "t", "columns": [{"name": "x"}]}),
    ]
    for url, body in attempts:
        response = page.request.post(url, form={"csrftoken": token, "json": str(body)})
        assert response.status in (404, 405), url  # no such endpoint (not merely a CSRF refusal)
    response = page.request.post(base, form={"sql": "delete from clinics", "csrftoken": token})
    assert response.status == 405
    sql = page.request.get(f"{base}.json", params={"sql": "update clinics set score = 0"})
    assert sql.status >= 400
    assert query(db, "select id, name, score, tier from clinics order by id") == before
