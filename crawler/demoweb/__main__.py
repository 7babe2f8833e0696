"""``python -m crawler.demoweb``: serve the demo web until Ctrl-C."""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from .server import DemoWeb


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crawler.demoweb", description=__doc__)
    parser.add_argument("--port", type=int, default=8790, help="port shared by every site (0: any free port)")
    parser.add_argument("--seeds", type=Path, help="also write a seeds CSV (url,name) to this file")
    args = parser.parse_args(argv)
    with DemoWeb(port=args.port) as web:
        for site in web.sites:
            print(f"{site['url']}\t{site['key']}")
        print(f"{web.directory_url}\tdirectory")
        if args.seeds:
            web.write_seeds(args.seeds)
            print(f"seeds written to {args.seeds}")
        print("serving; press Ctrl-C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
