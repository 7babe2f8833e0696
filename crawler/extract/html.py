"""Visible text of an HTML page, one block per line.

Nav menus, scripts, styles and forms are dropped; everything a reader could see (including text in
collapsed accordions, tabs and aria-hidden panels, which real FAQ pages hide) is kept. Inline markup
(<span>-split words, <a>, <strong>) joins into its block; <br> and block elements break lines.

lxml does the work (about ten times faster than BeautifulSoup on real pages); BeautifulSoup, with
the same rules, reads the documents lxml refuses (empty or broken beyond libxml2's repair).
"""

import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html
from bs4 import BeautifulSoup, Comment
from w3lib.encoding import html_to_unicode

from .contacts import find_emails

DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "select",
             "option", "input", "textarea", "object", "embed", "canvas", "head"]
BLOCK_TAGS = ["p", "div", "section", "article", "aside", "header", "footer", "main", "li", "ul",
              "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
              "th", "blockquote", "details", "summary", "figure", "figcaption", "address",
              "form", "fieldset", "legend", "pre", "hr", "label", "button", "caption"]
# Menus that are not in <nav> (WordPress, Bootstrap, Elementor, Wix): matched on whole class tokens.
MENU_CLASSES = {"menu", "sub-menu", "nav-menu", "navbar", "navbar-nav", "main-menu", "primary-menu",
                "mobile-menu", "menu-item", "breadcrumb", "breadcrumbs", "skip-link",
                "elementor-nav-menu", "dropdown-menu", "mega-menu", "main-navigation",
                "site-navigation", "nav", "nav-links"}
# <nav> is a menu unless it holds prose, this many characters not in links: Webflow's dropdown (an
# FAQ answer) is a <nav class="w-dropdown-list">; a menu's toggles ("Menu", "About") are short.
NAV_PROSE = 60
_CF_EMAIL = "/cdn-cgi/l/email-protection"
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")


@dataclass
class ParsedHtml:
    title: str
    text: str
    site_name: str = ""
    jsonld_blocks: list[str] = field(default_factory=list)
    tel_links: list[str] = field(default_factory=list)
    mailto_links: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, anchor text) of every <a href>, menus included
    base_href: str = ""  # <base href>: what relative links resolve against, when the page sets it
    img_alts: list[str] = field(default_factory=list)  # team photos' alt text ("Kim Tran, RN"), read for staff only


def parse_html(html: str | bytes) -> ParsedHtml:
    if isinstance(html, bytes):
        html = html_to_unicode(None, html)[1]  # <meta charset>, BOM, then detection, as Scrapy does
    try:
        return _parse_with_lxml(html)
    except (lxml.etree.ParserError, ValueError):
        return _parse_with_bs4(html)


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_BLOCKS = frozenset(BLOCK_TAGS)
_DROPS = frozenset(DROP_TAGS)


def _parse_with_lxml(html: str) -> ParsedHtml:
    doc = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    title_el = doc.find(".//title")
    title = _clean(title_el.text_content()) if title_el is not None else ""
    site_name = _clean(" ".join(doc.xpath("//meta[@property='og:site_name']/@content")[:1]))
    jsonld = [el.text_content() for el in doc.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")]
    tels, mails, links = [], [], []
    if "data-cfemail" in html:  # Cloudflare's "[email protected]": the address, decoded
        for el in doc.xpath("//*[@data-cfemail]"):
            if email := cf_email(el.get("data-cfemail")):
                mails.append(email)
                el.text, el[:] = email, []
    for a in doc.iter("a"):
        if href := (a.get("href") or "").strip():
            _sort_href(href, lambda: " ".join("".join(a.itertext()).split()), tels, mails, links)
    alts = _alts([str(a) for a in doc.xpath("//img/@alt")], mails)
    base = doc.find(".//base[@href]")
    body = doc.find("body")
    parts: list[str] = []
    if body is not None:
        _walk(body, parts)
    lines = (_clean(line) for line in "".join(parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    return ParsedHtml(title, text, site_name, jsonld, tels, mails, links,
                      base.get("href").strip() if base is not None else "", alts)


def _alts(values: list[str], mails: list[str]) -> list[str]:
    """Images' alt texts: an email address shown as a picture (spam-proof) joins `mails`; those
    short enough to caption a photo of a person ("Kim Tran, RN") are returned, each once."""
    for alt in values:
        if "@" in alt:
            mails.extend(find_emails(alt))
    return list(dict.fromkeys(a for a in (_clean(v) for v in values if "," in v) if 5 < len(a) <= 200))


def _walk(el, out: list[str]) -> None:
    """Text of el in document order, with a line break around every block and at every <br>."""
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag:  # comments and processing instructions: skip them, keep what follows
            if child.tail:
                out.append(child.tail)
            continue
        tag = tag.lower()
        if tag in _DROPS:
            if child.tail:
                out.append(child.tail)
            continue
        if (menu := _menu_text(child, tag == "nav")) is not None:
            if _SENTENCE_END.search(menu):  # most menus hold no sentence: no walk through them
                out.extend(f"\n{line}\n" for line in menu_prose(_texts(child)))
            if child.tail:
                out.append(child.tail)
            continue
        if tag == "br":
            out.append("\n")
        else:
            block = tag in _BLOCKS
            if block:
                out.append("\n")
            if child.text:
                out.append(child.text)
            _walk(child, out)
            if block:
                out.append("\n")
        if child.tail:
            out.append(child.tail)


# A sentence inside a menu: a mega-menu's description ("Guaranteed relief after your first infusion,
# or your next one is free."), which a reader sees; a menu's labels ("Screening") are not sentences.
_SENTENCE = re.compile(r"^\S+(?:\s+\S+){5,}[.!]$")
_SENTENCE_END = re.compile(r"\w[.!](?:\s|$)")


def menu_prose(texts) -> list[str]:
    """The sentences among a menu's element texts, blanks collapsed, innermost only (a card's title
    + description gives the description alone)."""
    found = [t for t in dict.fromkeys(" ".join(t.split()) for t in texts) if _SENTENCE.match(t)]
    return [t for t in found if not any(o != t and o in t for o in found)]


def _texts(el):
    for node in el.iter():
        if isinstance(node.tag, str) and node.tag.lower() not in _DROPS:
            yield "".join(node.itertext())


def _menu_text(el, nav: bool = False) -> str | None:
    """The text of el when it is a menu (role="navigation", a menu class or a <nav>, mostly links), else None."""
    classes = el.get("class")
    if el.get("role") == "navigation":
        return "".join(el.itertext())
    if not nav and (not classes or MENU_CLASSES.isdisjoint(classes.split())):
        return None
    whole = "".join(el.itertext())
    text = len(whole.strip())
    links = sum(len("".join(a.itertext()).strip()) for a in el.iter("a"))
    return whole if text == 0 or links >= 0.6 * text or (nav and text - links < NAV_PROSE) else None


def _parse_with_bs4(html: str) -> ParsedHtml:
    soup = BeautifulSoup(html, "lxml")
    title = _clean(soup.title.get_text()) if soup.title else ""
    og = soup.find("meta", attrs={"property": "og:site_name"})
    site_name = _clean(og.get("content", "")) if og else ""
    jsonld = [s.get_text() for s in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)})]
    base_href = (soup.find("base", href=True) or {}).get("href", "").strip()  # before tags are removed
    tels, mails, links = [], [], []
    for tag in soup.find_all(attrs={"data-cfemail": True}) if "data-cfemail" in html else []:
        if email := cf_email(tag["data-cfemail"]):
            mails.append(email)
            tag.string = email
    for a in soup.find_all("a", href=True):
        if href := a["href"].strip():
            _sort_href(href, lambda: _clean(a.get_text()), tels, mails, links)
    alts = _alts([img["alt"] for img in soup.find_all("img", alt=True)], mails)

    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": "navigation"}):
        if not tag.decomposed:
            _replace_menu(soup, tag)
    for tag in soup.find_all("nav") + soup.find_all(class_=lambda c: c in MENU_CLASSES):
        if not tag.decomposed and _mostly_links(tag):
            _replace_menu(soup, tag)
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    body = soup.body or soup
    lines = (_clean(line) for line in body.get_text().split("\n"))
    text = "\n".join(line for line in lines if line)
    return ParsedHtml(title, text, site_name, jsonld, tels, mails, links, base_href, alts)


def _replace_menu(soup, tag) -> None:
    """A menu out of the text, its sentences (menu_prose) kept in its place."""
    prose = (menu_prose(t.get_text() for t in [tag, *tag.find_all(True)])
             if _SENTENCE_END.search(tag.get_text()) else [])
    if prose:
        block = soup.new_tag("div")
        block.string = "\n".join(prose)
        tag.replace_with(block)
    else:
        tag.decompose()


def _sort_href(href: str, anchor, tels: list, mails: list, links: list) -> None:
    """A link's target into phones, emails (Cloudflare's hidden ones decoded) or links to follow;
    `anchor` gives the link text, read only for those."""
    low = href.lower()
    if _CF_EMAIL in low:
        if email := cf_email(href.partition("#")[2]):
            mails.append(email)
    elif low.startswith("tel:"):
        tels.append(href[4:])
    elif low.startswith("mailto:"):
        mails.append(href[7:].split("?")[0].strip())
    else:
        links.append((href, anchor()))


def cf_email(encoded: str) -> str:
    """An address Cloudflare's email obfuscation hid (hex; the first byte XORs the rest), or ""."""
    try:
        data = bytes.fromhex((encoded or "").strip())
    except ValueError:
        return ""
    email = bytes(b ^ data[0] for b in data[1:]).decode("utf-8", errors="replace") if len(data) > 1 else ""
    return email if "@" in email and " " not in email else ""


def _mostly_links(tag) -> bool:
    """A menu is mostly link text; a "menu" of services with prices and claims is not."""
    text = len(tag.get_text(strip=True))
    anchors = [tag] if tag.name == "a" else tag.find_all("a")
    links = sum(len(a.get_text(strip=True)) for a in anchors)
    return text == 0 or links >= 0.6 * text or (tag.name == "nav" and text - links < NAV_PROSE)


def _clean(s: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", s)).strip()
