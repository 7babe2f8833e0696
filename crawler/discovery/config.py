"""Directory configs: one YAML file per directory under ``data/directories/``.

A config says where a directory's listing pages are and where, in each listing, the clinic's name,
website, phone, address and the directory's claims about it stand. Selectors are CSS (a plain
string, or ``{css: ...}``) or XPath (``{xpath: ...}``); ``{..., all: true}`` keeps every match (a
list) instead of joining them. See README.md ("Discovery") for the full format.

Every problem is reported as one line, ``FILE: key: what is wrong``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree

FIELDS = ("name", "website", "phone", "address", "street", "city", "state", "postcode", "claims")
FORMATS = ("html", "jsonld")
KINDS = ("listing", "detail")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TOP_KEYS = {"name", "title", "start_urls", "format", "entries", "next", "detail", "fields", "detail_fields",
             "sitemap", "jsonld", "max_pages"}


def _css_to_xpath(query: str) -> str:
    from parsel.csstranslator import HTMLTranslator  # imported here: keeps `clinicvet --help` fast

    return HTMLTranslator().css_to_xpath(query)


class ConfigError(ValueError):
    """A directory config cannot be used; the message is one line naming the file and key."""


@dataclass(frozen=True)
class Selector:
    kind: str  # "css" | "xpath"
    query: str
    all: bool = False
    regex: str = ""

    def describe(self) -> str:
        return f"{self.kind}:{self.query}"


@dataclass
class SitemapConfig:
    urls: list[str]
    follow: list[str] = field(default_factory=list)  # regexes; URLs matching none are ignored
    kind: str = "listing"  # what a followed URL is: a listing page or a detail page


@dataclass
class JsonLdConfig:
    types: list[str] = field(default_factory=lambda: ["MedicalClinic", "MedicalBusiness", "Physician",
                                                       "MedicalOrganization", "LocalBusiness"])
    claims: list[str] = field(default_factory=lambda: ["hasCredential", "award", "medicalSpecialty"])


@dataclass
class DirectoryConfig:
    name: str
    path: Path
    title: str = ""
    start_urls: list[str] = field(default_factory=list)
    format: str = "html"
    entries: Selector | None = None
    next: Selector | None = None
    detail: Selector | None = None
    fields: dict[str, Selector] = field(default_factory=dict)
    detail_fields: dict[str, Selector] = field(default_factory=dict)
    sitemap: SitemapConfig | None = None
    jsonld: JsonLdConfig = field(default_factory=JsonLdConfig)
    max_pages: int = 500

    def with_vars(self, variables: dict[str, str]) -> DirectoryConfig:
        """A copy with ``{name}`` placeholders in start and sitemap URLs filled in."""
        def fill(url: str, key: str) -> str:
            def sub(m):
                if m.group(1) not in variables:
                    raise ConfigError(f"{self.path}: {key}: placeholder {{{m.group(1)}}} has no value "
                                      f"(give --var {m.group(1)}=VALUE)")
                return str(variables[m.group(1)])
            return _PLACEHOLDER.sub(sub, url)

        copy = DirectoryConfig(**{k: getattr(self, k) for k in self.__dataclass_fields__})
        copy.start_urls = [fill(u, "start_urls") for u in self.start_urls]
        if self.sitemap:
            copy.sitemap = SitemapConfig([fill(u, "sitemap.urls") for u in self.sitemap.urls],
                                         list(self.sitemap.follow), self.sitemap.kind)
        return copy

    def placeholders(self) -> set[str]:
        urls = self.start_urls + (self.sitemap.urls if self.sitemap else [])
        return {m.group(1) for u in urls for m in _PLACEHOLDER.finditer(u)}


def load_config(path: str | Path) -> DirectoryConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"directory config not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a directory, not a config file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read {path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', None) or e}") from None
    return parse_config(data, path)


def load_configs(paths) -> list[DirectoryConfig]:
    """Configs from files and directories (every *.yml / *.yaml in them, sorted); names must be unique."""
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted([*p.glob("*.yml"), *p.glob("*.yaml")])
            if not found:
                raise ConfigError(f"{p}: no *.yml directory configs in this folder")
            files.extend(found)
        else:
            files.append(p)
    if not files:
        raise ConfigError("no directory config given")
    configs, seen = [], {}
    for f in files:
        cfg = load_config(f)
        if cfg.name in seen:
            raise ConfigError(f"{f}: name {cfg.name!r} is already used by {seen[cfg.name]}")
        seen[cfg.name] = f
        configs.append(cfg)
    return configs


def parse_config(data, path: str | Path = "<config>") -> DirectoryConfig:
    path = Path(path)

    def fail(key: str, message: str):
        raise ConfigError(f"{path}: {key}: {message}" if key else f"{path}: {message}")

    if not isinstance(data, dict):
        fail("", "expected a mapping of keys (name, start_urls, entries, fields, ...)")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        fail(unknown[0], f"unknown key (known: {', '.join(sorted(_TOP_KEYS))})")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        fail("name", "required: lowercase letters, digits, '-' or '_' (it names the source in the database)")
    fmt = data.get("format", "html")
    if fmt not in FORMATS:
        fail("format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    start_urls = data.get("start_urls") or []
    if isinstance(start_urls, str):
        start_urls = [start_urls]
    if not isinstance(start_urls, list) or not all(isinstance(u, str) for u in start_urls):
        fail("start_urls", "must be a list of URLs")
    for u in start_urls:
        if not re.match(r"^https?://[^/\s]+", u):
            fail("start_urls", f"not an http(s) URL: {u!r}")
    sitemap = _sitemap(data.get("sitemap"), fail)
    if not start_urls and not sitemap:
        fail("start_urls", "required (or a sitemap)")
    cfg = DirectoryConfig(name=name, path=path, title=str(data.get("title") or ""), start_urls=start_urls,
                          format=fmt, sitemap=sitemap)
    for key in ("entries", "next", "detail"):
        if data.get(key) is not None:
            setattr(cfg, key, _selector(data[key], key, fail))
    if fmt == "html" and cfg.entries is None:
        fail("entries", "required for format html: the selector of one listing entry")
    for key in ("fields", "detail_fields"):
        raw = data.get(key) or {}
        if not isinstance(raw, dict):
            fail(key, "must be a mapping of field name to selector")
        for fname, spec in raw.items():
            if not isinstance(fname, str) or not _NAME.match(fname):
                fail(f"{key}.{fname}", "field names are lowercase words")
            getattr(cfg, key)[fname] = _selector(spec, f"{key}.{fname}", fail)
    if fmt == "html":
        have = set(cfg.fields) | set(cfg.detail_fields)
        if "name" not in have:
            fail("fields.name", "required: where the clinic's name is")
        if not have & {"website", "phone", "address", "street"}:
            fail("fields", "give at least one of website, phone, address or street: a name alone cannot be matched")
        if cfg.detail_fields and cfg.detail is None and not (sitemap and sitemap.kind == "detail"):
            fail("detail_fields", "given but no 'detail' selector (or detail sitemap) leads to a detail page")
    if data.get("jsonld") is not None:
        cfg.jsonld = _jsonld(data["jsonld"], fail)
    max_pages = data.get("max_pages", 500)
    if not isinstance(max_pages, int) or isinstance(max_pages, bool) or max_pages < 1:
        fail("max_pages", "must be a positive whole number")
    cfg.max_pages = max_pages
    return cfg


def _selector(spec, key: str, fail) -> Selector:
    if isinstance(spec, str):
        spec = {"css": spec}
    if not isinstance(spec, dict):
        fail(key, "a selector is a CSS string or a mapping with css or xpath")
    kinds = [k for k in ("css", "xpath") if k in spec]
    extra = sorted(set(spec) - {"css", "xpath", "all", "re"})
    if extra:
        fail(key, f"unknown selector key {extra[0]!r} (use css or xpath, all, re)")
    if len(kinds) != 1:
        fail(key, "give exactly one of css or xpath")
    query = spec[kinds[0]]
    if not isinstance(query, str) or not query.strip():
        fail(key, f"empty {kinds[0]} selector")
    from cssselect import SelectorError

    try:
        if kinds[0] == "css":
            _css_to_xpath(query)
        else:
            etree.XPath(query)
    except (SelectorError, etree.XPathSyntaxError, ValueError) as e:
        fail(key, f"invalid {kinds[0].upper()} selector {query!r}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
    regex = spec.get("re", "")
    if regex:
        try:
            compiled = re.compile(regex)
        except re.error as e:
            fail(key, f"invalid regular expression {regex!r}: {e}")
        if compiled.groups > 1:
            fail(key, f"regular expression {regex!r} may have at most one group")
    return Selector(kinds[0], query, bool(spec.get("all", False)), regex)


def _sitemap(spec, fail) -> SitemapConfig | None:
    if spec is None:
        return None
    if isinstance(spec, str):
        spec = {"urls": [spec]}
    if not isinstance(spec, dict):
        fail("sitemap", "a URL or a mapping with urls, follow, kind")
    extra = sorted(set(spec) - {"urls", "follow", "kind"})
    if extra:
        fail(f"sitemap.{extra[0]}", "unknown key (use urls, follow, kind)")
    urls = spec.get("urls")
    urls = [urls] if isinstance(urls, str) else urls
    if not urls or not all(isinstance(u, str) and re.match(r"^https?://", u) for u in urls):
        fail("sitemap.urls", "a list of absolute sitemap.xml or robots.txt URLs")
    follow = spec.get("follow") or []
    follow = [follow] if isinstance(follow, str) else follow
    for rx in follow:
        try:
            re.compile(rx)
        except (re.error, TypeError) as e:
            fail("sitemap.follow", f"invalid regular expression {rx!r}: {e}")
    kind = spec.get("kind", "listing")
    if kind not in KINDS:
        fail("sitemap.kind", f"must be listing or detail, not {kind!r}")
    return SitemapConfig(list(urls), list(follow), kind)


def _jsonld(spec, fail) -> JsonLdConfig:
    if not isinstance(spec, dict) or set(spec) - {"types", "claims"}:
        fail("jsonld", "a mapping with types and/or claims (lists of schema.org names)")
    cfg = JsonLdConfig()
    for key in ("types", "claims"):
        if key in spec:
            value = spec[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                fail(f"jsonld.{key}", "must be a list of schema.org names")
            setattr(cfg, key, value)
    return cfg
