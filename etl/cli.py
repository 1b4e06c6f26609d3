"""Command line: ``python -m etl {build,check,info,fetch,prepare,add,export}``. Exit 0 on success, 1 on a failed check,
2 on bad input or a failed build (the message names the file, line or column)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from etl.build import DEFAULT_SNAPSHOT, DEFAULT_WAREHOUSE, build
from etl.errors import InputError, WarehouseCheckError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Ketenmonitor warehouse ETL")
    sub = parser.add_subparsers(dest="command", required=True)

    p_build = sub.add_parser("build", help="build the DuckDB warehouse from a snapshot folder")
    p_build.add_argument(
        "--snapshot", type=Path, default=DEFAULT_SNAPSHOT, help="snapshot folder (geo/, stats/, live/)"
    )
    p_build.add_argument("--out", type=Path, default=DEFAULT_WAREHOUSE, help="warehouse file to write")
    p_build.add_argument("--cache", type=Path, default=None, help="parse cache folder (default: next to --out)")
    p_build.add_argument("--force", action="store_true", help="rebuild even when no input changed")

    for name, text in (("check", "validate a warehouse"), ("info", "print what a warehouse holds")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)

    p_fetch = sub.add_parser("fetch", help="download live CBS tables and boundaries into a snapshot folder")
    from etl.fetch.cli import add_fetch_arguments

    add_fetch_arguments(p_fetch)

    p_prepare = sub.add_parser(
        "prepare", help="find or fetch the data a start needs and build the warehouse (what scripts/start.sh runs)"
    )
    from etl.prepare import add_prepare_arguments

    add_prepare_arguments(p_prepare)

    p_add = sub.add_parser("add", help="import your own copy of a publication through a recipe, then rebuild")
    from etl.add import add_arguments

    add_arguments(p_add)

    p_export = sub.add_parser("export", help="write the warehouse as Parquet and CSV with a datapackage.json")
    from etl.export import add_export_arguments

    add_export_arguments(p_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            report = build(args.snapshot, args.out, args.cache, force=args.force)
            if report.skipped:
                print(f"{report.out}: up to date (no input or code changed), {report.seconds:.2f} s")
            else:
                print(
                    f"{report.out}: built in {report.seconds:.1f} s "
                    f"({len(report.parsed)} inputs parsed, {len(report.cached)} from cache)"
                )
                for table, n in report.rows.items():
                    print(f"  {table:<20} {n:>9,}")
                if any(report.revisions.values()):
                    changes = ", ".join(f"{n:,} {kind}" for kind, n in report.revisions.items())
                    print(f"  revisions since the previous warehouse: {changes}")
            return 0
        if args.command == "check":
            from etl.check import check_file

            failures = check_file(args.warehouse)
            if failures:
                print(f"{args.warehouse}: {len(failures)} check(s) failed", file=sys.stderr)
                for failure in failures:
                    print(f"- {failure}", file=sys.stderr)
                return 1
            print(f"{args.warehouse}: all checks passed")
            return 0
        if args.command == "info":
            from etl.info import describe

            if not args.warehouse.exists():
                print(f"{args.warehouse}: not found; build it with: python -m etl prepare", file=sys.stderr)
                return 1
            print(describe(args.warehouse))
            return 0
        if args.command == "fetch":
            from etl.fetch.cli import run_fetch

            return run_fetch(args)
        if args.command == "prepare":
            from etl.prepare import run_prepare

            return run_prepare(args)
        if args.command == "add":
            from etl.add import run_add

            return run_add(args)
        if args.command == "export":
            from etl.export import run_export

            return run_export(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except WarehouseCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except duckdb.ConstraintException as exc:
        print(f"error: the new warehouse violates a constraint, previous warehouse kept: {exc}", file=sys.stderr)
        return 2
    return 2
