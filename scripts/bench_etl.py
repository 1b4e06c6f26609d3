"""ETL benchmark: prints full build time (cold cache), unchanged rebuild time, `etl add` of one file (the H1 2016
housing table as a user's CSV copy, warm cache), warehouse size and the GeoJSON bytes of each national map.
Targets on the 2-core reference machine: full build <= 60 s, unchanged rebuild <= 5 s, <= 200 KB per national
gemeente map.

    python scripts/bench_etl.py [--snapshot DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.build import DEFAULT_SNAPSHOT, build  # noqa: E402


def national_map_bytes(path: Path) -> list[tuple[str, int, int, int]]:
    """(level, year, features, bytes) of the FeatureCollection a page would send for each level and year."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            """SELECT level, year, count(*),
                      sum(length('{"type":"Feature","id":"' || code || '","properties":{},"geometry":'
                                 || geojson || '},'))
                      + length('{"type":"FeatureCollection","features":[]}')
               FROM region_geometry GROUP BY level, year ORDER BY level, year"""
        ).fetchall()


def time_add(snapshot: Path, out: Path, tmp: Path) -> float:
    """`etl add` of a user's copy of the H1 2016 housing table under its own source id: copy, build, validate."""
    import os
    import shutil

    from etl.add import add
    from etl.recipes import REPO_RECIPES
    from etl.recipes.model import load

    recipe_path = REPO_RECIPES / "rijksoverheid_huisvesting_vergunninghouders_2016h1.toml"
    original = load(recipe_path)
    own = tmp / "mijn_kopie.csv"
    shutil.copy2(snapshot / original.file.path, own)
    recipe = tmp / "mijn_kopie.toml"
    text = recipe_path.read_text(encoding="utf-8").replace(f'id = "{original.source.id}"', 'id = "mijn_kopie"')
    recipe.write_text(text.replace(f'path = "{original.file.path}"', 'path = "files/mijn_kopie.csv"'), "utf-8")
    os.environ["KETEN_ADDED"] = str(tmp / "added")
    started = time.perf_counter()
    add(own, recipe, snapshot, out)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "ketenmonitor.duckdb", Path(tmp) / "cache"
        started = time.perf_counter()
        full = build(args.snapshot, out, cache)
        full_s = time.perf_counter() - started
        started = time.perf_counter()
        again = build(args.snapshot, out, cache)
        unchanged_s = time.perf_counter() - started
        started = time.perf_counter()
        forced = build(args.snapshot, out, cache, force=True)
        cached_s = time.perf_counter() - started
        print(f"full build (cold cache)        {full_s:6.2f} s   target <= 60 s   ({len(full.parsed)} inputs parsed)")
        print(f"unchanged rebuild              {unchanged_s:6.2f} s   target <=  5 s   (skipped: {again.skipped})")
        print(f"forced rebuild, all cached     {cached_s:6.2f} s   ({len(forced.cached)} inputs from cache)")
        warehouse_bytes = out.stat().st_size  # before the add, which puts a copy of a table in
        add_s = time_add(args.snapshot, out, Path(tmp))
        print(f"etl add of one file (warm)     {add_s:6.2f} s   (a copy of the H1 2016 housing table)")
        print(f"warehouse size                 {warehouse_bytes / 1e6:6.2f} MB")
        print("GeoJSON per national map (level, year, features, KB):")
        for level, year, features, size in national_map_bytes(out):
            flag = "" if level != "gemeente" or size <= 200_000 else "   OVER 200 KB"
            print(f"  {level:<18} {year}  {features:>4}  {size / 1000:7.1f}{flag}")


if __name__ == "__main__":
    main()
