"""A site's crawl state survives JOBDIR (pickle), including one saved before the frontier existed."""

import pickle

from crawler.seeds import Seed
from spiders.clinic import Site


def test_state_round_trips_with_its_frontier():
    site = Site(Seed("https://a.example/", ""), {"a.example"})
    site.seen.update({"https://a.example/", "https://a.example/faq/"})
    site.scheduled, site.order = 1, 7
    site.frontier.append((-50, 7, "https://a.example/faq/", 1))
    again = pickle.loads(pickle.dumps(site))
    assert (again.scheduled, again.order, again.frontier) == (1, 7, [(-50, 7, "https://a.example/faq/", 1)])


def test_a_state_saved_by_the_previous_version_resumes():
    # That version scheduled every seen URL at once and had no frontier, order or scheduled count.
    site = Site(Seed("https://a.example/", ""), {"a.example"})
    site.seen.update({"https://a.example/", "https://a.example/team/", "https://a.example/faq/"})
    old = {k: v for k, v in vars(site).items() if k not in ("frontier", "order", "scheduled")}
    resumed = Site.__new__(Site)
    resumed.__setstate__(old)
    assert (resumed.scheduled, resumed.frontier, resumed.order) == (3, [], 0)
    assert resumed.seen == site.seen
