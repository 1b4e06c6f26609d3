"""A loopback HTTP server that answers like CBS OData v3 (ODataFeed) and a static file host.

Started on 127.0.0.1 with port 0 in a background thread; use it as a context manager so it always stops.
It serves, per table, ``/ODataFeed/odata/<table>/<entity>?$format=json`` for ``TypedDataSet``,
``DataProperties`` and each dimension table, evaluates the small part of OData ``$filter`` the fetch
uses (``eq``, ``startswith``, ``substringof``, ``and``/``or``/``not``, parentheses) and ``$select``, and
pages with ``$skip`` and an absolute ``odata.nextLink`` back to itself, as CBS does.

Response shape, as documented in shared/notes/cbs-api.md section 1 and seen in stored CBS responses
(HenricoWitvliet/CBSOData3.jl test/meta_4.json, meta_7.json, tables_2.json):
``{"value": [...], "odata.metadata": ".../$metadata#Cbs.OData.WebAPI.<entity>",
"odata.nextLink": "<base>/ODataFeed/OData/<table>/<entity>?$format=json&$skip=<n>"}``.

Failure modes (``fail``, ``delay``, ``truncate``, ``cut``) apply to one path (and optionally one page)
for a number of requests, so tests can show retries, timeouts and broken bodies.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

FEED = "/ODataFeed/odata/"
CATALOGUE = "/ODataCatalog/Tables"


@dataclass
class Table:
    """One CBS table: its TypedDataSet rows, DataProperties and dimension tables (name -> rows)."""

    rows: list[dict]
    data_properties: list[dict]
    dimensions: dict[str, list[dict]] = field(default_factory=dict)

    def entity(self, name: str) -> list[dict] | None:
        if name == "TypedDataSet":
            return self.rows
        if name == "DataProperties":
            return self.data_properties
        return self.dimensions.get(name)


@dataclass
class Rule:
    path: str
    kind: str  # status | delay | truncate | cut | loop
    page: int | None = None
    times: int | None = 1  # None: every request
    status: int = 500
    seconds: float = 0.0


class ODataServer:
    def __init__(self, *, page_size: int = 4):
        self.page_size = page_size
        self.tables: dict[str, Table] = {}
        self.files: dict[str, bytes] = {}
        # ``/ODataCatalog/Tables``: one record per table, as CBS lists them (see ``catalogue_entry``).
        self.catalogue: list[dict] = []
        self.rules: list[Rule] = []
        self.log: list[tuple[str, int, dict[str, str]]] = []  # (path, page, query) of every request
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> ODataServer:
        outer = self

        class Handler(_Handler):
            server_state = outer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # wakes delayed handlers at once
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the server with 'with ODataServer() as server:'"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- configuration ---------------------------------------------------------------------------

    def fail(self, path: str, *, status: int = 500, times: int | None = 1, page: int | None = None) -> None:
        self.rules.append(Rule(path, "status", page, times, status=status))

    def delay(self, path: str, seconds: float, *, times: int | None = None, page: int | None = None) -> None:
        self.rules.append(Rule(path, "delay", page, times, seconds=seconds))

    def truncate(self, path: str, *, times: int | None = None, page: int | None = None) -> None:
        """Send the first half of the body with a matching Content-Length (complete HTTP, broken JSON)."""
        self.rules.append(Rule(path, "truncate", page, times))

    def cut(self, path: str, *, times: int | None = None, page: int | None = None) -> None:
        """Announce the full Content-Length, send half, close the connection."""
        self.rules.append(Rule(path, "cut", page, times))

    def loop(self, path: str, *, times: int | None = None, page: int | None = None) -> None:
        """Answer with an ``odata.nextLink`` that points back to the page just served."""
        self.rules.append(Rule(path, "loop", page, times))

    def hits(self, path: str, page: int | None = None) -> int:
        with self._lock:
            return sum(1 for p, pg, _ in self.log if p == path and (page is None or pg == page))

    def queries(self, path: str) -> list[dict[str, str]]:
        with self._lock:
            return [q for p, _, q in self.log if p == path]

    def _rules_for(self, path: str, page: int) -> list[Rule]:
        with self._lock:
            active = []
            for rule in self.rules:
                if rule.path == path and rule.page in (None, page) and (rule.times is None or rule.times > 0):
                    if rule.times is not None:
                        rule.times -= 1
                    active.append(rule)
            return active


class _Handler(BaseHTTPRequestHandler):
    server_state: ODataServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        state = self.server_state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            skip = int(query.get("$skip", "0"))
        except ValueError:
            skip = 0
        page = skip // state.page_size + 1
        with state._lock:
            state.log.append((parts.path, page, query))
        rules = state._rules_for(parts.path, page)
        for rule in rules:
            if rule.kind == "delay" and state._stop.wait(rule.seconds):
                return
        status_rule = next((r for r in rules if r.kind == "status"), None)
        if status_rule:
            error = {"odata.error": {"code": "", "message": {"lang": "en-US", "value": "test failure"}}}
            return self._send(status_rule.status, json.dumps(error).encode())
        kinds = {r.kind for r in rules}
        status, body = self._answer(parts.path, query, skip)
        if "loop" in kinds and status == 200:
            document = json.loads(body)
            document["odata.nextLink"] = state.base_url + self.path
            body = json.dumps(document).encode("utf-8")
        if "truncate" in kinds:
            body = body[: len(body) // 2]
        if "cut" in kinds:
            return self._send(status, body[: len(body) // 2], length=len(body))
        self._send(status, body)

    def _answer(self, path: str, query: dict[str, str], skip: int) -> tuple[int, bytes]:
        state = self.server_state
        if path in state.files:
            return 200, state.files[path]
        if path == CATALOGUE:
            table_id, entity, rows = "catalogue", "Tables", state.catalogue
        elif not path.startswith(FEED):
            return 404, b'{"error": "not found"}'
        else:
            table_id, _, entity = path[len(FEED) :].partition("/")
            table = state.tables.get(table_id)
            rows = table.entity(entity) if table else None
        if rows is None:
            return 404, json.dumps({"odata.error": {"message": {"value": f"no {table_id}/{entity}"}}}).encode()
        try:
            if query.get("$filter"):
                keep = compile_filter(query["$filter"])
                rows = [row for row in rows if keep(row)]
            if query.get("$select"):
                columns = query["$select"].split(",")
                unknown = [c for c in columns if rows and c not in rows[0]]
                if unknown:
                    raise ValueError(f"unknown column(s) {unknown}")
                rows = [{c: row[c] for c in columns} for row in rows]
        except (ValueError, KeyError) as exc:
            return 400, json.dumps({"odata.error": {"message": {"value": str(exc)}}}).encode()
        document: dict = {
            "value": rows[skip : skip + state.page_size],
            "odata.metadata": f"{state.base_url}/ODataFeed/OData/{table_id}/$metadata#Cbs.OData.WebAPI.{entity}",
        }
        if skip + state.page_size < len(rows):
            kept = {k: v for k, v in query.items() if k != "$skip"}
            kept["$skip"] = str(skip + state.page_size)
            link = "&".join(f"{k}={quote(v, safe='')}" for k, v in kept.items())
            document["odata.nextLink"] = f"{state.base_url}{path}?{link}"
        return 200, json.dumps(document, ensure_ascii=False).encode("utf-8")

    def _send(self, status: int, body: bytes, length: int | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;odata=minimalmetadata;charset=utf-8")
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test); nothing to answer


# --- a small OData v3 $filter evaluator ----------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<punct>[(),])|(?P<word>[A-Za-z_][A-Za-z0-9_]*))")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot parse $filter at {text[position:]!r}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "string":
            value = value[1:-1].replace("''", "'")
        tokens.append((kind, value))
        position = match.end()
    return tokens


def compile_filter(text: str):
    """``$filter`` text -> predicate on a row (a dict). Raises ValueError on anything it does not know."""
    tokens = _tokens(text)
    position = 0

    def peek(value: str | None = None) -> bool:
        return position < len(tokens) and (value is None or tokens[position][1] == value)

    def take(kind: str | None = None, value: str | None = None) -> str:
        nonlocal position
        if position >= len(tokens):
            raise ValueError(f"$filter ends early: {text!r}")
        got_kind, got = tokens[position]
        if (kind and got_kind != kind) or (value and got != value):
            raise ValueError(f"$filter: expected {value or kind}, found {got!r}")
        position += 1
        return got

    def expression():
        parts = [term()]
        while peek("or"):
            take(value="or")
            parts.append(term())
        return lambda row: any(p(row) for p in parts)

    def term():
        parts = [factor()]
        while peek("and"):
            take(value="and")
            parts.append(factor())
        return lambda row: all(p(row) for p in parts)

    def factor():
        if peek("("):
            take(value="(")
            inner = expression()
            take(value=")")
            return inner
        if peek("not"):
            take(value="not")
            inner = factor()
            return lambda row: not inner(row)
        name = take("word")
        if name == "startswith":
            take(value="(")
            column = take("word")
            take(value=",")
            prefix = take("string")
            take(value=")")
            return lambda row: str(row[column]).startswith(prefix)
        if name == "substringof":
            take(value="(")
            part = take("string")
            take(value=",")
            column = take("word")
            take(value=")")
            return lambda row: part in str(row[column])
        take(value="eq")
        literal = take("string")
        return lambda row: row[name] == literal

    predicate = expression()
    if position != len(tokens):
        raise ValueError(f"$filter: unexpected {tokens[position][1]!r}")
    return predicate


# --- CBS-shaped fixture tables -------------------------------------------------------------------
# Field names and the shape of every record follow shared/notes/cbs-api.md: DataProperties records
# (odata.type, ID, Position, ParentID, Type, Key, Title, Description; topics add Unit, Decimals,
# Datatype, Default), dimension records (Key, Title, Description, CategoryGroupID; Perioden adds
# Status). Dimension names, the total keys (Geslacht T001038, Leeftijd 10000, Nationaliteit T001059)
# and the measure keys of 83102NED come from shared/notes/data-availability.md section 3; the
# BurgerlijkeStaat total T001019 and Geslacht '4000   ' (Vrouwen) appear in public code filtering
# 03759ned; the Gebieden in Nederland layout (groups "Codes en namen van gemeenten", "Lokaliseringen
# van gemeenten" > "Provincies", Code/Naam topics; provincie Code_34 in 2016 and Code_26 in 2024)
# follows the stored 85755NED file and a public description of 83287NED.
# Key padding copies CBS (RegioS 'PV20  ', Gebieden 'GM0363    ', names padded to 50).
# Region codes and names are real; every NUMBER is a small test value, not a CBS figure, and the
# non-total category keys (e.g. '3000   ' Mannen, 'NAT0001  ') are placeholders.


def _dimension(id: int, key: str, title: str, kind: str = "Dimension") -> dict:
    return {
        "odata.type": f"Cbs.OData.{kind}",
        "ID": id,
        "Position": id,
        "ParentID": None,
        "Type": kind,
        "Key": key,
        "Title": title,
        "Description": None,
    }


def _group(id: int, title: str, parent: int | None = None) -> dict:
    return {
        "odata.type": "Cbs.OData.TopicGroup",
        "ID": id,
        "Position": None,
        "ParentID": parent,
        "Type": "TopicGroup",
        "Key": "",
        "Title": title,
        "Description": None,
    }


def _topic(id: int, key: str, title: str, parent: int | None = None, datatype: str = "Long") -> dict:
    return {
        "odata.type": "Cbs.OData.Topic",
        "ID": id,
        "Position": id,
        "ParentID": parent,
        "Type": "Topic",
        "Key": key,
        "Title": title,
        "Description": None,
        "Unit": "aantal" if datatype == "Long" else "",
        "Decimals": 0,
        "Datatype": datatype,
        "Default": "Missing",
    }


def _categories(*pairs: tuple[str, str]) -> list[dict]:
    return [{"Key": key, "Title": title, "Description": None, "CategoryGroupID": None} for key, title in pairs]


def _periods(*codes: str) -> list[dict]:
    return [{"Key": c, "Title": c[:4], "Description": None, "Status": "Definitief"} for c in codes]


GESLACHT = _categories(("T001038", "Totaal mannen en vrouwen"), ("3000   ", "Mannen"), ("4000   ", "Vrouwen"))

ASYLUM_PERIODS = ("2024JJ00", "2024KW01", "2024MM01", "2024MM02", "2024MM03")


def asylum_expected() -> dict[str, dict[str, float | None]]:
    """The totals row values per period: {period: {measure: value}} (test values)."""
    expected = {}
    for i, period in enumerate(ASYLUM_PERIODS):
        first, later = 10 + i, 1 + i
        expected[period] = {
            "TotaalAsielverzoeken_1": first + later,
            "EersteAsielverzoekenPersonen_2": first,
            "VolgendeAsielverzoeken_3": later,
            "NareizigersPersonen_4": None if period == "2024MM03" else 3 + i,  # null: not yet published
        }
    return expected


def asylum_table() -> Table:
    """83102NED, every combination of the dimensions; only the all-totals rows carry the expected values."""
    dims = {
        "Geslacht": GESLACHT,
        "Leeftijd": _categories(("10000", "Totaal"), ("70100", "Jonger dan 18 jaar"), ("70200", "18 jaar of ouder")),
        "Nationaliteit": _categories(("T001059  ", "Totaal"), ("NAT0001  ", "Nationaliteit A (test)")),
    }
    properties = [
        _dimension(0, "Geslacht", "Geslacht"),
        _dimension(1, "Leeftijd", "Leeftijd"),
        _dimension(2, "Nationaliteit", "Nationaliteit"),
        _dimension(3, "Perioden", "Perioden", "TimeDimension"),
        _topic(4, "TotaalAsielverzoeken_1", "Totaal asielverzoeken"),
        _topic(5, "EersteAsielverzoekenPersonen_2", "Eerste asielverzoeken"),
        _topic(6, "VolgendeAsielverzoeken_3", "Volgende asielverzoeken"),
        _topic(7, "NareizigersPersonen_4", "Nareizigers"),
    ]
    expected = asylum_expected()
    rows = []
    for sex in dims["Geslacht"]:
        for age in dims["Leeftijd"]:
            for nationality in dims["Nationaliteit"]:
                for period in ASYLUM_PERIODS:
                    total = (sex["Key"], age["Key"], nationality["Key"]) == ("T001038", "10000", "T001059  ")
                    values = expected[period] if total else dict.fromkeys(expected[period], 1)
                    rows.append(
                        {
                            "ID": len(rows),
                            "Geslacht": sex["Key"],
                            "Leeftijd": age["Key"],
                            "Nationaliteit": nationality["Key"],
                            "Perioden": period,
                            **values,
                        }
                    )
    return Table(rows, properties, {**dims, "Perioden": _periods(*ASYLUM_PERIODS)})


POPULATION_REGIONS = (
    ("NL01  ", "Nederland"),
    ("LD01  ", "Noord-Nederland (LD)"),
    ("PV20  ", "Groningen (PV)"),
    ("PV27  ", "Noord-Holland (PV)"),
    ("CR01  ", "Oost-Groningen (CR)"),
    ("GM0014", "Groningen (gemeente)"),
    ("GM0363", "Amsterdam"),
)
POPULATION_PERIODS = ("2015JJ00", "2016JJ00", "2023JJ00", "2024JJ00")


def population_expected() -> dict[tuple[str, str], float | None]:
    """{(region key, period): value} of the all-totals rows (test values; GM0014 2016 is null)."""
    base = {"NL01  ": 40, "LD01  ": 9, "PV20  ": 7, "PV27  ": 11, "CR01  ": 2, "GM0014": 3, "GM0363": 5}
    return {
        (region, period): None if (region, period) == ("GM0014", "2016JJ00") else base[region] + i
        for region, _ in POPULATION_REGIONS
        for i, period in enumerate(POPULATION_PERIODS)
    }


def population_table() -> Table:
    dims = {
        "Geslacht": GESLACHT,
        "Leeftijd": _categories(("10000", "Totaal"), ("10010", "0 jaar"), ("10020", "1 jaar")),
        "BurgerlijkeStaat": _categories(("T001019", "Totaal burgerlijke staat"), ("1010", "Ongehuwd")),
    }
    properties = [
        _dimension(0, "Geslacht", "Geslacht"),
        _dimension(1, "Leeftijd", "Leeftijd"),
        _dimension(2, "BurgerlijkeStaat", "Burgerlijke staat"),
        _dimension(3, "RegioS", "Regio's", "GeoDimension"),
        _dimension(4, "Perioden", "Perioden", "TimeDimension"),
        _topic(5, "BevolkingOp1Januari_1", "Bevolking op 1 januari"),
        _topic(6, "GemiddeldeBevolking_2", "Gemiddelde bevolking"),
    ]
    expected = population_expected()
    rows = []
    for sex in dims["Geslacht"]:
        for age in dims["Leeftijd"]:
            for status in dims["BurgerlijkeStaat"]:
                for region, _ in POPULATION_REGIONS:
                    for period in POPULATION_PERIODS:
                        total = (sex["Key"], age["Key"], status["Key"]) == ("T001038", "10000", "T001019")
                        value = expected[(region, period)] if total else 1
                        rows.append(
                            {
                                "ID": len(rows),
                                "Geslacht": sex["Key"],
                                "Leeftijd": age["Key"],
                                "BurgerlijkeStaat": status["Key"],
                                "RegioS": region,
                                "Perioden": period,
                                "BevolkingOp1Januari_1": value,
                                "GemiddeldeBevolking_2": 1,
                            }
                        )
    regions = _categories(*POPULATION_REGIONS)
    return Table(rows, properties, {**dims, "RegioS": regions, "Perioden": _periods(*POPULATION_PERIODS)})


# (gemeente code, name, provincie code, provincie name, arbeidsmarktregio code, name) as in 85755NED 2024
GEBIEDEN_GEMEENTEN = (
    ("GM1680", "Aa en Hunze", "PV22", "Drenthe", "AM01", "Groningen"),
    ("GM0363", "Amsterdam", "PV27", "Noord-Holland", "AM18", "Groot Amsterdam"),
    ("GM0014", "Groningen", "PV20", "Groningen", "AM01", "Groningen"),
)


def gebieden_table(provincie_code_key: str, inwonertal_key: str, *, group_titles: bool = True) -> Table:
    """A 'Gebieden in Nederland' table whose provincie columns sit at a year-specific key (Code_26, Code_34).

    ``group_titles=False`` leaves the topic groups untitled, as the 2015 table's StatLine export prints them
    ('||Code' where later exports say 'Codes en namen van gemeenten/Code')."""
    number = int(provincie_code_key.split("_")[1])
    provincie_naam_key = f"Naam_{number + 1}"

    def titled(title: str) -> str:
        return title if group_titles else ""

    properties = [
        _dimension(0, "RegioS", "Regio's", "GeoDimension"),
        _group(1, titled("Codes en namen van gemeenten")),
        _topic(2, "Code_1", "Code", 1, "String"),
        _topic(3, "Naam_2", "Naam", 1, "String"),
        _topic(4, "SorteringNaam_3", "Sortering naam", 1, "String"),
        _group(5, titled("Lokaliseringen van gemeenten")),
        _group(6, titled("Arbeidsmarktregio's"), 5),
        _topic(7, "Code_4", "Code", 6, "String"),
        _topic(8, "Naam_5", "Naam", 6, "String"),
        _group(9, titled("Provincies"), 5),
        _topic(10, provincie_code_key, "Code", 9, "String"),
        _topic(11, provincie_naam_key, "Naam", 9, "String"),
        _group(12, titled("Statistische gegevens")),
        _topic(13, inwonertal_key, "Inwonertal", 12),
    ]
    rows = []
    for i, (code, name, pv, pv_name, am, am_name) in enumerate(GEBIEDEN_GEMEENTEN):
        rows.append(
            {
                "ID": i,
                "RegioS": code.ljust(10),
                "Code_1": code.ljust(10),
                "Naam_2": name.ljust(50),
                "SorteringNaam_3": name.ljust(50),
                "Code_4": am.ljust(10),
                "Naam_5": am_name.ljust(50),
                provincie_code_key: pv.ljust(10),
                provincie_naam_key: pv_name.ljust(50),
                inwonertal_key: 20 + i,
            }
        )
    regions = _categories(*[(g[0].ljust(10), g[1]) for g in GEBIEDEN_GEMEENTEN])
    return Table(rows, properties, {"RegioS": regions})


def catalogue_entry(identifier: str, title: str, modified: str, frequency: str = "Perjaar") -> dict:
    """A record of the CBS table catalogue (``ODataCatalog/Tables``) with the fields CBS lists for every table
    (as returned to ``cbsodata.get_table_list``); the fetch reads Identifier, Title, Modified and Frequency."""
    return {
        "Updated": modified,
        "ID": abs(hash(identifier)) % 100_000,
        "Identifier": identifier,
        "Title": title,
        "ShortTitle": title.split(";")[0],
        "ShortDescription": "",
        "Summary": title,
        "Modified": modified,
        "MetaDataModified": modified,
        "ReasonDelivery": "Actualisering",
        "ExplanatoryText": "",
        "OutputStatus": "Regulier" if frequency != "Stopgezet" else "Gediscontinueerd",
        "Source": "CBS.",
        "Language": "nl",
        "Catalog": "CBS",
        "Frequency": frequency,
        "Period": "",
        "SummaryAndLinks": "",
        "ApiUrl": f"https://opendata.cbs.nl/ODataApi/OData/{identifier}",
        "FeedUrl": f"https://opendata.cbs.nl/ODataFeed/OData/{identifier}",
        "DefaultPresentation": "",
        "DefaultSelection": "",
        "GraphTypes": "",
        "RecordCount": 0,
        "ColumnCount": 0,
        "SearchPriority": "2",
    }


def cbs_tables() -> dict[str, Table]:
    return {
        "83102NED": asylum_table(),
        "03759ned": population_table(),
        "82949NED": gebieden_table("Code_34", "Inwonertal_52", group_titles=False),  # 2015
        "83287NED": gebieden_table("Code_34", "Inwonertal_52"),  # 2016
        "85755NED": gebieden_table("Code_26", "Inwonertal_54"),  # 2024
    }


GEO_PATH = "/nl/wgs84/"


# 1 January 2015 -> 2016 (the stored 82949NED list against the 2016 boundaries): Bussum, Muiden and Naarden
# became Gooise Meren, Zeevang joined Edam-Volendam, De Friese Meren and Groesbeek took new codes.
UNDONE_IN_2016 = {
    "GM1942": (("GM0381", "Bussum"), ("GM0424", "Muiden"), ("GM0425", "Naarden")),
    "GM0385": (("GM0385", "Edam-Volendam"), ("GM0478", "Zeevang")),
    "GM1940": (("GM1921", "De Friese Meren"),),
    "GM1945": (("GM0241", "Groesbeek"),),
}


def boundaries_2015(snapshot, level: str) -> bytes:
    """A stand-in for the boundary host's 2015 file, which the snapshot does not hold: the 2016 file with the
    codes and names of 1 January 2015 (393 gemeenten). A gemeente that 2016 merged shares its successor's
    shape, so the test checks the fetch and the year's codes, not the 2015 borders."""
    topology = json.loads((snapshot / "geo" / f"{level}_2016.topojson").read_bytes())
    (name,) = topology["objects"]
    layer = topology["objects"].pop(name)
    geometries = []
    for geometry in layer["geometries"]:
        code = geometry["properties"]["statcode"]
        for old_code, old_name in UNDONE_IN_2016.get(code, ((code, geometry["properties"]["statnaam"]),)):
            properties = {**geometry["properties"], "statcode": old_code, "statnaam": old_name}
            properties["jrstatcode"] = f"2015{old_code}"
            geometries.append({**geometry, "id": old_code, "properties": properties})
    topology["objects"][f"{level}_2015"] = {**layer, "geometries": geometries}
    return json.dumps(topology).encode("utf-8")


def serve_boundaries(server: ODataServer, snapshot, years) -> None:
    """Serve the stored gemeente and provincie boundary files of ``years`` at ``GEO_PATH``, as the boundary host
    does (the real bytes, read from the snapshot at test time; 2015, which the snapshot lacks, from
    ``boundaries_2015``)."""
    for level in ("gemeente", "provincie"):
        for year in years:
            name = f"{level}_{year}.topojson"
            stored = snapshot / "geo" / name
            if year == 2015 and not stored.exists():
                server.files[GEO_PATH + name] = boundaries_2015(snapshot, level)
            else:
                server.files[GEO_PATH + name] = stored.read_bytes()
