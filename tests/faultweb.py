"""A fault-injecting web for crawler tests: one small clinic site per fault, each on its own
loopback address (127.0.1.x), all on one shared port, served by stdlib threads.

    with FaultWeb() as web:
        web.write_seeds(path)            # one seed per site in SITES, plus a host nothing listens on
                                         # and a host name that does not resolve
        web.url("flaky") ...             # a site's home URL
        web.requests                     # (host, path?query) of every request served
        web.times                        # the same with the time each arrived

Faults: timeouts and slow-drip bodies, 5xx then success, 429 with Retry-After, redirect loops,
cross-host redirects, connection refused, a host name that does not resolve, 10 MB+ pages (with and without Content-Length), PDF and
binary responses, wrong or missing charsets, malformed HTML, crawl traps (endless calendar and
query-string pages), robots.txt answering 500 or never answering, a robots.txt Crawl-delay (1 s, and
an hour that must be capped), a sitemap only at /sitemap_index.xml or only where robots.txt says, and a public-looking site whose
links redirect into loopback (an "internal" host at 127.0.2.1), link-local metadata (169.254.169.254)
and 10.x addresses. Redirect targets outside loopback are never connected to when the crawler's
guard works; the guard refuses them before any connection is attempted.
"""

from __future__ import annotations

import csv
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from crawler.demoweb.server import bind_hosts

SITE_NET = "127.0.1."
INTERNAL_HOST = "127.0.2.1"  # stands for an operator's internal service: must never be requested
REFUSED_HOST = "127.0.1.250"  # nothing listens here
# A reserved name (RFC 2606) that never resolves: the resolver fails at once, with or without the
# internet (tests/test_faults.py checks it does here).
UNRESOLVABLE_URL = "http://no-such-clinic.invalid/"

# site name -> last octet of its loopback address
SITES = {
    "good": 10, "slow": 11, "deadslow": 12, "flaky": 13, "ratelimited": 14, "loops": 15,
    "loophome": 16, "crosshost": 17, "newdomain": 18, "newhome": 19, "huge": 20, "files": 21,
    "charset": 22, "malformed": 23, "trap": 24, "robots500": 25, "robotstimeout": 26,
    "ssrf": 27, "ssrfhome": 28, "crawldelay": 29, "crawldelaylong": 30,
    "sitemapindex": 31, "robotssitemap": 32, "section": 33, "deep": 34,
    "plainwp": 35, "chain": 36, "bigteam": 37, "vet": 38, "script": 39,
}
NOT_SEEDS = {"newhome"}  # reached only through newdomain's home-page redirect
SEED_PATHS = {"section": "/behavioral-health/ketamine/",  # a hospital's ketamine service
              "chain": "/locations/denver/"}  # one location of a chain
CHAIN_OTHERS = ["boulder", "austin", "tampa"]  # the chain's other locations: other clinics
CHAIN_CARE = "Every one of our centers offers ketamine infusions for treatment-resistant depression."
SECTION_PAGES = ["our-team/", "faq/", "what-to-expect/"]  # below SEED_PATHS["section"]
DEEP_PAGES = ["our-team/", "faq/"]  # below /services/ on the "deep" site
# A WordPress site without pretty URLs: its menu's pages are "/?page_id=N" (team and FAQ last).
PLAIN_WP_PAGES = {11: "About", 12: "Pricing", 13: "Contact", 14: "Conditions", 15: "Blog",
                  16: "Process", 17: "Our Team", 18: "FAQ"}
CRAWL_DELAYS = {"crawldelay": 1, "crawldelaylong": 3600}  # robots.txt Crawl-delay, seconds

HANG_SECONDS = 8  # how long a "hanging" response keeps the client waiting (over any test timeout)
BIG_BYTES = 11 * 1024 * 1024

SCREENING = ("Every patient completes a psychiatric evaluation and a medical history review "
             "before the first infusion.")
STAFF = ("Infusions are given by a board-certified anesthesiologist, Dr. Alan Reyes, MD, and "
         "registered nurses monitor vital signs and pulse oximetry throughout.")
FILLER = ("Ketamine infusion therapy is offered for treatment-resistant depression, anxiety and "
          "PTSD. Your dose and the number of sessions are tailored to you. Side effects can "
          "include nausea, dizziness and a rise in blood pressure. We coordinate care with your "
          "own psychiatrist or therapist. ")


def page(title: str, *paragraphs: str, links: list[tuple[str, str]] = (), head: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return (f"<!doctype html><html><head><meta charset='utf-8'>{head}<title>{title}</title></head>"
            f"<body><main><h1>{title}</h1>{body}<ul class='links'>{items}</ul></main>"
            f"<footer><p>{title} · 100 Main St, Austin, TX 78701 · (512) 555-0100</p></footer>"
            f"</body></html>").encode("utf-8")


def make_pdf(lines: list[str], title: str = "") -> bytes:
    """A small valid one-page PDF whose text layer holds ``lines`` (Helvetica, WinAnsi)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 14 TL 50 760 Td " + " ".join(f"({esc(l)}) Tj T*" for l in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R "
        "/Resources << /Font << /F1 4 0 R >> >> >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}\nendstream",
        f"<< /Title ({esc(title)}) /Producer (clinicvet tests) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


INTAKE_PDF_LINES = [
    "New Patient Intake Form - Bluebonnet Ketamine Clinic",
    "Before treatment every patient completes a psychiatric evaluation with our psychiatrist.",
    "Please list current medications and any history of psychosis or substance use.",
]


class FaultWeb:
    """The fault web, served for the duration of a ``with`` block."""

    def __init__(self) -> None:
        self.port = 0
        self.requests: list[tuple[str, str]] = []
        self.times: list[tuple[str, str, float]] = []  # (host, path, monotonic time) of every request
        self.hits: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    # -- addresses -----------------------------------------------------------------------------
    def host(self, name: str) -> str:
        return SITE_NET + str(SITES[name])

    def url(self, name: str, path: str = "/") -> str:
        host = REFUSED_HOST if name == "refused" else self.host(name)
        return f"http://{host}:{self.port}{path}"

    def seeds(self) -> list[tuple[str, str]]:
        rows = [(self.url(n, SEED_PATHS.get(n, "/")), f"Fault {n}") for n in SITES if n not in NOT_SEEDS]
        return rows + [(self.url("refused"), "Fault refused"), (UNRESOLVABLE_URL, "Fault dnsfail")]

    def write_seeds(self, path: Path, names: list[str] | None = None) -> None:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["url", "name"])
            for url, name in self.seeds():
                if names is None or name.split()[-1] in names:
                    writer.writerow([url, name])

    def served(self, name: str) -> list[str]:
        """Paths (with query) requested from one site, in order."""
        host = INTERNAL_HOST if name == "internal" else self.host(name)
        return [p for h, p in self.requests if h == host]

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> FaultWeb:
        hosts = {self.host(n): n for n in SITES} | {INTERNAL_HOST: "internal"}

        def make_server(host: str, port: int) -> ThreadingHTTPServer:
            server = ThreadingHTTPServer((host, port), _handler(self, hosts[host]))
            server.daemon_threads = True
            server.block_on_close = False
            return server

        self.port, self._servers = bind_hosts(make_server, list(hosts), what="fault web address")
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def _count(self, host: str, path: str) -> int:
        with self._lock:
            self.requests.append((host, path))
            self.times.append((host, path, time.monotonic()))
            n = self.hits[(host, path)] = self.hits.get((host, path), 0) + 1
            return n

    # -- the sites -----------------------------------------------------------------------------
    def respond(self, h: "_Handler", site: str, path: str, query: dict, n: int) -> None:
        """Answer one request for ``site`` (n = how many times this host+path was requested)."""
        home = getattr(self, f"site_{site}", None)
        if site == "internal":
            return h.send(200, b"internal admin: secret", "text/plain")
        if path == "/robots.txt" and site == "robotssitemap":  # its only sitemap is at a custom path
            return h.send(200, f"User-agent: *\nDisallow: /private/\nSitemap: {self.url(site, '/custom/pages.xml')}\n".encode(), "text/plain")
        if path == "/robots.txt" and site in CRAWL_DELAYS:
            return h.send(200, f"User-agent: *\nCrawl-delay: {CRAWL_DELAYS[site]}\nDisallow: /private/\n".encode(), "text/plain")
        if path == "/robots.txt" and site not in ("robots500", "robotstimeout"):
            return h.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if home is None:
            return h.send(404, page("Not found"))
        return home(h, path, query, n)

    def _clinic(self, h, path, name, links=(), extra=()):
        if path == "/":
            return h.send(200, page(f"{name} Ketamine Clinic", FILLER, *extra,
                                    links=[("/team/", "Our team"), *links]))
        if path == "/team/":
            return h.send(200, page(f"{name} team", STAFF, SCREENING))
        return h.send(404, page("Not found"))

    def site_good(self, h, path, q, n):
        return self._clinic(h, path, "Good")

    def site_slow(self, h, path, q, n):
        if path == "/drip/":  # headers at once, then one byte every half second
            return h.drip(HANG_SECONDS)
        if path == "/hang/":  # nothing at all until the client gives up
            time.sleep(HANG_SECONDS)
            return h.send(200, page("Too late", FILLER))
        return self._clinic(h, path, "Slow", links=[("/drip/", "Newsletter"), ("/hang/", "Events")])

    def site_deadslow(self, h, path, q, n):
        time.sleep(HANG_SECONDS)
        return self._clinic(h, path, "Dead slow")

    def site_flaky(self, h, path, q, n):
        if path == "/" and n <= 2:  # 503, then 502, then the page: RetryMiddleware gets there
            return h.send(503 if n == 1 else 502, page("Service unavailable"))
        return self._clinic(h, path, "Flaky")

    def site_ratelimited(self, h, path, q, n):
        if path == "/" and n == 1:
            return h.send(429, page("Too many requests"), headers={"Retry-After": "1"})
        if path == "/pricing/":  # asks for an hour: not worth waiting for
            return h.send(429, page("Too many requests"), headers={"Retry-After": "3600"})
        return self._clinic(h, path, "Rate limited", links=[("/pricing/", "Pricing")])

    def site_loops(self, h, path, q, n):
        if path == "/loop-a/":
            return h.redirect("/loop-b/")
        if path == "/loop-b/":
            return h.redirect("/loop-a/")
        return self._clinic(h, path, "Loops", links=[("/loop-a/", "About us")])

    def site_loophome(self, h, path, q, n):
        return h.redirect("/home/" if path == "/" else "/")

    def site_crosshost(self, h, path, q, n):
        if path == "/moved/":  # a page that moved to another (non-seed) site
            return h.redirect(f"http://{self.host('newhome')}:{self.port}/elsewhere/", 301)
        return self._clinic(h, path, "Cross host", links=[("/moved/", "About")])

    def site_newdomain(self, h, path, q, n):
        return h.redirect(f"http://{self.host('newhome')}:{self.port}/", 301)  # the clinic moved

    def site_newhome(self, h, path, q, n):
        return self._clinic(h, path, "New home")

    def site_huge(self, h, path, q, n):
        if path == "/big/":
            return h.big(with_length=True)
        if path == "/big-stream/":
            return h.big(with_length=False)
        return self._clinic(h, path, "Huge", links=[("/big/", "About"), ("/big-stream/", "Blog")])

    def site_files(self, h, path, q, n):
        if path == "/forms/intake-form.pdf":
            return h.send(200, make_pdf(INTAKE_PDF_LINES, "Intake form"), "application/pdf")
        if path == "/consent":  # a PDF at a URL without .pdf
            return h.send(200, make_pdf(["Consent form. Ketamine can raise blood pressure."]), "application/pdf")
        if path == "/broken.pdf":
            return h.send(200, b"%PDF-1.4\nthis is not really a pdf", "application/pdf")
        if path == "/download":
            return h.send(200, bytes(range(256)) * 64, "application/octet-stream")
        if path == "/":  # no screening language on the site itself: only the PDF has it
            return h.send(200, page("Files Ketamine Clinic", FILLER, links=[
                ("/forms/intake-form.pdf", "New patient intake form"), ("/consent", "Consent"),
                ("/broken.pdf", "Old brochure"), ("/download", "Download our app")]))
        return h.send(404, page("Not found"))

    def site_charset(self, h, path, q, n):
        text = ("<html><head><title>Charset clinic</title></head><body><p>Dr. Renée Müller, MD, "
                "leads our team \u2013 \u201cwe screen every patient\u201d.</p><p>" + FILLER + "</p>"
                "<a href='/latin/'>Team</a> <a href='/meta/'>FAQ</a></body></html>")
        if path == "/":  # header says UTF-8, body is Windows-1252
            return h.send(200, text.encode("cp1252"), "text/html; charset=utf-8")
        if path == "/latin/":  # no charset anywhere
            body = "<html><body><p>Our nurse practitioner, Zoë Adébayo, NP, reviews your history.</p></body></html>"
            return h.send(200, body.encode("latin-1"), "text/html")
        if path == "/meta/":  # only a meta charset, and no Content-Type charset
            body = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"
                    "</head><body><p>Frequently asked: “Is ketamine safe?” Side effects include nausea.</p></body></html>")
            return h.send(200, body.encode("cp1252"), "text/html")
        return h.send(404, page("Not found"))

    def site_malformed(self, h, path, q, n):
        if path == "/":
            body = ("<html><head><title>Malformed clinic</title><body><div><p>" + SCREENING +
                    "<p><b><i>" + STAFF + "</b></i></div></div></div><table><tr><td>" + FILLER +
                    "<<div>> <p <span>unclosed <a href='/team/'>Team<a href='/faq/\">FAQ"
                    "<script>var x = '</p>';</script><!-- unterminated comment")
            return h.send(200, body.encode("utf-8"), "text/html; charset=utf-8")
        return self._clinic(h, path, "Malformed")

    def site_trap(self, h, path, q, n):
        if path.startswith("/calendar/"):  # endless months, each linking the next and previous
            y, m = (int(x) for x in path.strip("/").split("/")[1:3])
            nxt = (y + (m == 12), m % 12 + 1)
            prv = (y - (m == 1), (m - 2) % 12 + 1)
            return h.send(200, page(f"Events {y}-{m}", "No events this month.", links=[
                (f"/calendar/{nxt[0]}/{nxt[1]:02d}/", "Next month"),
                (f"/calendar/{prv[0]}/{prv[1]:02d}/", "Previous month")]))
        if path == "/products":  # endless query-string variants
            p = int(q.get("page", ["1"])[0])
            return h.send(200, page(f"Products page {p}", "Gift cards.", links=[
                (f"/products?page={p + 1}", "Next"), (f"/products?page={p + 1}&sort=price", "By price"),
                (f"/products?page={p + 1}&sort=name", "By name")]))
        if path == "/faq/":
            return h.send(200, page("Trap FAQ", "Side effects can include nausea and dissociation."))
        if path == "/":
            return h.send(200, page("Trap Ketamine Clinic", FILLER, links=[
                ("/calendar/2026/11/", "Calendar"), ("/products?page=1", "Shop"),
                ("/team/", "Our team"), ("/faq/", "FAQ")]))
        return self._clinic(h, path, "Trap")

    def site_robots500(self, h, path, q, n):
        if path == "/robots.txt":
            return h.send(500, page("Internal server error"))
        return self._clinic(h, path, "Robots 500")

    def site_robotstimeout(self, h, path, q, n):
        if path == "/robots.txt":
            time.sleep(HANG_SECONDS)
            return h.send(200, b"User-agent: *\nDisallow:\n", "text/plain")
        return self._clinic(h, path, "Robots timeout")

    def site_ssrf(self, h, path, q, n):
        targets = {
            "/go/internal/": f"http://{INTERNAL_HOST}:{self.port}/admin/",
            "/go/metadata/": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "/go/ten/": "http://10.0.0.1/",
            "/go/localhost/": f"http://localhost:{self.port}/",
        }
        if path in targets:
            return h.redirect(targets[path])
        return self._clinic(h, path, "Public looking", links=[(p, "Partner") for p in targets])

    def site_crawldelay(self, h, path, q, n):
        return self._clinic(h, path, "Crawl delay", links=[("/faq/", "FAQ")])

    def site_crawldelaylong(self, h, path, q, n):
        return self._clinic(h, path, "Crawl delay long", links=[("/faq/", "FAQ")])

    def site_sitemapindex(self, h, path, q, n):
        # No /sitemap.xml (a 404 page), a Rank Math-style /sitemap_index.xml instead, whose page
        # sitemap lists a team page no menu links.
        index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<sitemap><loc>{self.url('sitemapindex', '/page-sitemap.xml')}</loc></sitemap></sitemapindex>")
        return self._unlinked_page(h, path, "sitemapindex", "/meet-our-team/", {
            "/sitemap_index.xml": index, "/page-sitemap.xml": self._urlset("sitemapindex", "/", "/meet-our-team/")})

    def site_robotssitemap(self, h, path, q, n):
        # No /sitemap.xml, no /sitemap_index.xml: robots.txt names /custom/pages.xml, which lists a
        # physicians page no menu links.
        return self._unlinked_page(h, path, "robotssitemap", "/our-physicians/", {
            "/custom/pages.xml": self._urlset("robotssitemap", "/", "/our-physicians/")})

    def _unlinked_page(self, h, path, name, hidden, sitemaps):
        """A home page that links nothing, sitemaps, and the team page only they list."""
        if path in sitemaps:
            return h.send(200, sitemaps[path].encode(), "application/xml")
        if path == hidden:
            return h.send(200, page(f"{name} team", STAFF, SCREENING))
        if path == "/":
            return h.send(200, page(f"{name} Ketamine Clinic", FILLER))
        return h.send(404, page("Not found"))

    def _urlset(self, name, *paths):
        urls = "".join(f"<url><loc>{self.url(name, p)}</loc></url>" for p in paths)
        return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'

    def site_section(self, h, path, q, n):
        # A hospital whose every page carries a menu of 45 department team pages, as highly ranked
        # as the ketamine service's own team, FAQ and process pages, which follow it on the page.
        section = SEED_PATHS["section"]
        menu = [(f"/departments/{d}/team/", f"{d.title()} team") for d in _DEPARTMENTS]
        if path == section:
            return h.send(200, page("Ketamine service", FILLER, links=menu + [
                (section + p, p.strip("/").replace("-", " ").title()) for p in SECTION_PAGES]))
        if path in [section + p for p in SECTION_PAGES]:
            return h.send(200, page("Ketamine service", STAFF, SCREENING, links=menu))
        if path == "/" or path.startswith("/departments/"):
            return h.send(200, page("Regional hospital", "Visiting hours are 8am to 8pm.", links=menu))
        return h.send(404, page("Not found"))

    def site_deep(self, h, path, q, n):
        # A large site whose home page links 45 departments and one "Services" page; the service's
        # team and FAQ pages are linked from that page only, a level deeper than the departments.
        menu = [(f"/departments/{d}/", d.title()) for d in _DEPARTMENTS] + [("/services/", "Services")]
        if path == "/services/":
            return h.send(200, page("Ketamine service", FILLER, links=menu + [
                ("/services/" + p, p.strip("/").replace("-", " ").title()) for p in DEEP_PAGES]))
        if path in ["/services/" + p for p in DEEP_PAGES]:
            return h.send(200, page("Ketamine service", STAFF, SCREENING, links=menu))
        if path == "/" or path.startswith("/departments/"):
            return h.send(200, page("Regional clinic group", "Visiting hours are 8am to 8pm.", links=menu))
        return h.send(404, page("Not found"))

    def site_plainwp(self, h, path, q, n):
        menu = [(f"/?page_id={i}", title) for i, title in PLAIN_WP_PAGES.items()]
        if path != "/":
            return h.send(404, page("Not found"))
        i = int(q.get("page_id", ["0"])[0])
        if i == 17:
            return h.send(200, page("Our Team", STAFF, links=menu))
        if i == 18:
            return h.send(200, page("FAQ", SCREENING, links=menu))
        if i in PLAIN_WP_PAGES:
            return h.send(200, page(PLAIN_WP_PAGES[i], FILLER, links=menu))
        return h.send(200, page("Plain WordPress Clinic", FILLER, links=menu))

    def site_chain(self, h, path, q, n):
        # Every page's footer carries the chain's number, (512) 555-0100; each location has its own.
        # The chain's team page lists every location's people; Denver's own pages name Denver's.
        menu = [("/", "Home"), ("/faq/", "FAQ"), ("/our-team/", "Our team"), ("/locations/", "All locations"),
                *[(f"/locations/{c}/", c.title()) for c in CHAIN_OTHERS]]
        if path == "/locations/denver/":
            return h.send(200, page("Denver center", "Call our Denver center at (720) 555-0117.", STAFF,
                                    links=menu + [("/locations/denver/team/", "Denver team")]))
        if path == "/locations/denver/team/":
            return h.send(200, page("Denver team", STAFF, links=menu))
        if path in [f"/locations/{c}/" for c in CHAIN_OTHERS]:
            return h.send(200, page("Another center", "Call (303) 555-0142.",
                                    "Dr. Ivo Lindqvist, MD, leads this center.", links=menu))
        if path == "/our-team/":
            return h.send(200, page("Our team", "Denver", STAFF, "Boulder", "Dr. Ivo Lindqvist, MD, leads this center.",
                                    "Austin", "Mara Quist, RN", "Infusion nurse", links=menu))
        if path == "/locations/":  # beside Denver's section: what other centers treat is not Denver's
            return h.send(200, page("All locations", SCREENING, "Our Tampa center also runs a program for OCD.",
                                    links=menu))
        if path in ("/", "/faq/"):  # the chain's shared pages: what they treat, every center treats
            return h.send(200, page("Chain of ketamine centers", SCREENING, CHAIN_CARE, links=menu))
        return h.send(404, page("Not found"))

    def site_bigteam(self, h, path, q, n):
        # A group practice: 45 provider bios (rank high) fill the 40-page budget by themselves; the
        # contact page (ranks low) holds the address.
        bios = [(f"/providers/{d}/", f"Provider {d}") for d in _DEPARTMENTS]
        if path == "/":
            return h.send(200, page("Big group practice", FILLER, links=bios + [("/contact/", "Contact")]))
        if path in [b for b, _ in bios]:
            return h.send(200, page("Provider", "A licensed therapist.", links=[("/", "Home")]))
        if path == "/contact/":
            return h.send(200, page("Contact", SCREENING))
        return h.send(404, page("Not found"))

    def site_vet(self, h, path, q, n):
        # An animal hospital in a seed list: ketamine is one of its anaesthetics, and what it says
        # of evaluations, monitoring and its doctors is about pets.
        if path == "/":
            return h.send(200, page("Fernbrook Animal Hospital", "Caring for dogs and cats since 1998.",
                                    links=[("/anesthesia/", "Anesthesia"), ("/team/", "Our team")]))
        if path == "/anesthesia/":
            return h.send(200, page("Anesthesia", SCREENING, "We monitor blood pressure, ECG and oxygen "
                                    "saturation throughout. Drugs such as ketamine may be used."))
        if path == "/team/":
            return h.send(200, page("Our team", STAFF))
        return h.send(404, page("Not found"))

    def site_script(self, h, path, q, n):
        # A single-page app (a Vite or Lovable build): the HTML is an empty mount point and a script
        # bundle that writes the text in the browser, which the crawler does not run.
        if path == "/":
            return h.send(200, b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
                          b'<title>Harbor Mind Wellness</title><script type="module" src="/assets/index-4f2a.js">'
                          b'</script></head><body><div id="root"></div>'
                          b'<noscript>You need to enable JavaScript to run this app.</noscript></body></html>')
        if path == "/assets/index-4f2a.js":
            return h.send(200, b'document.getElementById("root").textContent = "IV ketamine infusions";',
                          "text/javascript")
        return h.send(404, page("Not found"))

    def site_ssrfhome(self, h, path, q, n):
        return h.redirect(f"http://{INTERNAL_HOST}:{self.port}/")


_DEPARTMENTS = """allergy anesthesia audiology bariatrics cardiology dermatology dialysis emergency endocrinology
    gastroenterology genetics geriatrics gynecology hematology hepatology hospice imaging immunology
    infectious-disease laboratory maternity nephrology neurology neurosurgery nutrition obstetrics
    oncology ophthalmology orthopedics otolaryngology palliative-care pathology pediatrics pharmacy
    physical-therapy plastic-surgery podiatry pulmonology radiology rehabilitation rheumatology
    sleep-medicine sports-medicine urology vascular""".split()  # 45, no digits: not a URL pattern


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultweb/1.0"
    sys_version = ""
    web: FaultWeb
    site: str

    def log_message(self, format, *args):  # quiet; requests are in FaultWeb.requests
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        n = self.web._count(self.server.server_address[0], self.path)
        try:
            self.web.respond(self, self.site, parts.path or "/", parse_qs(parts.query), n)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send(self, code: int, body: bytes, ctype: str = "text/html; charset=utf-8", headers: dict | None = None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, code: int = 302):
        self.send(code, b"", headers={"Location": location})

    def drip(self, seconds: float):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.wfile.write(b"<")
            self.wfile.flush()
            time.sleep(0.5)
        self.close_connection = True

    def big(self, with_length: bool):
        chunk = (b"<p>" + FILLER.encode() + b"</p>\n") * 64
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if with_length:
            self.send_header("Content-Length", str(BIG_BYTES))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        sent = 0
        while sent < BIG_BYTES:
            part = chunk[: BIG_BYTES - sent]
            self.wfile.write(part)
            sent += len(part)


def _handler(web: FaultWeb, site: str) -> type[_Handler]:
    return type(f"Handler_{site}", (_Handler,), {"web": web, "site": site})
