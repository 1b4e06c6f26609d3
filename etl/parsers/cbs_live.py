"""CBS "Gebieden in Nederland <year>" downloaded by ``etl fetch`` (OData v3 TypedDataSet JSON under ``live/cbs/``):
the gemeenten and provincies of that year with their names, gemeente -> provincie.

Kept as code because the columns are found through the table's DataProperties (the topic groups 'Codes en namen
van gemeenten' and 'Provincies'), whose keys differ per year. The other live tables (asylum requests 83102NED,
population 03759ned) are recipes (``recipes/cbs_live_*.toml``). Keys arrive space-padded (``'GM0363    '``) and
are stripped here, not in the stored file. Provenance (URL, retrieval time) comes from ``live/manifest.json``.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.fetch.stored import read_manifest, stored_table
from etl.fetch.tables import GEBIEDEN_GEMEENTE_GROUP, GEBIEDEN_PROVINCIE_GROUP, GEBIEDEN_TABLES
from etl.model import REGION, REGION_PARENT, ParseResult
from etl.readers import read_odata_records
from etl.sources import ParseContext, SourceSpec


def sources(snapshot: Path) -> list[SourceSpec]:
    if not (snapshot / "live" / "cbs").is_dir():
        return []
    manifest = read_manifest(snapshot)
    specs = []
    for year, table in GEBIEDEN_TABLES.items():
        stored = stored_table(manifest, table)
        if not (snapshot / stored.path).exists():
            continue
        specs.append(
            SourceSpec(
                id=f"cbs_live_{stored.table_id.lower()}",
                path=stored.path,
                publisher="CBS",
                title=stored.title or f"Gebieden in Nederland {year}",
                table_id=stored.table_id,
                url=stored.urls[0],
                licence="CC BY 4.0",
                reference_date=date(year, 1, 1),
                status="official",
                parse=partial(parse_gebieden, year=year, table=stored.table_id),
                notes=stored.note,
                required=False,
                retrieved_at=stored.retrieved_at,
            )
        )
    return specs


# --- reading OData JSON ----------------------------------------------------------------------------


def _key(path: Path, rows: list[dict], index: int, column: str) -> str:
    value = rows[index][column]
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"value[{index}]: expected a code, found {value!r}", column=column)
    return value.strip()


def _unique(path: Path, keys: list[tuple], what: str) -> None:
    first: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            raise InputError(path, f"two rows for {what} {key} (value[{first[key]}] and value[{index}])")
        first[key] = index


# --- Gebieden in Nederland -------------------------------------------------------------------------


def gebieden_columns(properties: list[dict], path: Path) -> dict[str, str]:
    """Keys of the gemeente and provincie Code/Naam topics, found by the titles of their topic groups.

    The numeric suffix differs per year (provincie ``Code_34`` in 2016, ``Code_26`` in 2024), so the
    keys are looked up instead of hard-coded.
    """
    groups = {
        p.get("ID"): str(p.get("Title") or "").strip().lower() for p in properties if p.get("Type") == "TopicGroup"
    }
    found: dict[str, str] = {}
    for prop in properties:
        if prop.get("Type") != "Topic" or not isinstance(prop.get("Key"), str):
            continue
        group = groups.get(prop.get("ParentID"), "")
        title = str(prop.get("Title") or "").strip().lower()
        if group == GEBIEDEN_GEMEENTE_GROUP and title in ("code", "naam"):
            found[f"gemeente_{title}"] = prop["Key"]
        elif group == GEBIEDEN_PROVINCIE_GROUP and title in ("code", "naam"):
            found[f"provincie_{title}"] = prop["Key"]
    missing = sorted({"gemeente_code", "gemeente_naam", "provincie_code", "provincie_naam"} - set(found))
    if missing:
        raise InputError(
            path,
            f"cannot find {missing} (topics 'Code'/'Naam' under the groups 'Codes en namen van gemeenten' and "
            "'Provincies')",
        )
    return found


def parse_gebieden(path: Path, ctx: ParseContext, *, year: int, table: str) -> ParseResult:
    # Read through the context so the parse cache also keys on the metadata file.
    properties_rel = path.with_name(f"{table}_DataProperties.json").relative_to(ctx.snapshot).as_posix()
    properties_path = ctx.dependency(properties_rel)
    if not properties_path.exists():
        raise InputError(properties_path, f"missing; needed to find the provincie columns of {path.name}")
    columns = gebieden_columns(read_odata_records(properties_path, []), properties_path)
    rows = read_odata_records(path, list(columns.values()))
    gemeenten, provincies, parents = [], {}, []
    for index in range(len(rows)):
        code = _key(path, rows, index, columns["gemeente_code"])
        name = _key(path, rows, index, columns["gemeente_naam"])
        parent = _key(path, rows, index, columns["provincie_code"])
        parent_name = _key(path, rows, index, columns["provincie_naam"])
        if not code.startswith("GM") or not parent.startswith("PV"):
            raise InputError(path, f"value[{index}]: expected a GM and a PV code, found {code!r}, {parent!r}")
        if provincies.setdefault(parent, parent_name) != parent_name:
            raise InputError(path, f"value[{index}]: {parent} named both {provincies[parent]!r} and {parent_name!r}")
        gemeenten.append((code, year, name, "gemeente"))
        parents.append((code, year, parent, "provincie"))
    _unique(path, [(g[0],) for g in gemeenten], "gemeente")
    regions = gemeenten + [(code, year, name, "provincie") for code, name in sorted(provincies.items())]
    return ParseResult(
        regions=pl.DataFrame(regions, schema=REGION, orient="row"),
        region_parents=pl.DataFrame(parents, schema=REGION_PARENT, orient="row"),
    )
