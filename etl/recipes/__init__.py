"""Publications read by recipe: one declarative TOML file per publication (provenance, how to read the file,
how regions and periods are given, which columns become which indicators, whether an absent region means
zero) and generic readers that do the work. Adding a publication is adding a recipe, not code.

Recipes live in the repository's ``recipes/`` (the project's own; their files lie in the snapshot folder) and
in ``data/added/recipes/`` (a user's own, put there with their files by ``python -m etl add FILE --recipe R``;
``$KETEN_ADDED`` moves that folder). The snapshot folder itself is never written to.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from etl.recipes.model import Recipe, load
from etl.sources import ParseContext, SourceSpec

REPO = Path(__file__).resolve().parents[2]
REPO_RECIPES = REPO / "recipes"


def added_folder() -> Path:
    """Where ``etl add`` keeps a user's own files and recipes."""
    return Path(os.environ.get("KETEN_ADDED", REPO / "data" / "added")).resolve()


def recipe_specs(snapshot: Path) -> list[SourceSpec]:
    """The project's recipes (files in the snapshot) and the user's added ones (files in the added folder,
    given as absolute paths, which the build reads as they are)."""
    own = [spec_of(load(path), path) for path in sorted(REPO_RECIPES.glob("*.toml"))]
    added = added_folder()
    users = [spec_of(load(path), path, added) for path in sorted((added / "recipes").glob("*.toml"))]
    return own + users


def spec_of(recipe: Recipe, path: Path, root: Path | None = None) -> SourceSpec:
    source = recipe.source
    return SourceSpec(
        id=source.id,
        path=str(root / recipe.file.path) if root else recipe.file.path,
        publisher=source.publisher,
        title=source.title,
        table_id=source.table_id,
        url=source.url,
        licence=source.licence,
        reference_date=source.reference_date,
        status=source.status,
        parse=functools.partial(_parse, recipe),
        notes=source.notes,
        # As required as a parser's file: a snapshot folder filled by `etl fetch` alone is exempt (etl/build.py).
        required=True,
        rank=source.priority,
        recipe_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        absent=recipe.regions.absent,
    )


def _parse(recipe: Recipe, path: Path, ctx: ParseContext):
    from etl.recipes.apply import parse

    return parse(recipe, path, ctx)
