"""A small CBS OData v3 client: one entity set, all pages, keys kept exactly as CBS sends them.

Why not the maintained ``cbsodata`` package (PyPI 1.3.5, source read)? It runs the same paging loop,
but: http instead of https is only the global flag ``options.use_https``, so a loopback test server
means mutating module state; it opens a new ``Session`` per page and passes ``**kwargs`` to ``send``,
so a timeout fits but no retry adapter can be mounted (it never retries); ``get_data`` replaces every
dimension key by its Title (we need the codes) and ``download_data`` always downloads every metadata
set of the table with the data (inverting ``typed``: the default returns TypedDataSet); and a
truncated body surfaces as a bare ``JSONDecodeError`` without the URL. The loop below is the same
protocol in about forty lines: request ``<base>/ODataFeed/odata/<table>/<entity>?$format=json``
(plus ``$filter``/``$select``), append ``value``, follow ``odata.nextLink`` (an absolute URL that
already carries the query) until it is absent, at most ``MAX_PAGES`` times and never to a page
already read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from etl.fetch.http import Download, FetchError, HttpClient

DEFAULT_CBS_BASE = "https://opendata.cbs.nl"
FEED = "ODataFeed/odata"
CATALOGUE = "ODataCatalog/Tables"  # every CBS table: Identifier, Title, ShortTitle, Modified, Frequency, ...
MAX_PAGES = 1000  # CBS pages hold 10,000 rows; a table this project reads never needs more than a few


@dataclass
class ODataResult:
    """Every row of one entity set plus what is needed to store it faithfully."""

    table_id: str
    entity: str
    rows: list[dict] = field(default_factory=list)
    downloads: list[Download] = field(default_factory=list)
    metadata: str | None = None  # "odata.metadata" of the first page

    @property
    def urls(self) -> list[str]:
        return [d.url for d in self.downloads]

    def content(self) -> bytes:
        """The bytes to store: the response itself when there was one page, else the pages joined.

        A joined document is ``{"odata.metadata": <first page's>, "value": [<all rows in order>]}``,
        the shape of a single CBS page without ``odata.nextLink``.
        """
        if len(self.downloads) == 1:
            return self.downloads[0].content
        document = {"odata.metadata": self.metadata, "value": self.rows}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class ODataClient:
    def __init__(self, http: HttpClient, base: str = DEFAULT_CBS_BASE, *, max_pages: int = MAX_PAGES):
        self.http = http
        self.base = base.rstrip("/")
        self.max_pages = max_pages

    def entity_url(self, table_id: str, entity: str) -> str:
        return f"{self.base}/{FEED}/{table_id}/{entity}"

    def get_all(
        self,
        table_id: str,
        entity: str,
        *,
        filter: str | None = None,
        select: list[str] | None = None,
        url: str | None = None,
    ) -> ODataResult:
        """All rows of ``entity`` (or of ``url``); raises ``FetchError`` naming the page URL that failed."""
        url = url or self.entity_url(table_id, entity)
        params: dict[str, str] | None = {"$format": "json"}
        if filter:
            params["$filter"] = filter
        if select:
            params["$select"] = ",".join(select)
        result = ODataResult(table_id, entity)
        seen: set[str] = set()
        for page in range(1, self.max_pages + 1):
            download, document = self.http.get_json(url, params, description=f"{table_id}/{entity} p{page}")
            if not isinstance(document, dict) or not isinstance(document.get("value"), list):
                raise FetchError(download.url, "not an OData v3 JSON response (no 'value' list)")
            if not all(isinstance(row, dict) for row in document["value"]):
                raise FetchError(download.url, "OData 'value' holds something other than records")
            if page == 1:
                result.metadata = document.get("odata.metadata")
            result.rows.extend(document["value"])
            result.downloads.append(download)
            seen.add(download.url)
            next_link = document.get("odata.nextLink")
            if not next_link:
                return result
            if not isinstance(next_link, str) or next_link in seen:
                raise FetchError(
                    download.url, f"odata.nextLink {next_link!r} is invalid or points back to a page already read"
                )
            url, params = next_link, (None if "$format=" in next_link else {"$format": "json"})
        raise FetchError(url, f"still more pages after {self.max_pages}; stopped")

    def catalogue(self, title_contains: str) -> list[dict]:
        """Entries of the CBS table catalogue whose title contains ``title_contains``."""
        result = self.get_all(
            "catalogue",
            "Tables",
            filter=f"substringof({quote(title_contains)},Title)",
            url=f"{self.base}/{CATALOGUE}",
        )
        return result.rows

    def data_properties(self, table_id: str) -> ODataResult:
        return self.get_all(table_id, "DataProperties")

    def dimension(self, table_id: str, name: str) -> ODataResult:
        """A dimension table (``RegioS``, ``Perioden``, ``Geslacht`` ...): Key, Title, Description, ..."""
        return self.get_all(table_id, name)

    def typed_dataset(
        self, table_id: str, *, filter: str | None = None, select: list[str] | None = None
    ) -> ODataResult:
        return self.get_all(table_id, "TypedDataSet", filter=filter, select=select)


def quote(value: str) -> str:
    """An OData string literal: single quotes, inner quotes doubled, padding kept."""
    return "'" + value.replace("'", "''") + "'"


def eq(column: str, value: str) -> str:
    return f"{column} eq {quote(value)}"


def any_of(clauses: list[str]) -> str:
    return "(" + " or ".join(clauses) + ")"
