"""One run of the `directory` spider, in its own process (a Twisted reactor cannot restart):

    python -m crawler.discovery.run --db X.db --config a.yml [--config b.yml] [--var port=8790]
                                   [--seeds seeds.csv] [--no-check-websites] [--stats-out FILE]

`clinicvet discover` starts this as a subprocess, then resolves the stored listings.
"""

from __future__ import annotations

import argparse
import json
import logging
import os


def run_directory_crawl(db: str, configs: list[str], variables: dict[str, str], seeds: str | None = None,
                        check_websites: bool = True, settings: dict | None = None) -> dict:
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from spiders.directory import DirectorySpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.set("CLINICVET_DB", str(db))
    for key, value in (settings or {}).items():
        project.set(key, value)
    process = CrawlerProcess(project)
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(DirectorySpider)
    process.crawl(crawler, config=list(configs), vars=dict(variables), seeds=seeds, check_websites=check_websites)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    spider = crawler.spider
    stats = {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}
    if spider is not None:
        stats["clinicvet/discover/per_directory"] = {
            name: {"pages": spider.pages.get(name, 0), "listings": spider.listings.get(name, 0)}
            for name in spider.configs}
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.discovery.run")
    parser.add_argument("--db", required=True)
    parser.add_argument("--config", action="append", default=[])
    parser.add_argument("--var", action="append", default=[])
    parser.add_argument("--seeds")
    parser.add_argument("--no-check-websites", action="store_true")
    parser.add_argument("--stats-out")
    args = parser.parse_args(argv)
    variables = dict(v.split("=", 1) for v in args.var)
    stats = run_directory_crawl(args.db, args.config, variables, args.seeds, not args.no_check_websites)
    if args.stats_out:
        with open(args.stats_out, "w", encoding="utf-8") as fh:
            json.dump(stats, fh, default=str)
    return 0 if stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    raise SystemExit(main())
