"""Discovery: find clinics in directories, sitemaps and seed lists, and resolve them to one clinic each.

    config.py   declarative directory configs (data/directories/*.yml) and their loader
    resolve.py  entity resolution: pure functions, no Scrapy, no SQLite
    store.py    the listings, clinic_sources, locations and directory_claims tables
    run.py      one Scrapy run of the `directory` spider (a subprocess of `clinicvet discover`)
    cli.py      the `discover` command and seeds_from_db() for `clinicvet crawl --from-db`
"""
