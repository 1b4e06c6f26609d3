"""``python -m etl add FILE --recipe R``: import a user's own copy of an official publication.

The file and its recipe are copied into the added folder (``data/added``: ``files/`` and ``recipes/``), the
warehouse is rebuilt, validated and swapped in. When anything fails (a bad recipe, a name that is no gemeente
of the recipe's year, a figure that is not a number), the copies are taken back out and the previous warehouse
stays byte-identical; the message names the file, sheet, row and column.
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

from etl.build import DEFAULT_WAREHOUSE, BuildReport, build
from etl.errors import InputError
from etl.recipes import added_folder
from etl.recipes.model import load
from etl.sources import sha256_file


@dataclass
class Added:
    source_id: str
    file: Path
    sha256: str
    report: BuildReport


def add(file: Path, recipe_path: Path, snapshot: Path | None = None, out: Path = DEFAULT_WAREHOUSE) -> Added:
    if not file.is_file():
        raise InputError(file, "file not found")
    recipe = load(recipe_path)
    added = added_folder()
    if recipe.odata is not None:
        raise InputError(
            recipe_path,
            f"reads CBS table {recipe.odata.table} online, not a file: put the recipe in {added / 'recipes'} and "
            f"run `python -m etl fetch --tables {recipe.odata.table}`",
        )
    target = added / recipe.file.path
    recipe_target = added / "recipes" / f"{recipe.source.id}.toml"
    if target.resolve() == file.resolve():
        raise InputError(file, "is already the added copy; give the original file")
    backups = {path: path.read_bytes() for path in (target, recipe_target) if path.exists()}
    target.parent.mkdir(parents=True, exist_ok=True)
    recipe_target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(file, target)
        shutil.copyfile(recipe_path, recipe_target)
        report = build(snapshot or _snapshot(), out)
    except BaseException:
        # Put the added folder back as it was; the build never swapped a failed warehouse in.
        for path in (target, recipe_target):
            if path in backups:
                path.write_bytes(backups[path])
            else:
                path.unlink(missing_ok=True)
        raise
    return Added(recipe.source.id, target, sha256_file(target), report)


def _snapshot() -> Path:
    """The snapshot the start command builds from: $KETEN_SNAPSHOT, ../shared/data, else the fetched folder."""
    from etl.prepare import choose_snapshot

    return choose_snapshot()[0]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="your copy of the publication (CSV, XLSX, ODS, CBS CSV export)")
    parser.add_argument("--recipe", type=Path, required=True, help="the recipe (TOML) that says how to read it")
    parser.add_argument(
        "--snapshot", type=Path, default=None, help="snapshot of the build (default: the one the start command uses)"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_WAREHOUSE, help="warehouse file to rebuild")


def run_add(args: argparse.Namespace) -> int:
    result = add(args.file, args.recipe, args.snapshot, args.out)
    print(f"added {result.source_id}: {result.file} (sha256 {result.sha256})")
    print(f"{result.report.out}: rebuilt in {result.report.seconds:.1f} s and validated")
    return 0
