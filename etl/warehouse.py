"""The warehouse schema (the public contract, also documented in README.md) and how frames are written."""

from __future__ import annotations

import duckdb
import polars as pl

DDL = """
CREATE TABLE source (
    id              VARCHAR PRIMARY KEY,
    publisher       VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    table_id        VARCHAR,
    url             VARCHAR,
    licence         VARCHAR NOT NULL,
    reference_date  DATE,
    retrieved_at    TIMESTAMP,
    sha256          VARCHAR NOT NULL,
    bytes           BIGINT NOT NULL,
    file            VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('official', 'unofficial', 'derived')),
    notes           VARCHAR,
    -- What a region the source does not list means: 'zero' (a complete list of everything there is) or
    -- 'unknown' (a selection); NULL: not declared, read as unknown.
    absent          VARCHAR CHECK (absent IN ('zero', 'unknown'))
);
CREATE TABLE region (
    code   VARCHAR NOT NULL,
    year   INTEGER NOT NULL,
    name   VARCHAR NOT NULL,
    level  VARCHAR NOT NULL,
    PRIMARY KEY (code, year)
);
CREATE TABLE region_parent (
    code          VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    parent_code   VARCHAR NOT NULL,
    parent_level  VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL REFERENCES source (id),
    PRIMARY KEY (code, year, parent_level)
);
CREATE TABLE region_geometry (
    code     VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    level    VARCHAR NOT NULL,
    geojson  VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL REFERENCES source (id),
    PRIMARY KEY (code, year)
);
CREATE TABLE crosswalk (
    from_code  VARCHAR NOT NULL,
    from_year  INTEGER NOT NULL,
    to_code    VARCHAR NOT NULL,
    to_year    INTEGER NOT NULL,
    weight     DOUBLE NOT NULL CHECK (weight > 0 AND weight <= 1),
    PRIMARY KEY (from_code, from_year, to_code, to_year)
);
CREATE TABLE indicator (
    id                VARCHAR PRIMARY KEY,
    theme             VARCHAR NOT NULL,
    label_nl          VARCHAR NOT NULL,
    label_en          VARCHAR NOT NULL,
    unit              VARCHAR NOT NULL,
    definition_nl     VARCHAR NOT NULL,
    definition_en     VARCHAR NOT NULL,
    higher_is_better  BOOLEAN,
    aggregation       VARCHAR NOT NULL,
    per_1000          BOOLEAN NOT NULL,
    ratio_of          VARCHAR,  -- 'numerator/denominator' for a share computed by the build (x 100)
    stock             BOOLEAN NOT NULL  -- counted on the period's first day (population on 1 January)
);
CREATE TABLE observation (
    indicator_id  VARCHAR NOT NULL REFERENCES indicator (id),
    region_code   VARCHAR NOT NULL,
    region_year   INTEGER NOT NULL,
    period        DATE NOT NULL,
    period_type   VARCHAR NOT NULL CHECK (period_type IN ('year', 'half', 'quarter', 'month', 'day')),
    value         DOUBLE NOT NULL,
    source_id     VARCHAR NOT NULL REFERENCES source (id),
    status        VARCHAR NOT NULL CHECK (status IN ('official', 'unofficial', 'derived')),
    computed_from VARCHAR,  -- how a derived figure was computed (NULL for a published one)
    PRIMARY KEY (indicator_id, region_code, region_year, period, period_type)
);
-- Per 1,000 inhabitants, for indicators read per inhabitant: the population of the same region code and region
-- year on 1 January of the period's year (etl/derive.py).
CREATE TABLE observation_rate (
    indicator_id          VARCHAR NOT NULL,
    region_code           VARCHAR NOT NULL,
    region_year           INTEGER NOT NULL,
    period                DATE NOT NULL,
    period_type           VARCHAR NOT NULL,
    population            DOUBLE NOT NULL,
    population_source_id  VARCHAR NOT NULL REFERENCES source (id),
    rate                  DOUBLE NOT NULL,
    PRIMARY KEY (indicator_id, region_code, region_year, period, period_type),
    FOREIGN KEY (indicator_id, region_code, region_year, period, period_type) REFERENCES observation
);
-- Figures of a gemeente formed after the period's region year (from_year), built from the gemeenten of that
-- year it was formed from through the crosswalk (computed_from lists them with their area shares). Kept apart
-- from observation so that no level-wide table, map or total counts a figure twice.
CREATE TABLE observation_carried (
    indicator_id          VARCHAR NOT NULL REFERENCES indicator (id),
    region_code           VARCHAR NOT NULL,
    region_year           INTEGER NOT NULL,
    from_year             INTEGER NOT NULL,
    period                DATE NOT NULL,
    period_type           VARCHAR NOT NULL,
    value                 DOUBLE NOT NULL,
    inputs                INTEGER NOT NULL,  -- predecessors
    inputs_listed         INTEGER NOT NULL,  -- predecessors the source lists (the others count as 0 in a sum)
    source_id             VARCHAR NOT NULL REFERENCES source (id),
    computed_from         VARCHAR NOT NULL,
    population            DOUBLE,
    population_source_id  VARCHAR REFERENCES source (id),
    rate                  DOUBLE,
    PRIMARY KEY (indicator_id, region_code, from_year, period, period_type)
);
CREATE TABLE coa_location (
    name             VARCHAR NOT NULL,
    place            VARCHAR,
    type             VARCHAR,
    type_group       VARCHAR NOT NULL,
    places           BIGINT,
    emergency        BOOLEAN,
    available_until  DATE,
    street           VARCHAR,
    postcode         VARCHAR,
    lat              DOUBLE NOT NULL,
    lon              DOUBLE NOT NULL,
    gemeente_code    VARCHAR NOT NULL,
    gemeente_year    INTEGER NOT NULL,
    source_id        VARCHAR NOT NULL REFERENCES source (id)
);
CREATE TABLE asylum_nationality (
    nationality_code  VARCHAR NOT NULL,
    period            DATE NOT NULL,
    period_type       VARCHAR NOT NULL,
    value             DOUBLE NOT NULL,
    source_id         VARCHAR NOT NULL REFERENCES source (id),
    PRIMARY KEY (nationality_code, period, period_type)
);
CREATE TABLE data_gap (
    id            VARCHAR PRIMARY KEY,  -- a recipe that covers the topic names it ([source] fills)
    theme         VARCHAR NOT NULL,
    topic_nl      VARCHAR NOT NULL,
    topic_en      VARCHAR NOT NULL,
    publisher     VARCHAR NOT NULL,
    source_title  VARCHAR NOT NULL,
    url           VARCHAR NOT NULL
);
-- What each build changed against the warehouse it replaced (etl/revisions.py), oldest build first.
CREATE TABLE revision (
    built_at      TIMESTAMP NOT NULL,
    source_id     VARCHAR NOT NULL,
    indicator_id  VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    region_year   INTEGER NOT NULL,
    period        DATE NOT NULL,
    period_type   VARCHAR NOT NULL,
    change        VARCHAR NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
    old_value     DOUBLE,
    new_value     DOUBLE
);
CREATE TABLE build_info (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
"""

# Tables in the order they are filled (referenced tables first).
TABLES = (
    "source",
    "indicator",
    "region",
    "region_parent",
    "region_geometry",
    "crosswalk",
    "observation",
    "observation_rate",
    "observation_carried",
    "coa_location",
    "asylum_nationality",
    "data_gap",
    "build_info",
)


def create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Append a frame by column name (the frame may list columns in any order)."""
    if frame.height == 0:
        return
    columns = ", ".join(frame.columns)
    con.register("_frame", frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _frame")
    finally:
        con.unregister("_frame")
