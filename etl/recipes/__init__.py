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

from etl.catalogue import Indicator
from etl.fetch.stored import read_manifest, stored_table
from etl.recipes.model import Recipe, load
from etl.sources import ParseContext, SourceSpec

REPO = Path(__file__).resolve().parents[2]
REPO_RECIPES = REPO / "recipes"


def added_folder() -> Path:
    """Where ``etl add`` keeps a user's own files and recipes."""
    return Path(os.environ.get("KETEN_ADDED", REPO / "data" / "added")).resolve()


def recipe_paths() -> list[tuple[Path, Path | None]]:
    """(recipe file, folder its own file lies in): the project's (files in the snapshot: None) and the user's."""
    added = added_folder()
    own = [(path, None) for path in sorted(REPO_RECIPES.glob("*.toml"))]
    return own + [(path, added) for path in sorted((added / "recipes").glob("*.toml"))]


def recipe_specs(snapshot: Path) -> list[SourceSpec]:
    """The project's recipes (files in the snapshot) and the user's added ones (files in the added folder,
    given as absolute paths, which the build reads as they are). A CBS OData recipe's data is wherever
    ``etl fetch`` stored it in the snapshot (its manifest says, also when CBS retired the table)."""
    manifest = read_manifest(snapshot)
    return [spec_of(load(path), path, root, manifest) for path, root in recipe_paths()]


def odata_recipes() -> list[tuple[Path, Recipe]]:
    """(file, recipe) of the CBS OData tables: what ``etl fetch`` downloads besides boundaries and code lists."""
    recipes = [(path, load(path)) for path, _ in recipe_paths()]
    return [(path, recipe) for path, recipe in recipes if recipe.odata is not None]


def spec_of(recipe: Recipe, path: Path, root: Path | None = None, manifest: dict | None = None) -> SourceSpec:
    source = recipe.source
    common = dict(
        id=source.id,
        publisher=source.publisher,
        licence=source.licence,
        reference_date=source.reference_date,
        status=source.status,
        parse=functools.partial(_parse, recipe),
        rank=source.priority,
        recipe_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        absent=recipe.regions.absent,
        indicators=tuple(Indicator(**declared.model_dump()) for declared in recipe.indicators),
        fills=tuple(source.fills),
    )
    if recipe.odata is not None:
        stored = stored_table(manifest or {}, recipe.odata.table)
        common["parse"] = functools.partial(_parse, recipe, columns=stored.columns)
        return SourceSpec(
            **common,
            path=stored.path,
            title=stored.title or source.title,
            table_id=stored.table_id,
            url=stored.urls[0],
            notes=" ".join(filter(None, [source.notes, stored.note])),
            required=False,  # there only after a fetch
            retrieved_at=stored.retrieved_at,
        )
    return SourceSpec(
        **common,
        path=str(root / recipe.file.path) if root else recipe.file.path,
        title=source.title,
        table_id=source.table_id,
        url=source.url,
        notes=source.notes,
        # As required as a parser's file: a snapshot folder filled by `etl fetch` alone is exempt (etl/build.py).
        required=True,
    )


def _parse(recipe: Recipe, path: Path, ctx: ParseContext, columns: dict[str, str] | None = None):
    from etl.recipes.apply import parse

    return parse(recipe, path, ctx, columns)
