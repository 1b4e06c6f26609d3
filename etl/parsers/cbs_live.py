"""CBS tables downloaded by ``etl fetch`` (OData v3 TypedDataSet JSON under ``live/cbs/``).

- 83102NED: asylum requests and nareizigers, NL, every month/quarter/year -> four indicators
- 03759ned: population on 1 January per gemeente, provincie and NL -> ``bevolking``
- Gebieden in Nederland <year>: gemeenten and provincies of that year with names, gemeente -> provincie

Keys arrive space-padded (``'GM0363    '``) and are stripped here, not in the stored file. Empty
(null) cells are skipped. Provenance (URL, retrieval time) comes from ``live/manifest.json``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from pathlib import Path

import polars as pl

from contract.periods import parse_cbs_period
from etl.errors import InputError
from etl.fetch.tables import (
    ASYLUM_MEASURES,
    ASYLUM_TABLE,
    GEBIEDEN_GEMEENTE_GROUP,
    GEBIEDEN_PROVINCIE_GROUP,
    GEBIEDEN_TABLES,
    MANIFEST,
    POPULATION_MEASURE_PREFIX,
    POPULATION_REGION_PREFIXES,
    POPULATION_TABLE,
    cbs_file,
)
from etl.model import OBSERVATION, REGION, REGION_PARENT, ParseResult
from etl.readers import read_json
from etl.sources import ParseContext, SourceSpec

ASYLUM_INDICATORS = dict(
    zip(
        ASYLUM_MEASURES,
        ("asielverzoeken_totaal", "asielverzoeken_eerste", "asielverzoeken_volgende", "nareizigers"),
        strict=True,
    )
)
FEED_URL = "https://opendata.cbs.nl/ODataFeed/odata/{table}"
LIVE_NOTE = "Live download (OData v3 ODataFeed, TypedDataSet); pages joined into one JSON document when paged."


def sources(snapshot: Path) -> list[SourceSpec]:
    if not (snapshot / "live" / "cbs").is_dir():
        return []
    manifest = _manifest(snapshot)
    candidates = [
        (ASYLUM_TABLE, "Asielverzoeken en nareizigers; nationaliteit, geslacht en leeftijd", None, parse_83102),
        (POPULATION_TABLE, "Bevolking op 1 januari en gemiddelde; geslacht, leeftijd en regio", None, parse_03759),
    ]
    for year, table in GEBIEDEN_TABLES.items():
        candidates.append(
            (table, f"Gebieden in Nederland {year}", date(year, 1, 1), partial(parse_gebieden, year=year, table=table))
        )
    specs = []
    for table, title, reference_date, parse in candidates:
        path = cbs_file(table, "TypedDataSet")
        note = ""
        successor = _successor(manifest, table)
        if successor is not None:
            # CBS retired the table; the fetch found its successor in the catalogue and stored that one.
            path, retired = successor["path"], table
            table, title = successor["table_id"], successor.get("title") or title
            note = f" Successor of {retired}, which CBS no longer serves; found by title in the CBS catalogue."
        if not (snapshot / path).exists():
            continue
        entry = manifest.get(path, {})
        urls = entry.get("urls") or [FEED_URL.format(table=table)]
        retrieved = entry.get("retrieved_at")
        specs.append(
            SourceSpec(
                id=f"cbs_live_{table.lower()}",
                path=path,
                publisher="CBS",
                title=title,
                table_id=table,
                url=urls[0],
                licence="CC BY 4.0",
                reference_date=reference_date,
                status="official",
                parse=parse,
                notes=LIVE_NOTE + (f" {len(urls)} pages." if len(urls) > 1 else "") + note,
                required=False,
                retrieved_at=datetime.fromisoformat(retrieved) if retrieved else None,
            )
        )
    return specs


def _successor(manifest: dict[str, dict], table: str) -> dict | None:
    """The manifest entry of the data a fetch stored in place of ``table``, if CBS retired it."""
    for entry in manifest.values():
        if entry.get("replaces") == table and entry["path"].endswith("_TypedDataSet.json"):
            return entry
    return None


def _manifest(snapshot: Path) -> dict[str, dict]:
    path = snapshot / MANIFEST
    if not path.exists():
        return {}
    document = read_json(path)
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, dict) and "path" in f for f in files):
        raise InputError(path, "not a fetch manifest (expected {'files': [{'path': ...}, ...]})")
    return {entry["path"]: entry for entry in files}


# --- reading OData JSON ----------------------------------------------------------------------------


def _rows(path: Path, required: list[str]) -> list[dict]:
    document = read_json(path)
    if not isinstance(document, dict) or not isinstance(document.get("value"), list):
        raise InputError(path, "not an OData JSON document (no 'value' list)")
    rows = document["value"]
    if not rows:
        raise InputError(path, "the OData document has no rows")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise InputError(path, f"value[{index}] is not a record")
        missing = [c for c in required if c not in row]
        if missing:
            raise InputError(path, f"value[{index}] lacks field(s) {missing}; has {sorted(row)}", column=missing[0])
    return rows


def _key(path: Path, rows: list[dict], index: int, column: str) -> str:
    value = rows[index][column]
    if not isinstance(value, str) or not value.strip():
        raise InputError(path, f"value[{index}]: expected a code, found {value!r}", column=column)
    return value.strip()


def _number(path: Path, rows: list[dict], index: int, column: str) -> float | None:
    value = rows[index].get(column)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(path, f"value[{index}]: not a number: {value!r}", column=column)
    return float(value)


def _period(path: Path, rows: list[dict], index: int) -> tuple[date, str]:
    code = _key(path, rows, index, "Perioden")
    try:
        return parse_cbs_period(code)
    except ValueError as exc:
        raise InputError(path, f"value[{index}]: {exc}", column="Perioden") from exc


def _unique(path: Path, keys: list[tuple], what: str, hint: str = "") -> None:
    first: dict[tuple, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            raise InputError(path, f"two rows for {what} {key} (value[{first[key]}] and value[{index}]){hint}")
        first[key] = index


TOTALS_HINT = "; the download should hold only the totals of the other dimensions"


# --- 83102NED --------------------------------------------------------------------------------------


def parse_83102(path: Path, ctx: ParseContext) -> ParseResult:
    rows = _rows(path, ["Perioden", *ASYLUM_MEASURES])
    periods = [_period(path, rows, i) for i in range(len(rows))]
    _unique(path, periods, "period", TOTALS_HINT)
    records = []
    for index, (start, kind) in enumerate(periods):
        for measure, indicator in ASYLUM_INDICATORS.items():
            value = _number(path, rows, index, measure)
            if value is not None:
                records.append((indicator, "NL01", start.year, start, kind, value, "official"))
    return ParseResult(observations=pl.DataFrame(records, schema=OBSERVATION, orient="row"))


# --- 03759ned --------------------------------------------------------------------------------------


def parse_03759(path: Path, ctx: ParseContext) -> ParseResult:
    rows = _rows(path, ["RegioS", "Perioden"])
    measures = sorted({k for row in rows for k in row if k.startswith(POPULATION_MEASURE_PREFIX)})
    if len(measures) != 1:
        raise InputError(path, f"expected one {POPULATION_MEASURE_PREFIX}* field, found {measures}")
    measure = measures[0]
    records, keys = [], []
    for index in range(len(rows)):
        code = _key(path, rows, index, "RegioS")
        if not code.startswith(POPULATION_REGION_PREFIXES):
            continue
        start, kind = _period(path, rows, index)
        if kind != "year":
            raise InputError(path, f"value[{index}]: population on 1 January needs a year period", column="Perioden")
        keys.append((code, start.year))
        value = _number(path, rows, index, measure)
        if value is not None:
            records.append(("bevolking", code, start.year, start, kind, value, "official"))
    _unique(path, keys, "region and year", TOTALS_HINT)
    return ParseResult(observations=pl.DataFrame(records, schema=OBSERVATION, orient="row"))


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
    columns = gebieden_columns(_rows(properties_path, []), properties_path)
    rows = _rows(path, list(columns.values()))
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
