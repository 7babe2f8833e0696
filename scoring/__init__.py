"""clinicvet scoring: a pure library (text in, flags with evidence out). Never imports Scrapy.

    from scoring import scan_page, aggregate
    clinic = aggregate([scan_page(text, url) for url, text in pages])
    clinic.score, clinic.tier, clinic.flags["screening"]
"""

from .gate import NO_KETAMINE_TIER
from .rules import FLAGS, POSITIVE_FLAGS, RED_FLAGS, RuleError, Rules, load_rules
from .scan import PageSignals, scan_page
from .score import ClinicScore, Evidence, aggregate

__all__ = [
    "FLAGS", "NO_KETAMINE_TIER", "POSITIVE_FLAGS", "RED_FLAGS", "RuleError", "Rules", "load_rules",
    "PageSignals", "scan_page", "ClinicScore", "Evidence", "aggregate",
]
