"""``python -m etl export DIR``: the warehouse as open files, for analysts who do not use DuckDB.

Observations (with their rate per 1,000 inhabitants where the build made one), regions, indicators and sources
are written as Parquet and as CSV (UTF-8, point decimal, ISO dates), described by a Frictionless
``datapackage.json`` (Data Package v1: a tabular resource per CSV with its Table Schema, primary and foreign
keys) that names every source and licence.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from etl.build import DEFAULT_WAREHOUSE
from etl.errors import InputError

# name -> (query, primary key, foreign keys as (fields, resource, reference fields), description)
TABLES: dict[str, tuple[str, list[str], list[tuple[list[str], str, list[str]]], str]] = {
    "sources": (
        """SELECT id, publisher, title, table_id, url, licence, reference_date, retrieved_at, sha256, status, absent,
                  notes FROM source ORDER BY id""",
        ["id"],
        [],
        "Every raw publication the figures come from, with its checksum, status (official or unofficial) and what "
        "a region it leaves out means (zero or unknown).",
    ),
    "indicators": (
        """SELECT id, theme, label_nl, label_en, unit, definition_nl, definition_en, higher_is_better, aggregation,
                  per_1000, ratio_of, stock FROM indicator ORDER BY id""",
        ["id"],
        [],
        "The indicator catalogue: labels and definitions in Dutch and English, unit, how it adds up.",
    ),
    "regions": (
        "SELECT code, year, name, level FROM region ORDER BY level, code, year",
        ["code", "year"],
        [],
        "Every gemeente, provincie and other region with its name in each year (CBS codes, unpadded).",
    ),
    "observations": (
        """SELECT o.indicator_id, o.region_code, o.region_year, o.period, o.period_type, o.value, o.status,
                  o.source_id, o.computed_from, x.population, x.population_source_id, x.rate AS rate_per_1000
           FROM observation o
           LEFT JOIN observation_rate x USING (indicator_id, region_code, region_year, period, period_type)
           ORDER BY o.indicator_id, o.period, o.region_code""",
        ["indicator_id", "region_code", "region_year", "period", "period_type"],
        [
            (["indicator_id"], "indicators", ["id"]),
            (["region_code", "region_year"], "regions", ["code", "year"]),
            (["source_id"], "sources", ["id"]),
        ],
        "One row per figure: indicator, region (code and the year of its division), period (start date and type), "
        "value, status, source and, for derived figures, how they were computed; the rate per 1,000 inhabitants "
        "where one applies.",
    ),
}
# DuckDB column types -> Table Schema field types.
FIELD_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
}


def export(warehouse: Path, out: Path) -> dict:
    """Write the files and ``datapackage.json`` into ``out``; return the package descriptor."""
    if not warehouse.exists():
        raise InputError(warehouse, "warehouse not found; build it with: python -m etl prepare")
    out.mkdir(parents=True, exist_ok=True)
    resources = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for name, (query, key, foreign, description) in TABLES.items():
            relation = con.sql(query)
            fields = [
                {"name": column, "type": FIELD_TYPES.get(str(kind).split("(")[0], "string")}
                for column, kind in zip(relation.columns, relation.types, strict=True)
            ]
            relation.write_parquet(str(out / f"{name}.parquet"))
            relation.write_csv(str(out / f"{name}.csv"), header=True, date_format="%Y-%m-%d")
            for field in fields:
                if field["name"] in key:
                    field["constraints"] = {"required": True}
            resources.append(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "description": description,
                    "dialect": {"delimiter": ",", "header": True},
                    "schema": {
                        "fields": fields,
                        "primaryKey": key,
                        "foreignKeys": [
                            {"fields": f, "reference": {"resource": r, "fields": rf}} for f, r, rf in foreign
                        ],
                        "missingValues": [""],
                    },
                }
            )
        sources = con.execute("SELECT id, title, url, licence FROM source ORDER BY id").fetchall()
        built = dict(con.execute("SELECT key, value FROM build_info").fetchall())
    package = {
        "profile": "tabular-data-package",
        "name": "ketenmonitor-asiel-integratie",
        "title": "Ketenmonitor Asiel & Integratie: opvang, huisvesting en integratie per gemeente",
        "description": "Figures on asylum reception, housing of permit holders and integration per gemeente and "
        "region, from official publications, harmonised to CBS region codes per year. Parquet copies of every "
        "CSV lie beside it.",
        "version": built.get("fingerprint", "")[:12],
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "licenses": sorted(
            ({"name": licence, "title": licence} for licence in {s[3] for s in sources}), key=lambda x: x["name"]
        ),
        "sources": [{"title": f"{title} ({sid})", **({"path": url} if url else {})} for sid, title, url, _ in sources],
        "resources": resources,
    }
    (out / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    return package


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write the files and datapackage.json into")
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)


def run_export(args: argparse.Namespace) -> int:
    package = export(args.warehouse, args.out)
    for resource in package["resources"]:
        print(f"{args.out / resource['path']} (+ .parquet)")
    print(f"{args.out / 'datapackage.json'}")
    return 0
