"""Visible text of an HTML page, one block per line.

Nav menus, scripts, styles and forms are dropped; everything a reader could see (including text in
collapsed accordions, tabs and aria-hidden panels, which real FAQ pages hide) is kept. Inline markup
(<span>-split words, <a>, <strong>) joins into its block; <br> and block elements break lines.
"""

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment

DROP_TAGS = ["script", "style", "noscript", "template", "svg", "iframe", "nav", "select",
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


def parse_html(html: str | bytes) -> ParsedHtml:
    soup = BeautifulSoup(html, "lxml")
    title = _clean(soup.title.get_text()) if soup.title else ""
    og = soup.find("meta", attrs={"property": "og:site_name"})
    site_name = _clean(og.get("content", "")) if og else ""
    jsonld = [s.get_text() for s in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)})]
    tels, mails = [], []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        low = href.lower()
        if low.startswith("tel:"):
            tels.append(href[4:])
        elif low.startswith("mailto:"):
            mails.append(href[7:].split("?")[0].strip())

    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": "navigation"}):
        tag.decompose()
    for tag in soup.find_all(class_=lambda c: c in MENU_CLASSES):
        if not tag.decomposed and _mostly_links(tag):
            tag.decompose()
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
    return ParsedHtml(title, text, site_name, jsonld, tels, mails)


def _mostly_links(tag) -> bool:
    """A menu is mostly link text; a "menu" of services with prices and claims is not."""
    text = len(tag.get_text(strip=True))
    links = sum(len(a.get_text(strip=True)) for a in tag.find_all("a"))
    return text == 0 or links >= 0.6 * text


def _clean(s: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", s)).strip()
