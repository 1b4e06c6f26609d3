"""``python -m etl prepare``: find the data a start uses, fetch it when there is none, and build the warehouse.

Where the snapshot comes from, in this order:

1. ``$KETEN_SNAPSHOT`` (a folder the user points to);
2. ``../shared/data`` next to the repository (this project's own machines);
3. ``data/snapshot`` in the repository, filled from the live sources (CBS OData and the CBS/PDOK boundaries)
   when it holds no complete fetch yet. ``$KETEN_CBS_BASE``, ``$KETEN_GEO_BASE`` and ``$KETEN_FETCH_YEARS``
   point the fetch at a mirror (the tests use a server on 127.0.0.1).

Without a snapshot and without a connection it says what to do and exits 2, without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from etl.build import DEFAULT_SNAPSHOT, DEFAULT_WAREHOUSE, REPO, build
from etl.errors import InputError

LOCAL_SNAPSHOT = REPO / "data" / "snapshot"
# Written after a fetch that stored every file; a fetch cut short is tried again at the next start.
COMPLETE = ".fetch-complete"


def choose_snapshot(environ: dict[str, str] | None = None) -> tuple[Path, str]:
    """The snapshot folder and where it came from: 'KETEN_SNAPSHOT', 'shared' or 'fetch'."""
    environ = os.environ if environ is None else environ
    configured = environ.get("KETEN_SNAPSHOT")
    if configured:
        folder = Path(configured).expanduser()
        if not folder.is_dir():
            raise InputError(folder, "KETEN_SNAPSHOT points to a folder that does not exist")
        return folder, "KETEN_SNAPSHOT"
    if DEFAULT_SNAPSHOT.is_dir():
        return DEFAULT_SNAPSHOT, "shared"
    return LOCAL_SNAPSHOT, "fetch"


def fetch_complete(folder: Path) -> bool:
    return (folder / COMPLETE).is_file()


OFFLINE_ADVICE = """\
There is no copy of the data on this machine, and the live sources could not be reached:

{reason}

What to do:
  - connect this machine to the internet and run ./scripts/start.sh again: it downloads the figures from
    {cbs} and the boundaries from {geo} into data/snapshot and builds the warehouse; or
  - copy a snapshot folder (with geo/ and stats/ or live/) to this machine and start with
    KETEN_SNAPSHOT=/path/to/snapshot ./scripts/start.sh
"""


def _fetch(folder: Path, args: argparse.Namespace) -> None:
    from etl.fetch.cli import run_fetch

    print(f"No data on this machine yet: fetching the live sources into {folder} ...", file=sys.stderr, flush=True)
    args.out = folder
    try:
        run_fetch(args)
    except InputError as exc:
        if not _unreachable(exc):
            raise  # a bad answer, not a missing connection: the CLI prints it as the error it is
        raise SystemExit(_offline(exc, args)) from None
    (folder / COMPLETE).write_text(datetime.now(UTC).isoformat(timespec="seconds") + "\n", encoding="utf-8")
    if _not_published_yet(folder):
        print(
            "Some of this year's tables are not out yet (see the notes above); `python -m etl fetch` fetches them "
            "once CBS publishes them.",
            file=sys.stderr,
        )


def _not_published_yet(folder: Path) -> list[str]:
    """What the fetch found not out yet (its manifest says)."""
    from etl.fetch.tables import MANIFEST
    from etl.readers import read_json

    document = read_json(folder / MANIFEST)
    return list(document.get("not_published_yet", [])) if isinstance(document, dict) else []


def _unreachable(exc: InputError) -> bool:
    """True when nothing failed but the connection (refused, unknown host, no answer in time)."""
    from etl.fetch.http import ConnectionFailed
    from etl.fetch.run import FetchFailed

    if isinstance(exc, FetchFailed):
        return all(cause is None or isinstance(cause, ConnectionFailed) for cause in exc.causes)
    return isinstance(exc, ConnectionFailed)


def _offline(exc: InputError, args: argparse.Namespace) -> int:
    lines = str(exc).splitlines()
    if len(lines) > 4:  # one line per failed download: the first few say enough
        lines = [*lines[:3], f"  - ... and {len(lines) - 3} more"]
    reason = "\n".join(f"  {line}" for line in lines)
    hosts = {name: urlsplit(getattr(args, name)).netloc or getattr(args, name) for name in ("cbs_base", "geo_base")}
    print(OFFLINE_ADVICE.format(reason=reason, cbs=hosts["cbs_base"], geo=hosts["geo_base"]), file=sys.stderr)
    return 2


def add_prepare_arguments(parser: argparse.ArgumentParser) -> None:
    from etl.fetch.cli import add_fetch_arguments, parse_years

    add_fetch_arguments(parser)
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="warehouse file to build")
    # A mirror of the live sources (or the tests' loopback server) without typing flags into start.sh.
    defaults = {"out": LOCAL_SNAPSHOT}
    if os.environ.get("KETEN_CBS_BASE"):
        defaults["cbs_base"] = os.environ["KETEN_CBS_BASE"]
    if os.environ.get("KETEN_GEO_BASE"):
        defaults["geo_base"] = os.environ["KETEN_GEO_BASE"]
    if os.environ.get("KETEN_FETCH_YEARS"):
        try:
            defaults["years"] = parse_years(os.environ["KETEN_FETCH_YEARS"])
        except argparse.ArgumentTypeError as exc:
            parser.error(f"KETEN_FETCH_YEARS: {exc}")
    parser.set_defaults(**defaults)


def run_prepare(args: argparse.Namespace) -> int:
    folder, origin = choose_snapshot()
    if origin == "fetch":
        folder = args.out
        if not fetch_complete(folder):
            _fetch(folder, args)
    described = {"KETEN_SNAPSHOT": "from $KETEN_SNAPSHOT", "shared": "shared copy", "fetch": "fetched"}[origin]
    print(f"Snapshot: {folder} ({described})")
    report = build(folder, args.warehouse)
    state = "up to date" if report.skipped else f"built in {report.seconds:.1f} s"
    print(f"Warehouse: {report.out} ({state})")
    return 0
