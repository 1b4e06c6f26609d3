"""``python -m dashboard.publish OUT [--warehouse FILE] [--base-url URL] [--live-url URL]``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.db import warehouse_path
from dashboard.publish.site import publish


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.publish", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the site into")
    parser.add_argument("--warehouse", type=Path, default=None, help="default: $KETEN_WAREHOUSE or data/")
    parser.add_argument("--base-url", default=None, help="the site's public address (for the sitemap)")
    parser.add_argument("--live-url", default=None, help="the live dashboard's address (for 'open in the dashboard')")
    parser.add_argument("--pdf", action="store_true", help="also print an A4 factsheet per gemeente (Chromium)")
    parser.add_argument("--only", default=None, help="comma-separated gemeente codes (default: every one)")
    args = parser.parse_args(argv)
    warehouse = args.warehouse or warehouse_path()
    if not warehouse.exists():
        print(f"error: {warehouse}: no warehouse; build it with: python -m etl build", file=sys.stderr)
        return 2
    codes = [c.strip().upper() for c in args.only.split(",")] if args.only else None
    report = publish(warehouse, args.out, base_url=args.base_url, live_url=args.live_url, codes=codes, pdf=args.pdf)
    if report.skipped:
        print(f"{args.out}: up to date (warehouse and code unchanged), {report.seconds:.2f} s")
    else:
        print(f"{args.out}: {len(report.written)} files written, {report.unchanged} unchanged, {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
