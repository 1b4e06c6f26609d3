"""CBS "Gebieden in Nederland <year>" downloaded by ``etl fetch`` (OData v3 TypedDataSet JSON under ``live/cbs/``):
the gemeenten and provincies of that year with their names, gemeente -> provincie.

Kept as code because the columns are found through the table's DataProperties and values (the Code/Naam topic
groups whose codes are GM and PV codes), whose keys and group titles differ per year. The other live tables
(asylum requests 83102NED, population 03759ned) are recipes (``recipes/cbs_live_*.toml``). Keys arrive
space-padded (``'GM0363    '``) and are stripped here, not in the stored file. Provenance (URL, retrieval time)
comes from ``live/manifest.json``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from pathlib import Path

import polars as pl

from etl.errors import InputError
from etl.fetch.stored import read_manifest, stored_table
from etl.fetch.tables import (
    GEBIEDEN_GEMEENTE_GROUP,
    GEBIEDEN_PROVINCIE_GROUP,
    GEBIEDEN_TABLES,
    gebieden_title,
    gebieden_year,
)
from etl.model import REGION, REGION_PARENT, ParseResult
from etl.readers import read_odata_records, require_fields
from etl.sources import ParseContext, SourceSpec


def sources(snapshot: Path) -> list[SourceSpec]:
    if not (snapshot / "live" / "cbs").is_dir():
        return []
    manifest = read_manifest(snapshot)
    specs = []
    for year, table in sorted(gebieden_tables(manifest).items()):
        stored = stored_table(manifest, table)
        if not (snapshot / stored.path).exists():
            continue
        specs.append(
            SourceSpec(
                id=f"cbs_live_{stored.table_id.lower()}",
                path=stored.path,
                publisher="CBS",
                title=stored.title or gebieden_title(year),
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


def gebieden_tables(manifest: dict[str, dict]) -> dict[int, str]:
    """Year -> table id: the known ids, and those the fetch found in the CBS catalogue by title for later years."""
    tables = dict(GEBIEDEN_TABLES)
    for entry in manifest.values():
        year = gebieden_year(str(entry.get("title") or ""))
        if year and entry["path"].endswith("_TypedDataSet.json") and not entry.get("replaces"):
            tables.setdefault(year, entry["table_id"])
    return tables


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


# The code forms that tell the gemeente and provincie Code topics apart from the other divisions' codes.
CODE_FORMS = {"gemeente": re.compile(r"GM\d{4}"), "provincie": re.compile(r"PV\d{2}")}
KNOWN_GROUPS = {"gemeente": GEBIEDEN_GEMEENTE_GROUP, "provincie": GEBIEDEN_PROVINCIE_GROUP}


def gebieden_columns(properties: list[dict], rows: list[dict], path: Path) -> dict[str, str]:
    """Keys of the gemeente and provincie Code/Naam topics: the topic group whose 'Code' holds a GM (PV) code in
    most rows (a row that breaks the form is named by the parse, row and column).

    Found by their values, not hard-coded: the numeric suffix differs per year (provincie ``Code_34`` in 2016,
    ``Code_26`` in 2024), and the group titles are not the same in every year (the 2015 table's StatLine export
    prints its topics as '||Code', without the group titles that later exports show). Where two groups qualify,
    the one with the usual title wins.
    """
    groups = {p.get("ID"): str(p.get("Title") or "").strip() for p in properties if p.get("Type") == "TopicGroup"}
    pairs: dict[object, dict[str, str]] = {}
    for prop in properties:
        title = str(prop.get("Title") or "").strip().lower()
        if prop.get("Type") == "Topic" and isinstance(prop.get("Key"), str) and title in ("code", "naam"):
            pairs.setdefault(prop.get("ParentID"), {})[title] = prop["Key"]
    pairs = {group: pair for group, pair in pairs.items() if set(pair) == {"code", "naam"}}

    def holds(form: re.Pattern, key: str) -> bool:
        return sum(bool(form.fullmatch(str(row.get(key) or "").strip())) for row in rows) * 2 > len(rows)

    found: dict[str, str] = {}
    for level, form in CODE_FORMS.items():
        matches = [group for group, pair in pairs.items() if holds(form, pair["code"])]
        if len(matches) > 1:
            matches = [group for group in matches if groups.get(group, "").lower() == KNOWN_GROUPS[level]]
        if len(matches) != 1:
            seen = ", ".join(f"{groups.get(group) or '(untitled)'} ({pair['code']})" for group, pair in pairs.items())
            raise InputError(
                path,
                f"cannot tell which topic group holds the {level} codes ({form.pattern} in most rows); "
                f"groups with a Code and a Naam: {seen or 'none'}",
            )
        found[f"{level}_code"], found[f"{level}_naam"] = pairs[matches[0]]["code"], pairs[matches[0]]["naam"]
    return found


def parse_gebieden(path: Path, ctx: ParseContext, *, year: int, table: str) -> ParseResult:
    # Read through the context so the parse cache also keys on the metadata file.
    properties_rel = path.with_name(f"{table}_DataProperties.json").relative_to(ctx.snapshot).as_posix()
    properties_path = ctx.dependency(properties_rel)
    if not properties_path.exists():
        raise InputError(properties_path, f"missing; needed to find the provincie columns of {path.name}")
    rows = read_odata_records(path, [])
    columns = gebieden_columns(read_odata_records(properties_path, []), rows, path)
    require_fields(path, rows, list(columns.values()))
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
