"""Serve a built demo web: one ThreadingHTTPServer per loopback IP, all on one shared port.

Each site gets its own host so a crawler sees separate origins (robots.txt, offsite filtering,
per-domain throttling) exactly as on the real web. Linux routes all of 127.0.0.0/8 to loopback.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import socket
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from .generate import PORT_TOKEN, build

NOT_FOUND = b"<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The page you requested does not exist.</p></body></html>\n"
BIND_ATTEMPTS = 20
POLL_SECONDS = 0.05  # shutdown() waits up to one poll per server; keep exits fast


def _status_page(code: int) -> bytes:
    return f"<!doctype html><html><head><title>{code}</title></head><body><h1>Error {code}</h1></body></html>\n".encode()


def _make_handler(root: Path, conf: dict, port: int, log: list) -> type[BaseHTTPRequestHandler]:
    """A handler class bound to one site's files and declared behaviours."""
    routes, redirects, status, slow = conf["routes"], conf["redirects"], conf["status"], conf["slow"]
    token, port_bytes = PORT_TOKEN.encode(), str(port).encode()
    # Files last edited 90 days ago: RFC 2616's heuristic would call such a page fresh for 9 days.
    last_modified = formatdate(time.time() - 90 * 86400, usegmt=True)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "nginx/1.24.0"
        sys_version = ""

        def do_GET(self) -> None:
            self._respond(send_body=True)

        def do_HEAD(self) -> None:
            self._respond(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            """Silence per-request stderr lines; requests are kept in ``DemoWeb.requests``."""

        def _respond(self, send_body: bool) -> None:
            path = urlsplit(self.path).path or "/"
            log.append((self.server.server_address[0], self.path))
            time.sleep(slow.get(path, 0))
            if conf.get("redirect_all"):  # a moved domain: every path to the new site's home
                self._send(301, "text/html; charset=utf-8", b"", send_body, location=conf["redirect_all"])
            elif path == "/robots.txt":
                robots = (root / "robots.txt").read_bytes().replace(token, port_bytes)
                self._send(200, "text/plain; charset=utf-8", robots, send_body)
            elif path in redirects:
                rule = redirects[path]
                self._send(rule["code"], "text/html; charset=utf-8", b"", send_body, location=rule["to"])
            elif path in status:
                self._send(status[path], "text/html; charset=utf-8", _status_page(status[path]), send_body)
            elif path in routes:
                body = (root / routes[path]["file"]).read_bytes().replace(token, port_bytes)
                self._send(200, routes[path]["content_type"], body, send_body)
            elif path + "/" in routes:  # like most CMSs: add the trailing slash
                self._send(301, "text/html; charset=utf-8", b"", send_body, location=path + "/")
            else:
                self._send(404, "text/html; charset=utf-8", NOT_FOUND, send_body)

        def _send(self, code: int, ctype: str, body: bytes, send_body: bool, location: str | None = None) -> None:
            if code == 200:  # conditional requests: ETag / Last-Modified, revalidated every time
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                # No Cache-Control, as a web server serving files sends: by RFC 2616's heuristic the
                # page would stay "fresh" for weeks; clinicvet revalidates it every crawl all the same.
                validators = {"ETag": etag, "Last-Modified": last_modified}
                if self.headers.get("If-None-Match") == etag or (
                        self.headers.get("If-None-Match") is None
                        and self.headers.get("If-Modified-Since") == last_modified):
                    self.send_response(304)
                    self.send_header("Content-Length", "0")  # no body; lets the connection be reused
                    for name, value in validators.items():
                        self.send_header(name, value)
                    self.end_headers()
                    return
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if code == 200:
                for name, value in validators.items():
                    self.send_header(name, value)
            if location:
                self.send_header("Location", location.replace(PORT_TOKEN, str(port)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)

    return Handler


class DemoWeb:
    """The demo web, served for the duration of a ``with`` block.

    ``root`` is a tree written by ``build()``; without it, the web is built into a temp dir.
    """

    def __init__(self, port: int = 0, root: Path | None = None) -> None:
        self._wanted_port, self._root = port, Path(root) if root else None
        self._tmp: str | None = None
        self._servers: list[ThreadingHTTPServer] = []
        self.port = 0
        self.sites: list[dict] = []
        self.directory_url = ""
        self.directories: list[dict] = []
        self.discovery_clinics: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (host, path?query) of every request served

    def __enter__(self) -> DemoWeb:
        if self._root is None:
            self._tmp = tempfile.mkdtemp(prefix="clinicvet-demoweb-")
            self._root = Path(self._tmp)
            build(self._root)
        manifest = json.loads((self._root / "manifest.json").read_text(encoding="utf-8"))
        try:
            self._bind(manifest["serve"])
        except OSError:
            self.__exit__()  # ``with`` does not call __exit__ when __enter__ raises
            raise
        self.sites = [dict(site, url=self._url(site["host"])) for site in manifest["sites"]]
        self.directory_url = self._url(manifest["directory"]["host"])
        # Discovery: the directory sites (with their listings' ground truth) and every clinic's
        # expected home after redirects (None: listed without a website).
        discovery = manifest.get("discovery", {"directories": [], "clinics": {}})
        self.directories = [dict(d, url=self._url(d["host"])) for d in discovery["directories"]]
        self.discovery_clinics = {k: dict(c, url=self._url(c["host"]) if c["host"] else None)
                                  for k, c in discovery["clinics"].items()}
        for server in self._servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = self._root = None

    def _url(self, host: str) -> str:
        return f"http://{host}:{self.port}/"

    def write_seeds(self, path: Path) -> None:
        """Seeds CSV for the crawler: one ``url,name`` row per clinic site."""
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["url", "name"])
            writer.writerows([site["url"], site["name"]] for site in self.sites)

    def _bind(self, serve: dict) -> None:
        """Bind every host on one port; with port 0, retry until some free port fits them all."""
        self.port, self._servers = bind_hosts(lambda host, port: self._server(host, port, serve[host]),
                                              list(serve), self._wanted_port, "demo web address")

    def _server(self, host: str, port: int, conf: dict) -> ThreadingHTTPServer:
        handler = _make_handler(self._root / conf["root"], conf, port, self.requests)
        return ThreadingHTTPServer((host, port), handler)


def bind_hosts(make_server, hosts: list[str], port: int = 0, what: str = "address"):
    """(port, servers): one server per host, all on one port (a loopback web of many hosts). With
    port 0, a free one, retried until one fits every host; a given port that is taken raises."""
    for _ in range(BIND_ATTEMPTS if port == 0 else 1):
        candidate = port or _free_port(hosts[0])
        servers = []
        try:
            for host in hosts:
                servers.append(make_server(host, candidate))
            return candidate, servers
        except OSError:
            for server in servers:
                server.server_close()
            if port:
                raise
    raise OSError(f"no port was free on every {what}")


def _free_port(host: str) -> int:
    """A port the OS reports free on ``host`` (others may still clash: the caller retries)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
