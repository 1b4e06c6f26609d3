"""What a recipe file says, validated with pydantic: a recipe that names an unknown format, indicator, level or
period type, or leaves out a field it needs, stops with the recipe file, the field and the reason."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from etl.catalogue import DATA_GAP_IDS, INDICATOR_IDS, INDICATORS
from etl.errors import InputError
from etl.model import PERIOD_TYPES

FORMATS = ("csv", "cbs-csv", "xlsx", "ods", "cbs-odata")
# Indicators the build computes itself (etl/derive.py); a recipe delivers their parts.
DERIVED_ONLY = {i.id for i in INDICATORS if i.ratio_of}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Provenance: every figure the recipe yields carries it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    publisher: str
    title: str
    table_id: str | None = None
    url: str | None = None
    licence: str
    reference_date: date | None = None
    status: Literal["official", "unofficial"]
    notes: str = ""
    # Which source wins where two give the same figure: lower wins (live CBS 0, code lists 1, documents 2).
    priority: int = Field(default=2, ge=0, le=9)
    # Topics of the data-gap list (etl/catalogue.py DATA_GAPS ids) this publication covers: no longer listed.
    fills: list[str] = Field(default_factory=list)

    @field_validator("fills")
    @classmethod
    def _known_gaps(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - DATA_GAP_IDS)
        if unknown:
            raise ValueError(f"unknown data gap(s) {unknown}; the list has {sorted(DATA_GAP_IDS)}")
        return value


class FileFormat(Strict):
    """Where the file lies in the snapshot and how to read its table."""

    path: str | None = None  # not for cbs-odata: `etl fetch` stores the table under live/cbs/
    format: Literal["csv", "cbs-csv", "xlsx", "ods", "cbs-odata"]
    separator: str = ","
    encoding: str = "utf-8-sig"
    sheet: str | None = None  # xlsx/ods: the sheet's name (default: the first)
    header_row: int = Field(default=1, ge=1)  # the row (1-based, as a spreadsheet numbers it) with the names
    # Rows, ending at header_row, that together name a column (a StatLine export puts the topic above the unit):
    # their cells are joined with '/', empty ones left out (StatLine's depth marks '|' are kept: they tell two
    # 'Code' topics apart).
    header_rows: int = Field(default=1, ge=1)
    footer_rows: int = Field(default=0, ge=0)  # rows at the end that hold notes, not figures
    decimal: Literal[".", ","] = "."
    thousands: Literal["", ".", ",", " "] = ""
    unknown: list[str] = Field(default_factory=lambda: ["", ".", "x", "X", "?"])  # no figure (no observation)
    zero: list[str] = Field(default_factory=lambda: ["-"])  # explicitly nothing: 0

    @model_validator(mode="after")
    def _markers_distinct(self) -> FileFormat:
        both = set(self.unknown) & set(self.zero)
        if both:
            raise ValueError(f"markers {sorted(both)} are listed both as unknown and as zero")
        if self.decimal == self.thousands:
            raise ValueError("decimal and thousands separators must differ")
        if (self.path is None) != (self.format == "cbs-odata"):
            raise ValueError("give path for a file; a cbs-odata table has none (the fetch stores it)")
        if self.header_rows > self.header_row:
            raise ValueError(f"header_rows {self.header_rows} reach above row 1 (header_row {self.header_row})")
        return self


class OData(Strict):
    """A CBS OData v3 table that `etl fetch` downloads (only the recipe's value columns, the other category
    dimensions at their 'Totaal' category) and the build reads from the snapshot's live/cbs/ folder."""

    table: str = Field(pattern=r"^[0-9A-Za-z]+$")  # the CBS table id, e.g. 83102NED
    # When CBS retires the id (HTTP 404), the fetch takes the newest table in the CBS catalogue whose title
    # contains this text and that has the recipe's value columns, and says so.
    successor_title: str | None = None
    region_prefixes: list[str] = Field(default_factory=list)  # only rows whose region code starts so (GM, PV, NL)
    only_fetched_years: bool = False  # only the years `etl fetch` is asked for (a table of every year since 1988)


class Regions(Strict):
    """How the table names its regions: a code column, or a name column plus the year of the division. With
    both, the code is read and the name checked against it (a shifted or edited row in a copy stops there)."""

    level: Literal["gemeente", "provincie", "land"] = "gemeente"
    # Rows of these levels in the same code column are read too, each checked against its own division
    # (a CBS table with the country, the provincies and the gemeenten in one region column).
    also: list[Literal["provincie", "land"]] = Field(default_factory=list)
    # Code prefixes of rows that are not read (other divisions in the same column, e.g. "CR", "LD").
    skip: list[str] = Field(default_factory=list)
    code_column: str | None = None
    name_column: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)  # the division's year; None: the period's year
    aliases: dict[str, str] = Field(default_factory=dict)  # published spelling -> official name of that year
    # Whether a region the publication does not list has 0 (a complete list of everything there is) or no
    # known figure (a selection). Decides the totals and what the pages say. Needed where the recipe has figures.
    absent: Literal["zero", "unknown"] | None = None
    complete: bool = False  # every region of the year must be listed (a missing one means a truncated file)
    # The table is the official list of this level in its year (a CBS code list): each row's code and name (the
    # alias target where the recipe gives one) become a region of that year. Needs code_column and name_column.
    define: bool = False
    count: int | None = Field(default=None, ge=1)  # how many regions CBS counts that year; another number stops
    # A second name column that repeats the name without its spaces (StatLine's 'naam' field); checked per row.
    name_check_column: str | None = None
    parent_column: str | None = None  # a provincie name column, checked against the boundaries
    # Each period's figures of the main level add up exactly to the country row's (a file cut short does not).
    adds_up: bool = False
    # The label a CBS export gives the country row ("Nederland"): that row becomes NL01 and must be there.
    country_name: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Regions:
        if self.code_column is None and self.name_column is None and self.level != "land":
            raise ValueError("give code_column, name_column or both (then every name must be its row's code)")
        if (self.also or self.skip) and self.code_column is None:
            raise ValueError("rows of several levels (also, skip) are told apart by a code_column")
        if self.name_check_column and not self.name_column:
            raise ValueError("name_check_column repeats the name_column: give name_column too")
        if self.define and not (self.code_column and self.name_column):
            raise ValueError("a list that defines regions needs both code_column and name_column")
        if self.define and (self.also or self.country_name):
            raise ValueError("a list that defines regions holds regions of one level (no also, no country_name)")
        if self.adds_up and not ("land" in self.also or self.country_name):
            raise ValueError("adds_up needs the country row: also = ['land'] or country_name")
        return self


class Period(Strict):
    """Fixed (start and type) or read from a column (CBS codes like 2016HJ01, or CBS labels like 2016)."""

    start: date | None = None
    type: str | None = None
    column: str | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is not None and value not in PERIOD_TYPES:
            raise ValueError(f"unknown period type {value!r}; allowed {list(PERIOD_TYPES)}")
        return value

    @model_validator(mode="after")
    def _fixed_or_column(self) -> Period:
        fixed = self.start is not None and self.type is not None
        if fixed == (self.column is not None):
            raise ValueError("give start and type, or column")
        return self


class IndicatorDeclaration(Strict):
    """A new indicator that this publication brings (an integration figure, say): declared with the recipe, so
    adding it needs no code. The build adds it to the warehouse's catalogue; the pages show it under its theme,
    with these labels, unit and definition, and sum it to provincies and the country if it adds up."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    theme: Literal["context", "opvang", "huisvesting", "integratie"]
    label_nl: str = Field(min_length=1)
    label_en: str = Field(min_length=1)
    unit: Literal["personen", "plaatsen", "locaties", "procent", "per_km2"]
    definition_nl: str = Field(min_length=1)
    definition_en: str = Field(min_length=1)
    higher_is_better: bool | None = None
    aggregation: Literal["sum", "none"] = "sum"  # do the gemeenten's figures add up to a provincie's?
    per_1000: bool = False  # is a rate per 1,000 inhabitants meaningful?
    stock: bool = False  # counted on the first day of its period (its age runs from that day)

    @field_validator("id")
    @classmethod
    def _new(cls, value: str) -> str:
        if value in INDICATOR_IDS:
            raise ValueError(f"{value!r} is in the catalogue already (etl/catalogue.py); use it without declaring it")
        return value

    @model_validator(mode="after")
    def _adds_up(self) -> IndicatorDeclaration:
        if self.unit in ("procent", "per_km2") and (self.aggregation == "sum" or self.per_1000):
            raise ValueError(f'a figure in {self.unit} does not add up: give aggregation = "none" and no per_1000')
        return self


class Values(Strict):
    """One column of figures becomes one indicator."""

    column: str
    indicator: str
    period: Period | None = None  # this column's own period (e.g. one column per month)
    whole: bool = False  # counts of persons: a fraction is an error
    required: bool = False  # an unknown cell is an error

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, value: str, info: ValidationInfo) -> str:
        declared = (info.context or {}).get("declared", set())
        if value in DERIVED_ONLY:
            raise ValueError(f"{value!r} is computed by the build from its parts; deliver the parts instead")
        if value not in INDICATOR_IDS and value not in declared:
            raise ValueError(
                f"unknown indicator {value!r}; declare it under [[indicators]] or take one of the catalogue "
                f"(etl/catalogue.py): {sorted(INDICATOR_IDS)}"
            )
        return value


class Division(Strict):
    """The division each row's region lies in that year (its provincie, veiligheidsregio, ...): one link per row,
    and the division's own regions with their names."""

    level: Literal["provincie", "arbeidsmarktregio", "coropgebied", "ggdregio", "veiligheidsregio"]
    code_column: str
    name_column: str | None = None
    # Take the names from the CBS boundaries of this year instead (for a copy whose names were edited); a name
    # column then only has to equal them apart from spaces.
    names_from: int | None = Field(default=None, ge=1900, le=2100)
    aliases: dict[str, str] = Field(default_factory=dict)  # published spelling -> official name
    count: int | None = Field(default=None, ge=1)  # how many regions the division has that year
    # Later years in which the same links hold (no boundary changes): emitted only after checking that the
    # list's regions are exactly the regions of that year's boundaries.
    also_years: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _names(self) -> Division:
        if self.name_column is None and self.names_from is None:
            raise ValueError("give name_column, names_from (the year of the boundaries to name them by) or both")
        return self


class Check(Strict):
    """The table's own arithmetic, row by row: ``column`` = sum of ``plus`` minus sum of ``minus``."""

    column: str
    plus: list[str]
    minus: list[str] = Field(default_factory=list)


class Recipe(Strict):
    source: Source
    file: FileFormat
    odata: OData | None = None
    regions: Regions
    period: Period | None = None
    indicators: list[IndicatorDeclaration] = Field(default_factory=list)
    values: list[Values] = Field(default_factory=list)
    divisions: list[Division] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    status: Literal["official", "unofficial"] | None = None  # the figures' status; default: the source's

    @model_validator(mode="after")
    def _every_value_has_a_period(self) -> Recipe:
        if (self.odata is None) != (self.file.format != "cbs-odata"):
            raise ValueError("a cbs-odata recipe needs an [odata] table, and only it")
        if not (self.values or self.divisions or self.regions.define):
            raise ValueError("the recipe yields nothing: give [[values]], [[divisions]] or regions.define")
        without = [v.column for v in self.values if v.period is None and self.period is None]
        if without:
            raise ValueError(f"columns {without} have no period: give [period] or a period per value")
        if self.values and self.regions.absent is None:
            raise ValueError("regions.absent: say whether a region the table does not list has 0 or no figure")
        if not self.values and self.regions.year is None and self.period is None:
            raise ValueError("regions.year: the year of the division the list describes")
        levels = [d.level for d in self.divisions]
        if len(set(levels)) != len(levels):
            raise ValueError(f"a division level appears twice: {levels}")
        if self.odata and self.odata.region_prefixes and not self.regions.code_column:
            raise ValueError("odata.region_prefixes filter a region column: give regions.code_column")
        declared = [i.id for i in self.indicators]
        if len(set(declared)) != len(declared):
            raise ValueError(f"an indicator is declared twice: {declared}")
        unused = sorted(set(declared) - {v.indicator for v in self.values})
        if unused:
            raise ValueError(f"indicators {unused} are declared but no [[values]] column delivers them")
        return self

    @property
    def figure_status(self) -> str:
        return self.status or self.source.status


def load(path: Path) -> Recipe:
    """Read and validate a recipe file; every problem names the file and the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(path, "recipe not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, f"not valid TOML: {exc}") from exc
    try:
        declared = {i.get("id") for i in raw.get("indicators", []) if isinstance(i, dict)}
        return Recipe.model_validate(raw, context={"declared": declared})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '(recipe)'}: {error['msg']}" for error in exc.errors()
        )
        raise InputError(path, f"invalid recipe: {problems}") from exc
