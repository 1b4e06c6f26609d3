"""``fetch``: download the live sources into a snapshot folder that ``build --snapshot`` can read.

Layout under ``out`` (mirrors the stored snapshot, plus ``live/``):

- ``live/cbs/<table>_TypedDataSet.json``  every CBS OData recipe's table (``recipes/*.toml`` with
  ``format = "cbs-odata"``: asylum requests 83102NED, population 03759ned, and any a user adds): its value
  columns, the other category dimensions at their 'Totaal' category, optionally only some region codes and
  only the years asked
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

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
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
from etl.fetch.odata import CATALOGUE, DEFAULT_CBS_BASE, ODataClient, ODataResult, any_of, eq, quote
from etl.fetch.store import FetchedFile, Manifest, utc_now
from etl.fetch.tables import (
    DEFAULT_GEO_BASE,
    GEBIEDEN_TABLES,
    GEO_LEVELS,
    MANIFEST,
    cbs_file,
    dimensions,
    gebieden_title,
    geo_file,
    topic_keys,
    total_key,
)

FIRST_YEAR = 2015  # population per gemeente from 2015, the first year the dashboard covers


def default_years(today: date | None = None) -> tuple[int, ...]:
    """2015 up to this year: a year whose tables CBS has not published yet is skipped with a note (below)."""
    return tuple(range(FIRST_YEAR, (today or date.today()).year + 1))


class NotPublishedYet(FetchError):
    """This year's 'Gebieden in Nederland' or boundaries are not out yet (CBS publishes a year's division early in
    that year): the step is skipped with a note, and a later `etl fetch` picks it up. (Population and asylum
    requests need no such rule: the filter simply finds no rows of that year yet.)"""


@dataclass(frozen=True)
class TableRequest:
    """What to download of one CBS OData table: every column its recipes read, and the rows they limit it to."""

    table: str
    columns: tuple[str, ...]  # measures, and any dimension a recipe names (the dimensions come anyway)
    successor_title: str | None = None
    region_prefixes: tuple[str, ...] = ()
    only_fetched_years: bool = False


def table_requests() -> dict[str, TableRequest]:
    """table id -> request, from the CBS OData recipes (the project's and the user's). Several recipes may read
    one table: the download holds the columns of all of them, so they must agree on its rows."""
    from etl.recipes import odata_recipes  # not at import time: etl.recipes reads what the fetch stored
    from etl.recipes.apply import needed_columns

    requests: dict[str, TableRequest] = {}
    first_file: dict[str, Path] = {}
    for path, recipe in odata_recipes():
        spec = recipe.odata
        request = TableRequest(
            spec.table,
            tuple(needed_columns(recipe)),
            spec.successor_title,
            tuple(spec.region_prefixes),
            spec.only_fetched_years,
        )
        known = requests.get(spec.table)
        if known is None:
            requests[spec.table], first_file[spec.table] = request, path
            continue
        # A recipe that names no successor leaves the lookup to one that does.
        request = replace(request, successor_title=request.successor_title or known.successor_title)
        known = replace(known, successor_title=known.successor_title or request.successor_title)
        rows = ("successor_title", "region_prefixes", "only_fetched_years")
        differ = [name for name in rows if getattr(known, name) != getattr(request, name)]
        if differ:
            raise InputError(
                path,
                f"reads table {spec.table} like {first_file[spec.table].name} but with other {', '.join(differ)}; "
                "recipes of one table must ask for the same rows",
            )
        columns = tuple(dict.fromkeys([*known.columns, *request.columns]))
        requests[spec.table] = TableRequest(spec.table, columns, *(getattr(known, name) for name in rows))
    return requests


def table_choices() -> tuple[str, ...]:
    return (*table_requests(), "gebieden", "geo")


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
    years: Iterable[int] | None = None,  # None: default_years()
    tables: Iterable[str] | None = None,  # None: every recipe's table, the code lists and the boundaries
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
) -> dict:
    """Download the chosen tables into ``out``; return the manifest document."""
    years = sorted(set(default_years() if years is None else years))
    requests = table_requests()
    choices = (*requests, "gebieden", "geo")
    tables = list(dict.fromkeys(choices if tables is None else tables))
    unknown_tables = [t for t in tables if t not in choices]
    if unknown_tables:
        raise ValueError(f"unknown table(s) {unknown_tables}; choose from {list(choices)}")
    too_early = [y for y in years if y < min(GEBIEDEN_TABLES)]
    if "gebieden" in tables and too_early:
        raise ValueError(f"no 'Gebieden in Nederland' table before {min(GEBIEDEN_TABLES)}: {too_early}")
    manifest = Manifest(out)
    failures: list[tuple[str, FetchError | None]] = []  # (report line, the error; None for a skipped step)
    unreachable: set[str] = set()
    with HttpClient(timeout=timeout, retries=retries, backoff=backoff) as http:
        odata = ODataClient(http, cbs_base)
        steps = plan(odata, http, geo_base, years, tables, requests)
        for step in progress.steps(steps, "fetch"):
            if step.host in unreachable:
                failures.append((f"{step.name}: skipped because {step.host} could not be reached earlier", None))
                continue
            try:
                manifest.store(step.run())
            except NotPublishedYet as exc:
                manifest.not_published_yet.append(f"{step.name}: {exc.detail}")
                manifest.save()
            except FetchError as exc:
                if isinstance(exc, ConnectionFailed):
                    unreachable.add(step.host)  # don't wait out the retries again for every file on that host
                failures.append((f"{step.name}: {exc}", exc))
    if len(failures) == 1 and failures[0][1] is not None:
        raise failures[0][1]
    if failures:
        raise FetchFailed(out, [line for line, _ in failures], len(steps), [error for _, error in failures])
    return manifest.save()


def plan(
    odata: ODataClient,
    http: HttpClient,
    geo_base: str,
    years: list[int],
    tables: list[str],
    requests: dict[str, TableRequest],
) -> list[Step]:
    cbs_host = urlsplit(odata.base).netloc
    steps: list[Step] = []
    for table, request in requests.items():
        if table in tables:
            steps.append(Step(table, cbs_host, lambda r=request: fetch_table(odata, r, years)))
    if "gebieden" in tables:
        for year in years:
            table = GEBIEDEN_TABLES.get(year, "id from the CBS catalogue")
            steps.append(
                Step(f"{table} (Gebieden in Nederland {year})", cbs_host, lambda y=year: fetch_gebieden(odata, y))
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
    columns: dict[str, str] | None = None  # a successor's renumbered measures: recipe key -> the successor's key


def renumbered(measures: list[str], keys: list[str]) -> dict[str, str]:
    """Measures a successor table numbers anew ('BevolkingOp1Januari_1' -> 'BevolkingOp1Januari_3'): CBS keys are a
    name and the topic's position, and a new table may order its topics otherwise. A measure is matched by its
    name only when exactly one of the table's topics has that name."""

    def name(key: str) -> str:
        return re.sub(r"_\d+$", "", key)

    found = {}
    for measure in measures:
        same = [key for key in keys if name(key) == name(measure)]
        if measure not in keys and len(same) == 1:
            found[measure] = same[0]
    return found


def resolve(odata: ODataClient, table: str, hint: str | None) -> tuple[Resolved, ODataResult]:
    """``table`` and its DataProperties; when CBS no longer serves it (HTTP 404), its successor: the newest table
    in the CBS catalogue whose title contains ``hint`` (not marked 'Stopgezet') and that answers. The measures
    are then checked by the step as for the original table."""
    try:
        return Resolved(table), odata.data_properties(table)
    except FetchError as exc:
        if not exc.detail.startswith("HTTP 404") or not hint:
            raise
        gone = exc
    entries = [e for e in listed(odata, hint) if str(e.get("Identifier", "")).strip().lower() != table.lower()]
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


def listed(odata: ODataClient, title: str, *, exact: bool = False) -> list[dict]:
    """CBS catalogue entries whose title contains ``title`` (or is it, with ``exact``), not discontinued
    ('Stopgezet'), newest first."""
    entries = [
        entry
        for entry in odata.catalogue(title)
        if entry.get("Frequency") != "Stopgezet" and (not exact or str(entry.get("Title", "")).strip() == title)
    ]
    return sorted(entries, key=lambda entry: str(entry.get("Modified") or ""), reverse=True)


def _not_out_yet(year: int) -> bool:
    """CBS publishes a year's division early in that year: until then this year's (or a later) table is missing."""
    return year >= date.today().year


def _files(*results: ODataResult, resolved: Resolved | None = None) -> list[FetchedFile]:
    retrieved_at = utc_now()
    resolved = resolved or Resolved("")
    return [
        FetchedFile(
            cbs_file(r.table_id, r.entity),
            r.content(),
            r.urls,
            r.table_id,
            retrieved_at,
            resolved.replaces,
            resolved.title,
            resolved.columns if r.entity == "TypedDataSet" else None,
        )
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


def fetch_table(odata: ODataClient, request: TableRequest, years: list[int]) -> list[FetchedFile]:
    """One recipe's table: its measures, every other category dimension at its 'Totaal', the region codes and
    years the recipe limits it to; with the DataProperties and dimension lists the filter was chosen from."""
    resolved, properties = resolve(odata, request.table, request.successor_title)
    table = resolved.table
    categories, geo, time = dimensions(properties.rows)
    dimension_keys = {*categories, geo, time}
    measures = [c for c in request.columns if c not in dimension_keys]
    topics = topic_keys(properties.rows)
    if resolved.replaces:
        resolved = replace(resolved, columns=renumbered(measures, topics) or None)
        measures = [(resolved.columns or {}).get(m, m) for m in measures]
    missing = [m for m in measures if m not in topics]
    needs = [("a region dimension", geo is None and bool(request.region_prefixes))]
    needs.append(("a time dimension", time is None and request.only_fetched_years))
    lacking = [what for what, lacks in needs if lacks]
    if missing or lacking:
        raise FetchError(
            properties.urls[0],
            f"table {table} lacks what its recipe reads: {', '.join([*(repr(m) for m in missing), *lacking])}",
        )
    dims, clauses = _totals(odata, table, categories)
    if request.region_prefixes:
        clauses.append(any_of([f"startswith({geo},{quote(prefix)})" for prefix in request.region_prefixes]))
    if request.only_fetched_years:
        clauses.append(any_of([eq(time, f"{year}JJ00") for year in years]))
    select = ["ID", *categories, *filter(None, [geo, time]), *measures]
    data = odata.typed_dataset(table, filter=" and ".join(clauses) or None, select=select)
    return _files(properties, *dims, _require_rows(data), resolved=resolved)


def fetch_whole(odata: ODataClient, table: str, title: str | None = None) -> list[FetchedFile]:
    """A small table read whole (Gebieden in Nederland: one row per gemeente), with its DataProperties."""
    properties = odata.data_properties(table)
    return _files(properties, _require_rows(odata.typed_dataset(table)), resolved=Resolved(table, title=title))


def fetch_gebieden(odata: ODataClient, year: int) -> list[FetchedFile]:
    """'Gebieden in Nederland <year>': the known id, or for a newer year the table of that title in the CBS
    catalogue. Not listed yet in the current year (or later): not published yet."""
    title = gebieden_title(year)
    if year in GEBIEDEN_TABLES:
        try:
            return fetch_whole(odata, GEBIEDEN_TABLES[year], title)
        except FetchError as exc:
            if exc.detail.startswith("HTTP 404") and _not_out_yet(year):
                raise NotPublishedYet(exc.url, f"{title} ({GEBIEDEN_TABLES[year]}) is not out yet; skipped") from exc
            raise
    entries = listed(odata, title, exact=True)
    if not entries:
        url = f"{odata.base}/{CATALOGUE}"
        if _not_out_yet(year):
            raise NotPublishedYet(url, f"CBS's catalogue lists no {title!r} yet; skipped")
        raise FetchError(url, f"CBS's catalogue lists no table titled {title!r}")
    return fetch_whole(odata, str(entries[0]["Identifier"]).strip(), title)


def fetch_topojson(http: HttpClient, url: str, level: str, year: int) -> list[FetchedFile]:
    try:
        download = http.get(url, description=f"{level}_{year}.topojson")
    except FetchError as exc:
        if exc.detail.startswith("HTTP 404") and _not_out_yet(year):
            raise NotPublishedYet(exc.url, f"no {level} boundaries for {year} yet ({exc.detail}); skipped") from exc
        raise
    document = parse_json(download)
    if not isinstance(document, dict) or document.get("type") != "Topology" or not document.get("objects"):
        raise FetchError(download.url, "not a TopoJSON topology (no type 'Topology' with objects)")
    return [FetchedFile(geo_file(level, year), download.content, [download.url], None, utc_now())]
