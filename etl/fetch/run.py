"""``fetch``: download the live sources into a snapshot folder that ``build --snapshot`` can read.

Layout under ``out`` (mirrors the stored snapshot, plus ``live/``):

- ``live/cbs/83102NED_TypedDataSet.json``  asylum requests, totals of sex/age/nationality, every period
- ``live/cbs/03759ned_TypedDataSet.json``  population on 1 January per gemeente/provincie/NL, the years asked
- ``live/cbs/<GebiedenId>_TypedDataSet.json`` "Gebieden in Nederland <year>", whole table
- ``live/cbs/<table>_DataProperties.json`` and ``live/cbs/<table>_<Dimension>.json``: the metadata the
  filters were chosen from (and that the parsers read to find columns)
- ``geo/<level>_<year>.topojson``  boundaries for gemeente and provincie, bytes as served
- ``live/manifest.json``  url(s), retrieved_at, sha256, bytes and table id of every file

OData files hold the response bytes as received when the answer fits one page; when CBS pages it,
the pages are joined into one document ``{"odata.metadata": ..., "value": [...]}`` and the manifest
lists every page URL. Each step (one table, or one boundary file) downloads everything first and
writes only when all of it arrived; a failed step writes nothing and the others still run. Failures
are reported together at the end (``FetchError`` for one, ``FetchFailed`` for several).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from etl import progress
from etl.errors import InputError
from etl.fetch.http import (
    DEFAULT_BACKOFF,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    ConnectionFailed,
    FetchError,
    HttpClient,
    parse_json,
)
from etl.fetch.odata import DEFAULT_CBS_BASE, ODataClient, ODataResult, any_of, eq, quote
from etl.fetch.store import FetchedFile, Manifest, utc_now
from etl.fetch.tables import (
    ASYLUM_MEASURES,
    ASYLUM_TABLE,
    DEFAULT_GEO_BASE,
    GEBIEDEN_TABLES,
    GEO_LEVELS,
    MANIFEST,
    POPULATION_MEASURE_PREFIX,
    POPULATION_REGION_PREFIXES,
    POPULATION_TABLE,
    SUCCESSOR_TITLES,
    cbs_file,
    dimensions,
    geo_file,
    topic_keys,
    total_key,
)

TABLE_CHOICES = (ASYLUM_TABLE, POPULATION_TABLE, "gebieden", "geo")
DEFAULT_YEARS = tuple(range(2016, 2027))


class FetchFailed(InputError):
    """Several steps failed; the message lists each URL and reason. The other files were stored."""

    def __init__(self, out: Path, errors: list[str], steps: int, causes: list[FetchError | None] | None = None):
        self.errors = errors
        # The error of each failed step; None where a step was skipped because its host was unreachable.
        self.causes = causes if causes is not None else [None] * len(errors)
        listing = "\n".join(f"  - {error}" for error in errors)
        note = f"; the other {steps - len(errors)} were stored (see {MANIFEST})" if steps > len(errors) else ""
        super().__init__(out, f"{len(errors)} of {steps} download steps failed{note}:\n{listing}")


@dataclass(frozen=True)
class Step:
    name: str
    host: str
    run: Callable[[], list[FetchedFile]]


def fetch(
    out: Path,
    *,
    cbs_base: str = DEFAULT_CBS_BASE,
    geo_base: str = DEFAULT_GEO_BASE,
    years: Iterable[int] = DEFAULT_YEARS,
    tables: Iterable[str] = TABLE_CHOICES,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> dict:
    """Download the chosen tables into ``out``; return the manifest document."""
    years = sorted(set(years))
    tables = list(dict.fromkeys(tables))
    unknown_tables = [t for t in tables if t not in TABLE_CHOICES]
    if unknown_tables:
        raise ValueError(f"unknown table(s) {unknown_tables}; choose from {list(TABLE_CHOICES)}")
    unknown_years = [y for y in years if y not in GEBIEDEN_TABLES]
    if "gebieden" in tables and unknown_years:
        raise ValueError(
            f"no 'Gebieden in Nederland' table id known for {unknown_years}; known: {sorted(GEBIEDEN_TABLES)}"
        )
    manifest = Manifest(out)
    failures: list[tuple[str, FetchError | None]] = []  # (report line, the error; None for a skipped step)
    unreachable: set[str] = set()
    with HttpClient(timeout=timeout, retries=retries, backoff=backoff) as http:
        odata = ODataClient(http, cbs_base)
        steps = plan(odata, http, geo_base, years, tables)
        for step in progress.steps(steps, "fetch"):
            if step.host in unreachable:
                failures.append((f"{step.name}: skipped because {step.host} could not be reached earlier", None))
                continue
            try:
                manifest.store(step.run())
            except FetchError as exc:
                if isinstance(exc, ConnectionFailed):
                    unreachable.add(step.host)  # don't wait out the retries again for every file on that host
                failures.append((f"{step.name}: {exc}", exc))
    if len(failures) == 1 and failures[0][1] is not None:
        raise failures[0][1]
    if failures:
        raise FetchFailed(out, [line for line, _ in failures], len(steps), [error for _, error in failures])
    return manifest.document()


def plan(odata: ODataClient, http: HttpClient, geo_base: str, years: list[int], tables: list[str]) -> list[Step]:
    cbs_host = urlsplit(odata.base).netloc
    steps: list[Step] = []
    if ASYLUM_TABLE in tables:
        steps.append(Step(ASYLUM_TABLE, cbs_host, lambda: fetch_asylum(odata)))
    if POPULATION_TABLE in tables:
        steps.append(Step(POPULATION_TABLE, cbs_host, lambda: fetch_population(odata, years)))
    if "gebieden" in tables:
        for year in years:
            table = GEBIEDEN_TABLES[year]
            steps.append(
                Step(f"{table} (Gebieden in Nederland {year})", cbs_host, lambda t=table: fetch_whole(odata, t))
            )
    if "geo" in tables:
        base = geo_base if geo_base.endswith("/") else geo_base + "/"
        for year in years:
            for level in GEO_LEVELS:
                url = urljoin(base, f"{level}_{year}.topojson")
                steps.append(
                    Step(
                        f"{level}_{year}.topojson",
                        urlsplit(url).netloc,
                        lambda u=url, lv=level, y=year: fetch_topojson(http, u, lv, y),
                    )
                )
    return steps


@dataclass(frozen=True)
class Resolved:
    """The table a step reads: the one asked for, or the successor CBS lists for it after retiring it."""

    table: str
    replaces: str | None = None
    title: str | None = None


def resolve(odata: ODataClient, table: str) -> tuple[Resolved, ODataResult]:
    """``table`` and its DataProperties; when CBS no longer serves it (HTTP 404), its successor: the newest table
    in the CBS catalogue whose title contains ``SUCCESSOR_TITLES[table]`` (not marked 'Stopgezet') and that
    answers. The measures are then checked by the step as for the original table."""
    try:
        return Resolved(table), odata.data_properties(table)
    except FetchError as exc:
        if not exc.detail.startswith("HTTP 404") or table not in SUCCESSOR_TITLES:
            raise
        gone = exc
    hint = SUCCESSOR_TITLES[table]
    entries = [
        entry
        for entry in odata.catalogue(hint)
        if str(entry.get("Identifier", "")).strip().lower() != table.lower() and entry.get("Frequency") != "Stopgezet"
    ]
    entries.sort(key=lambda entry: str(entry.get("Modified") or ""), reverse=True)
    for entry in entries:
        candidate = str(entry["Identifier"]).strip()
        try:
            properties = odata.data_properties(candidate)
        except FetchError:
            continue
        return Resolved(candidate, table, entry.get("Title")), properties
    raise FetchError(
        gone.url, f"CBS no longer serves {table} ({gone.detail}) and its catalogue lists no successor titled {hint!r}"
    )


def _files(*results: ODataResult, resolved: Resolved | None = None) -> list[FetchedFile]:
    retrieved_at = utc_now()
    replaces, title = (resolved.replaces, resolved.title) if resolved else (None, None)
    return [
        FetchedFile(cbs_file(r.table_id, r.entity), r.content(), r.urls, r.table_id, retrieved_at, replaces, title)
        for r in results
    ]


def _totals(odata: ODataClient, table: str, names: list[str]) -> tuple[list[ODataResult], list[str]]:
    """Fetch each category dimension and build ``Dim eq '<total key>'`` clauses from its 'Totaal' row."""
    results, clauses = [], []
    for name in names:
        result = odata.dimension(table, name)
        try:
            clauses.append(eq(name, total_key(result.rows, name)))
        except ValueError as exc:
            raise FetchError(result.urls[0], str(exc)) from exc
        results.append(result)
    return results, clauses


def _require_rows(result: ODataResult) -> ODataResult:
    if not result.rows:
        raise FetchError(result.urls[0], "the query returned no rows")
    return result


def fetch_asylum(odata: ODataClient) -> list[FetchedFile]:
    """83102NED: the four measures for all nationalities, sexes and ages together, every period."""
    resolved, properties = resolve(odata, ASYLUM_TABLE)
    table = resolved.table
    categories, _geo, time = dimensions(properties.rows)
    missing = [m for m in ASYLUM_MEASURES if m not in topic_keys(properties.rows)]
    if missing or time is None:
        raise FetchError(
            properties.urls[0],
            f"expected measures {list(ASYLUM_MEASURES)} and a time dimension; missing {missing or [time]}",
        )
    dims, clauses = _totals(odata, table, categories)
    data = odata.typed_dataset(
        table, filter=" and ".join(clauses) or None, select=["ID", *categories, time, *ASYLUM_MEASURES]
    )
    return _files(properties, *dims, _require_rows(data), resolved=resolved)


def fetch_population(odata: ODataClient, years: list[int]) -> list[FetchedFile]:
    """03759ned: population on 1 January, totals of the other dimensions, GM/PV/NL rows, the years asked."""
    resolved, properties = resolve(odata, POPULATION_TABLE)
    table = resolved.table
    categories, geo, time = dimensions(properties.rows)
    measures = [k for k in topic_keys(properties.rows) if k.startswith(POPULATION_MEASURE_PREFIX)]
    if geo is None or time is None or len(measures) != 1:
        raise FetchError(
            properties.urls[0],
            f"expected a region and a time dimension and one {POPULATION_MEASURE_PREFIX}* measure; found {measures}",
        )
    dims, clauses = _totals(odata, table, categories)
    clauses.append(any_of([f"startswith({geo},{quote(prefix)})" for prefix in POPULATION_REGION_PREFIXES]))
    clauses.append(any_of([eq(time, f"{year}JJ00") for year in years]))
    data = odata.typed_dataset(table, filter=" and ".join(clauses), select=["ID", *categories, geo, time, measures[0]])
    return _files(properties, *dims, _require_rows(data), resolved=resolved)


def fetch_whole(odata: ODataClient, table: str) -> list[FetchedFile]:
    """A small table read whole (Gebieden in Nederland: one row per gemeente), with its DataProperties."""
    properties = odata.data_properties(table)
    return _files(properties, _require_rows(odata.typed_dataset(table)))


def fetch_topojson(http: HttpClient, url: str, level: str, year: int) -> list[FetchedFile]:
    download = http.get(url, description=f"{level}_{year}.topojson")
    document = parse_json(download)
    if not isinstance(document, dict) or document.get("type") != "Topology" or not document.get("objects"):
        raise FetchError(download.url, "not a TopoJSON topology (no type 'Topology' with objects)")
    return [FetchedFile(geo_file(level, year), download.content, [download.url], None, utc_now())]
