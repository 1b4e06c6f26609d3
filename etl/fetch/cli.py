"""Command-line glue for ``python -m etl fetch`` (and ``python -m etl.fetch`` on its own)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.errors import InputError
from etl.fetch.http import DEFAULT_RETRIES, DEFAULT_TIMEOUT
from etl.fetch.odata import DEFAULT_CBS_BASE
from etl.fetch.run import default_years, fetch, table_choices
from etl.fetch.tables import DEFAULT_GEO_BASE, MANIFEST

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "snapshot"


def parse_years(text: str) -> list[int]:
    """'2016-2026', '2024' or '2016,2020-2022' -> sorted list of years."""
    years: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                if last < first:
                    raise ValueError
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a year or range of years: {part!r} (e.g. 2016-2026)") from None
    return sorted(years)


def parse_tables(text: str) -> list[str]:
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    if chosen and set(chosen) <= {"gebieden", "geo"}:
        return chosen  # no recipe needed: a broken one must not stop a download of boundaries
    try:
        choices = table_choices()
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    unknown = [t for t in chosen if t not in choices]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown table(s) {unknown}; choose from {','.join(choices)}")
    return chosen


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"snapshot folder to fill (default {DEFAULT_OUT})"
    )
    parser.add_argument("--cbs-base", default=DEFAULT_CBS_BASE, help=f"CBS OData v3 host (default {DEFAULT_CBS_BASE})")
    parser.add_argument(
        "--geo-base", default=DEFAULT_GEO_BASE, help=f"folder URL of the boundary files (default {DEFAULT_GEO_BASE})"
    )
    parser.add_argument(
        "--years",
        type=parse_years,
        default=list(default_years()),
        help=f"years of population, regions, boundaries (default {default_years()[0]}-{default_years()[-1]})",
    )
    parser.add_argument(
        "--tables",
        type=parse_tables,
        default=None,
        help="comma-separated subset of the CBS tables of the recipes (format cbs-odata), 'gebieden' (the code "
        "lists of each year) and 'geo' (the boundaries); default all",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds to wait for a server (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--retries", type=int, default=DEFAULT_RETRIES, help=f"retries per request (default {DEFAULT_RETRIES})"
    )


def run_fetch(args: argparse.Namespace) -> int:
    """Run the fetch; failures raise ``InputError`` (``FetchError``/``FetchFailed``) for the CLI to print."""
    if args.timeout <= 0 or args.retries < 0:
        raise InputError("fetch arguments", "--timeout must be positive and --retries zero or more")
    try:
        document = _fetch(args)
    except ValueError as exc:  # a year without a known table id, an unknown table
        raise InputError("fetch arguments", str(exc)) from exc
    total = sum(entry["bytes"] for entry in document["files"])
    successors = {(e["replaces"], e["table_id"], e.get("title")) for e in document["files"] if e.get("replaces")}
    for retired, successor, title in sorted(successors):
        print(f"note: CBS no longer serves table {retired}; fetched its successor {successor} ({title!r}) instead")
    for line in document.get("not_published_yet", []):
        print(f"note: {line}")
    for entry in document["files"]:
        for old, new in sorted((entry.get("columns") or {}).items()):
            print(f"note: {entry['table_id']} has {new} where {entry['replaces']} had {old}; read in its place")
    print(
        f"fetched into {args.out}: {len(document['files'])} files, {total:,} bytes; provenance in {args.out / MANIFEST}"
    )
    return 0


def _fetch(args: argparse.Namespace) -> dict:
    return fetch(
        args.out,
        cbs_base=args.cbs_base,
        geo_base=args.geo_base,
        years=args.years,
        tables=args.tables,
        timeout=args.timeout,
        retries=args.retries,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl.fetch", description="Download the live CBS tables and boundaries."
    )
    add_fetch_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_fetch(args)
    except (InputError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
