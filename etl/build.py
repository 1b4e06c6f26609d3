"""``python -m etl build``: snapshot -> parse (cached per input checksum) -> harmonise -> new DuckDB file
-> validate -> atomic swap. A failed run leaves the previous warehouse byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from etl import check, derive, harmonise, warehouse
from etl.catalogue import DATA_GAPS, INDICATORS, Indicator
from etl.crosswalk import boundary_layers, build_crosswalk, with_surviving_codes
from etl.errors import InputError, WarehouseCheckError
from etl.model import SCHEMAS, ParseResult
from etl.progress import steps
from etl.revisions import record as record_revisions
from etl.sources import ParseContext, SourceSpec, all_specs, sha256_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SNAPSHOT = REPO.parent / "shared" / "data"
DEFAULT_WAREHOUSE = REPO / "data" / "ketenmonitor.duckdb"
CODE_DIR = Path(__file__).resolve().parent

# Live downloads are newer than the stored copies and official code lists beat shapes: lower rank wins.
_RANK_BY_MODULE = {
    "etl.parsers.cbs_live": 0,
    "etl.parsers.cbs_kwb": 1,
    "etl.parsers.coa": 2,
    "etl.parsers.cbs_asylum": 2,
    "etl.parsers.regioatlas": 3,
    "etl.parsers.geo": 4,
}


@dataclass
class BuildReport:
    out: Path
    skipped: bool
    seconds: float
    parsed: list[str] = field(default_factory=list)  # source ids parsed anew
    cached: list[str] = field(default_factory=list)  # source ids read from the parse cache
    rows: dict[str, int] = field(default_factory=dict)
    revisions: dict[str, int] = field(default_factory=dict)  # figures added, changed, removed since the last build


def code_fingerprint() -> str:
    """Hash of the ETL code: a change to any parser invalidates the parse cache and the warehouse."""
    digest = hashlib.sha256()
    for path in sorted(CODE_DIR.rglob("*.py")):
        digest.update(path.relative_to(CODE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _input_fingerprint(code: str, checksums: dict[str, str]) -> str:
    payload = json.dumps({"code": code, "inputs": checksums}, sort_keys=True).encode()
    return hashlib.sha256(payload).hexdigest()


def _stored_fingerprint(out: Path) -> str | None:
    if not out.exists():
        return None
    try:
        with duckdb.connect(str(out), read_only=True) as con:
            row = con.execute("SELECT value FROM build_info WHERE key = 'fingerprint'").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _cached_parse(
    spec: SourceSpec, snapshot: Path, checksums: dict[str, str], code: str, cache: Path
) -> tuple[ParseResult, bool]:
    """Parse ``spec``'s file, or reuse the frames stored for the same input bytes, code and dependencies.

    A parse may read other snapshot files (boundary names, classifications) through its context; their
    checksums are stored with the frames and must still match for the cached frames to be reused.
    """
    key = hashlib.sha256(f"{checksums[spec.path]}:{spec.recipe_sha256}:{code}".encode()).hexdigest()[:24]
    folder = cache / spec.id / key
    deps_file = folder / "dependencies.json"
    if deps_file.exists():
        deps = json.loads(deps_file.read_text())
        if all(_checksum(snapshot, rel, checksums) == sha for rel, sha in deps.items()):
            frames = {name: pl.read_parquet(folder / f"{name}.parquet") for name in SCHEMAS}
            return ParseResult(**frames), True
    ctx = ParseContext(snapshot)
    path = snapshot / spec.path
    result = spec.parse(path, ctx).validate(path)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in result.frames().items():
        frame.write_parquet(folder / f"{name}.parquet")
    deps = {rel: _checksum(snapshot, rel, checksums) for rel in sorted(ctx.used - {spec.path})}
    deps_file.write_text(json.dumps(deps))  # written last: its presence marks a complete entry
    return result, False


def _checksum(snapshot: Path, rel: str, known: dict[str, str]) -> str | None:
    if rel not in known:
        path = snapshot / rel
        known[rel] = sha256_file(path) if path.exists() else None
    return known[rel]


def _cached_crosswalk(snapshot: Path, checksums: dict[str, str], code: str, cache: Path) -> pl.DataFrame:
    read = sorted(path.relative_to(snapshot).as_posix() for path, _ in boundary_layers(snapshot).values())
    known = dict(checksums)
    geo = {rel: _checksum(snapshot, rel, known) for rel in read}
    key = hashlib.sha256(json.dumps([geo, code]).encode()).hexdigest()[:24]
    target = cache / "crosswalk" / f"{key}.parquet"
    if target.exists():
        return pl.read_parquet(target)
    frame = build_crosswalk(snapshot)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(target)
    return frame


def _source_rows(specs: list[SourceSpec], checksums: dict[str, str], sizes: dict[str, int]) -> pl.DataFrame:
    rows = [
        {
            "id": s.id,
            "publisher": s.publisher,
            "title": s.title,
            "table_id": s.table_id,
            "url": s.url,
            "licence": s.licence,
            "reference_date": s.reference_date,
            "retrieved_at": s.retrieved_at,
            "sha256": checksums[s.path],
            "bytes": sizes[s.path],
            "file": s.path,
            "status": s.status,
            "notes": s.notes,
            "absent": s.absent,
        }
        for s in specs
    ]
    return pl.DataFrame(
        rows,
        schema={
            "id": pl.String,
            "publisher": pl.String,
            "title": pl.String,
            "table_id": pl.String,
            "url": pl.String,
            "licence": pl.String,
            "reference_date": pl.Date,
            "retrieved_at": pl.Datetime("us"),
            "sha256": pl.String,
            "bytes": pl.Int64,
            "file": pl.String,
            "status": pl.String,
            "notes": pl.String,
            "absent": pl.String,
        },
    )


def catalogue(specs: list[SourceSpec], snapshot: Path) -> tuple[Indicator, ...]:
    """The project's indicators and those the present recipes declare. Two recipes may declare one indicator
    (two half-years of one publication) only in the same words."""
    declared: dict[str, tuple[Indicator, SourceSpec]] = {}
    for spec in specs:
        for indicator in spec.indicators:
            first = declared.setdefault(indicator.id, (indicator, spec))
            if first[0] != indicator:
                raise InputError(
                    snapshot / spec.path,
                    f"declares indicator {indicator.id!r} otherwise than source {first[1].id} does; "
                    "declare it once, in the same words",
                )
    return (*INDICATORS, *(indicator for indicator, _ in declared.values()))


def _catalogue_frames(indicators: tuple[Indicator, ...], filled: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = [{**vars(i), "ratio_of": "/".join(i.ratio_of) if i.ratio_of else None} for i in indicators]
    frame = pl.DataFrame(rows, schema_overrides={"ratio_of": pl.String, "higher_is_better": pl.Boolean})
    gaps = pl.DataFrame([vars(g) for g in DATA_GAPS if g.id not in filled], schema=list(vars(DATA_GAPS[0])))
    return frame, gaps


def build(
    snapshot: Path = DEFAULT_SNAPSHOT,
    out: Path = DEFAULT_WAREHOUSE,
    cache: Path | None = None,
    force: bool = False,
) -> BuildReport:
    started = time.perf_counter()
    snapshot = snapshot.resolve()
    out = out.resolve()
    cache = (cache or out.parent / "cache").resolve()
    if not snapshot.is_dir():
        raise InputError(snapshot, "snapshot folder not found (use --snapshot DIR)")
    specs = all_specs(snapshot)
    missing = [s.path for s in specs if s.required and not (snapshot / s.path).exists()]
    # A folder filled by `etl fetch` alone holds only what was downloaded; the stored copies are optional there.
    live_only = (snapshot / "live" / "manifest.json").exists() and not (snapshot / "stats").exists()
    if missing and not live_only:
        raise InputError(snapshot, f"required snapshot file(s) missing: {missing}")
    specs = [s for s in specs if (snapshot / s.path).exists()]
    checksums = {s.path: sha256_file(snapshot / s.path) for s in specs}
    sizes = {s.path: (snapshot / s.path).stat().st_size for s in specs}
    code = code_fingerprint()
    recipes = {f"recipe:{s.id}": s.recipe_sha256 for s in specs if s.recipe_sha256}
    fingerprint = _input_fingerprint(code, {**checksums, **recipes})
    if not force and _stored_fingerprint(out) == fingerprint:
        return BuildReport(out, skipped=True, seconds=time.perf_counter() - started)

    report = BuildReport(out, skipped=False, seconds=0.0)
    tagged: dict[str, list[harmonise.Tagged]] = {name: [] for name in SCHEMAS}
    known = dict(checksums)  # grows with the checksums of files parsers read as dependencies
    for spec in steps(specs, "parse"):
        result, from_cache = _cached_parse(spec, snapshot, known, code, cache)
        (report.cached if from_cache else report.parsed).append(spec.id)
        for name, frame in result.frames().items():
            tagged[name].append(harmonise.Tagged(spec.id, _rank(spec), frame))

    _refuse_conflicting_parents(tagged["region_parents"], {s.id: s.path for s in specs}, snapshot)
    crosswalk = _cached_crosswalk(snapshot, checksums, code, cache)
    zero_sources = {s.id: _rank(s) for s in specs if s.absent == "zero"}  # complete lists, with their rank
    indicator_catalogue = catalogue(specs, snapshot)
    tables = _harmonised_tables(tagged, crosswalk, zero_sources, indicator_catalogue)
    indicators, gaps = _catalogue_frames(indicator_catalogue, {gap for s in specs for gap in s.fills})
    tables["source"] = _source_rows(specs, checksums, sizes)
    tables["indicator"] = indicators
    tables["data_gap"] = gaps
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    tables["build_info"] = pl.DataFrame(
        {"key": ["fingerprint", "built_at", "snapshot", "code"], "value": [fingerprint, built_at, str(snapshot), code]}
    )
    report.revisions = _write_atomically(out, tables)
    report.rows = {name: frame.height for name, frame in tables.items()}
    report.seconds = time.perf_counter() - started
    return report


def _rank(spec: SourceSpec) -> int:
    """Which source wins a tie on a key (lower wins): the recipe's priority, else by parser module."""
    return spec.rank if spec.rank is not None else _RANK_BY_MODULE.get(spec.parse.__module__, 5)


def _refuse_conflicting_parents(parts: list[harmonise.Tagged], paths: dict[str, str], snapshot: Path) -> None:
    conflicts = harmonise.conflicting_parents(parts)
    if conflicts.height == 0:
        return
    regions = conflicts.select("code", "year", "parent_level").unique(maintain_order=True)
    lines = []
    for code, year, level in regions.head(5).iter_rows():
        claims = conflicts.filter(code=code, year=year, parent_level=level)
        said = " and ".join(
            f"{parent} ({source}, {paths.get(source, '?')})"
            for parent, source in claims.select("parent_code", "source_id").iter_rows()
        )
        lines.append(f"  - {code} in {year}: {level} {said}")
    more = f"\n  ... and {regions.height - 5} more" if regions.height > 5 else ""
    first_source = conflicts["source_id"][0]
    raise InputError(
        snapshot / paths.get(first_source, ""),
        f"sources disagree on the region that {regions.height} region(s) lie in; correct the wrong one (the "
        f"previous warehouse is kept):\n" + "\n".join(lines) + more,
    )


def _harmonised_tables(
    tagged: dict[str, list[harmonise.Tagged]],
    crosswalk: pl.DataFrame,
    zero_sources: dict[str, int],
    indicators: tuple[Indicator, ...] = INDICATORS,
) -> dict[str, pl.DataFrame]:
    from etl.model import empty

    regions = harmonise.first_by_rank(tagged["regions"], ["code", "year"], empty("regions")).drop("source_id")
    parents = harmonise.first_by_rank(
        tagged["region_parents"], ["code", "year", "parent_level"], empty("region_parents")
    )
    geometries = harmonise.first_by_rank(tagged["geometries"], ["code", "year"], empty("geometries"))
    observations = harmonise.first_by_rank(
        tagged["observations"],
        ["indicator_id", "region_code", "region_year", "period", "period_type"],
        empty("observations"),
    )
    # A parser marks the sums it makes of its own rows (COA places per gemeente, a country total) derived.
    observations = observations.with_columns(
        pl.when(pl.col("status") == "derived").then(pl.lit("sum of the source's own rows")).alias("computed_from")
    )
    zeros = derive.zero_filled(observations, regions, zero_sources, indicators)
    observations = pl.concat([observations, zeros], how="vertical")
    observations = pl.concat([observations, derive.totals(observations, parents, indicators)], how="vertical")
    observations = pl.concat([observations, derive.ratios(observations)], how="vertical")
    years = set(observations["region_year"].to_list()) | set(regions["year"].to_list())
    regions = harmonise.add_national_regions(regions, years)
    crosswalk = with_surviving_codes(crosswalk, regions)
    coa = harmonise.first_by_rank(tagged["coa_locations"], ["name", "lat", "lon"], empty("coa_locations"))
    nationality = harmonise.first_by_rank(
        tagged["asylum_nationality"], ["nationality_code", "period", "period_type"], empty("asylum_nationality")
    )
    return {
        "region": regions,
        "region_parent": parents,
        "region_geometry": geometries,
        "crosswalk": crosswalk,
        "observation": observations,
        "observation_rate": derive.rates(observations, indicators),
        "observation_carried": derive.carried(observations, regions, crosswalk, zero_sources, indicators),
        "coa_location": coa,
        "asylum_nationality": nationality,
    }


def _write_atomically(out: Path, tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Write a complete new file next to ``out`` with its revision log against ``out``, validate it, then rename
    it over ``out``. Returns the number of figures added, changed and removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            warehouse.create(con)
            for name in warehouse.TABLES:
                warehouse.insert(con, name, tables[name])
            # To the microsecond, so that two builds within one second stay two entries; UTC, without its zone
            # (the column is a plain TIMESTAMP).
            revisions = record_revisions(con, out, datetime.now(UTC).replace(tzinfo=None).isoformat())
            failures = check.run_checks(con)
            if failures:
                raise WarehouseCheckError("new warehouse failed validation:\n- " + "\n- ".join(failures))
            con.execute("CHECKPOINT")
        os.replace(tmp, out)
        return revisions
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
