"""A synthetic web of N clinic sites for crawl benchmarks, served fast from one loopback socket.

Every site `site-00042.bench.test` has a home page linking to nine more pages (team, FAQ, pricing…),
each 30-150 KB like real CMS pages: a mega-menu, inline CSS and JS, a cookie banner, body text drawn
deterministically from a bank of clinic sentences (some of which set flags), and a footer. One
aiohttp server on 127.0.0.1 answers for every site by its Host header; `resolver.py` points
`*.bench.test` at it, so each site is its own host to the crawler without 10,000 sockets.

    python benchmarks/synthweb.py --port 8899      # serve until Ctrl-C
"""

import argparse
import contextlib
import hashlib
import random
import socket
import subprocess
import sys
import time

from aiohttp import web

PAGES = ["", "our-team/", "faq/", "pricing/", "about/", "what-to-expect/", "new-patients/",
         "contact/", "blog/ketamine-and-anxiety/", "conditions/ptsd/"]
SENTENCES = [
    "Every new patient completes a psychiatric evaluation with our physician before treatment.",
    "Your blood pressure and oxygen levels are monitored throughout each infusion.",
    "Infusions are administered by our board-certified anesthesiologists.",
    "We adjust your dose and the spacing of sessions based on how you respond.",
    "Common side effects include nausea, dizziness and a temporary rise in blood pressure.",
    "With your permission we send a summary to your therapist after every session.",
    "Ketamine infusions can bring relief from depression and anxiety within hours.",
    "Our calm treatment rooms have reclining chairs, blankets and noise-cancelling headphones.",
    "Parking is free in the garage behind our building.",
    "Call us to schedule a free consultation with our care coordinator.",
    "Many patients notice a lift in mood after the first few sessions.",
    "We accept HSA and FSA cards and offer monthly payment plans.",
    "Ketamine has been used safely in hospitals for more than fifty years.",
    "Our team has helped hundreds of people living with PTSD, OCD and social anxiety.",
    "Guaranteed relief in one session or your money back!",
    "No referral needed, walk-ins welcome.",
]


def page_html(site: int, path: str) -> bytes:
    seed = int(hashlib.md5(f"{site}/{path}".encode()).hexdigest()[:8], 16)
    rnd = random.Random(seed)
    host = f"site-{site:05d}.bench.test"
    name = f"Bench Clinic {site}"
    menu = "".join(f'<li class="menu-item"><a href="/{p}">{(p or "home").strip("/").replace("-", " ").title()}</a></li>'
                   for p in PAGES)
    css = "".join(f".e-{k}{{margin:{k % 40}px;color:#{(k * 7919) % 0xFFFFFF:06x}}}\n" for k in range(rnd.randint(300, 1200)))
    js = "".join(f"window.cfg{k}={{id:{k},label:'Book now',token:'{k:x}'}};\n" for k in range(rnd.randint(200, 900)))
    body = "".join(f"<p>{rnd.choice(SENTENCES)} {rnd.choice(SENTENCES)}</p>\n" for _ in range(rnd.randint(20, 80)))
    links = "".join(f'<a href="/{p}">Learn more</a> ' for p in PAGES[1:])
    return (f"<!doctype html><html><head><title>{name} | {path or 'Home'}</title><style>{css}</style>"
            f"<script>{js}</script></head><body><div class='cookie-banner'>We use cookies.</div>"
            f"<header><ul class='menu'>{menu}</ul></header><main><h1>{name}</h1>{body}"
            f"<p>{links}</p></main><footer><p>{100 + site % 900} Main Street, Austin, TX 78701 · "
            f"(512) 555-{site % 10000:04d} · hello@{host}</p></footer></body></html>").encode()


async def handle(request: web.Request) -> web.Response:
    host = request.host.split(":")[0]
    path = request.path.lstrip("/")
    if path == "robots.txt":
        return web.Response(text="User-agent: *\nDisallow: /private/\n")
    try:
        site = int(host.split(".")[0].removeprefix("site-"))
    except ValueError:
        return web.Response(status=404)
    if path not in PAGES:
        return web.Response(status=404, text="not found")
    # Revalidation like a CMS behind a cache: an ETag, no freshness (max-age=0), 304 when it matches.
    etag = f'"{hashlib.md5(f"{site}/{path}".encode()).hexdigest()[:16]}"'
    headers = {"ETag": etag, "Cache-Control": "max-age=0"}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=page_html(site, path), content_type="text/html", charset="utf-8", headers=headers)


def app() -> web.Application:
    application = web.Application()
    application.router.add_get("/{tail:.*}", handle)
    return application


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served():
    """This server in a child process on a free loopback port, ready; yields the port."""
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--port", str(port)])
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8899)
    args = parser.parse_args()
    web.run_app(app(), host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
