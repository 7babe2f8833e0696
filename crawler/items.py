"""Items the clinic spider yields. Dataclasses, read by pipelines through ItemAdapter."""

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """One fetched page of one clinic site, with what extraction found on it."""

    site: str  # the clinic's key: its seed host without "www."
    seed_url: str
    seed_name: str
    url: str
    status: int
    title: str = ""
    text: str = ""  # visible text, one block per line; nav menus and scripts removed
    fetched_at: str = ""
    depth: int = 0
    outside: bool = False  # outside the seed's own section of a larger site (a chain's other pages)
    facts: dict = field(default_factory=dict)  # crawler.extract.page_facts()
    signals: dict = field(default_factory=dict)  # scoring.scan_page(): by the parsing worker or ScorePipeline
    body_sha1: str = ""  # of the HTML body, for crawler.page_memo ("" for PDFs and replayed pages)
    links: list = field(default_factory=list)  # (absolute URL, anchor) the page has, kept in the memo
    reused: bool = False  # title, text, facts (and signals, if set) came from the memo unchanged
    packed: tuple | None = None  # facts, links, signals compressed for the memo by the parsing worker


@dataclass
class FetchErrorItem:
    """A request that produced no response (DNS, refused, timeout, robots, …)."""

    site: str
    seed_url: str
    seed_name: str
    url: str
    error: str
    fetched_at: str = ""


@dataclass
class SiteDoneItem:
    """A site has no request left: the store can finish its clinic once it has `items` items
    (pages and fetch errors) of it, and forget its pages' signals (memory stays flat with N)."""

    site: str
    seed_url: str
    seed_name: str
    items: int
