"""clinicvet's crawler: settings, items, pipelines, storage, extraction, CLI, report, demo web."""

from crawler.resources import use_packaged_scoring_files

# Deployed to scrapyd, the project runs from a zipped egg: give the scoring library real copies of
# its data files, in every process that imports crawler (the crawl's worker processes too). From a
# checkout or a pip install this does nothing (crawler/resources.py).
use_packaged_scoring_files()
