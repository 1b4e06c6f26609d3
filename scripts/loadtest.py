"""Protocol-level load test (issue #8): many simulated browsers walk every page over Streamlit's own websocket.

    python scripts/loadtest.py --url http://127.0.0.1:8501 --sessions 5 --rounds 2 [--think 0.5] [--json out.json]
    python scripts/loadtest.py --url http://127.0.0.1:8501 --open-close 200     # memory stays bounded?

No browser: each session is one websocket to ``/_stcore/stream`` speaking the protobuf messages of the installed
Streamlit (``BackMsg`` / ``ForwardMsg``), with the handshake the browser does:

1. ``GET /_stcore/health`` and ``GET /_stcore/host-config`` (the frontend's "ping" step); the health answer sets
   the ``_streamlit_xsrf`` cookie when XSRF protection is on.
2. The websocket, with subprotocols ``["streamlit", <xsrf cookie value or "PLACEHOLDER_AUTH_TOKEN">]`` (the
   frontend repurposes the subprotocol header to carry the XSRF token; a third entry would resume an old
   session, which a fresh browser tab does not send), the cookie and a same-origin ``Origin`` header.
3. A ``rerun_script`` BackMsg whose ``ClientState`` holds the query string, the URL path relative to the app
   as ``page_name`` (``""`` for ``/``), an empty ``page_script_hash`` and the browser context (timezone,
   offset, locale, url, is_embedded for ``?embed=true``, colour scheme): exactly what the frontend sends after
   the page loads.

A later request in the same session is another ``rerun_script``: ``--nav url`` names the page by its URL path
(``page_name``, as on a page load), ``--nav click`` by the ``page_script_hash`` the server listed in its
``navigation`` message (what the sidebar and back/forward do), ``--nav mixed`` alternates. The walk is one
asyncio loop; nothing here needs a thread.

A request is finished by the first ``script_finished`` after it that is not ``FINISHED_EARLY_FOR_RERUN``
(``st.rerun`` / ``st.switch_page`` inside the request are followed to the end). Each request is checked for:

- ``exception``: a ``Delta.new_element.exception`` (not a warning) in any of its runs;
- ``page_not_found``: a ``page_not_found`` ForwardMsg;
- ``wrong_page``: the final run's ``navigation.page_script_hash`` (the page ``st.navigation`` chose) is not the
  hash listed for the requested URL path in that message's ``app_pages``, or the run sent no ``navigation``
  at all (the page ran outside app.py), or an element came from a third page (``metadata.active_script_hash``);
- ``compile_error``: ``script_finished == FINISHED_WITH_COMPILE_ERROR`` or a ``script_compilation_exception``;
- ``timeout``: no final ``script_finished`` within ``--timeout`` seconds (or before the global deadline);
- ``dropped``: the handshake failed or the socket closed;
- ``protocol``: something the browser would also choke on (a ``ref_hash`` to a message it never got).

``st.error`` / ``st.warning`` boxes and warning-type exception elements are listed too, but are not errors (the
app uses them for notices, e.g. a rejected parameter or the "busy" notice of its admission control).

Like the browser, a session keeps cacheable messages by hash and lists them in ``cached_message_hashes``, so
the server may send a ``ref_hash`` instead of a repeated element (``--no-cache`` turns this off; there is no
``/_stcore/message`` endpoint any more). The server pings the socket itself and ``websockets`` answers; no
``app_heartbeat`` is needed (the frontend only sends one when a host frame asks for it).

Meanwhile ``/_stcore/health`` is polled once a second (1 s timeout) and the server's RSS is sampled. Exit code 0
when every request finished on the right page without an error, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import ipaddress
import json
import sys
import time
import urllib.parse
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the dashboard's page list, without installing it
from dashboard.navigation import PATHS  # noqa: E402

# ---------------------------------------------------------------------------------------------------------
# What a session asks for: the one place to change pages and parameters.
# ---------------------------------------------------------------------------------------------------------

#: URL paths of the dashboard's pages (dashboard/navigation.py) and "", the home page, which "overzicht" also opens.
PAGES: tuple[str, ...] = ("", *PATHS)
#: Gemeenten a session switches between (Amsterdam, Utrecht, Rotterdam, 's-Gravenhage, Eindhoven, Almere).
GEMEENTEN: tuple[str, ...] = ("GM0363", "GM0344", "GM0599", "GM0518", "GM0772", "GM0034")
#: The embed page is driven by its parameters only; {gm} is filled in. The first one is how an iframe embeds it.
EMBED_QUERIES: tuple[str, ...] = (
    "embed=true&view=map&indicator=realisatie_pct&period=2016HJ01&level=gemeente",
    "view=chart&indicator=realisatie_pct&level=gemeente&gm={gm}",
    "view=table&indicator=realisatie_pct&period=2016HJ01&level=gemeente",
)
#: The browser context every session reports (a Dutch reader).
TIMEZONE = "Europe/Amsterdam"
LOCALE = "nl-NL"


def query_for(path: str, n: int) -> str:
    """The query string for visit ``n`` to ``path`` (sessions start at different n): another gemeente or embed
    view on every visit."""
    gm = GEMEENTEN[n % len(GEMEENTEN)]
    if path == "embed":
        return EMBED_QUERIES[n % len(EMBED_QUERIES)].format(gm=gm)
    return f"gm={gm}"


ERROR_KINDS = ("exception", "page_not_found", "wrong_page", "compile_error", "timeout", "dropped", "protocol")
EXAMPLES_PER_KIND = 5
WS_PATH = "_stcore/stream"
HEALTH_PATH = "_stcore/health"
HOST_CONFIG_PATH = "_stcore/host-config"
XSRF_COOKIE = "_streamlit_xsrf"
MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # above Streamlit's own server.maxMessageSize default (200 MB)


# ---------------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------------


@dataclass
class RequestResult:
    session: int
    seq: int  # 0-based request number within the session
    path: str
    query: str
    nav: str  # "url" (page_name) or "click" (page_script_hash)
    finished: bool = False  # a final script_finished arrived
    latency: float | None = None  # rerun_script sent -> final script_finished, seconds
    errors: list[str] = field(default_factory=list)  # error kinds, each at most once
    messages: list[str] = field(default_factory=list)  # one line per error
    warnings: list[str] = field(default_factory=list)  # warning elements (is_warning exceptions)
    alerts: list[str] = field(default_factory=list)  # st.error / st.warning boxes (not counted as errors)
    reruns: int = 0  # FINISHED_EARLY_FOR_RERUN seen before the final finish
    refs: int = 0  # elements the server sent as ref_hash (already in this session's cache)
    ran: str | None = None  # URL path of the page that ran (per navigation), None if unknown
    final_query: str | None = None  # query string the app left in the address bar (page_info_changed)

    def add_error(self, kind: str, message: str) -> None:
        if kind not in self.errors:
            self.errors.append(kind)
            self.messages.append(f"{kind}: {message}")


@dataclass
class HealthStats:
    checks: int = 0
    failures: int = 0
    max_latency: float = 0.0
    failure_examples: list[str] = field(default_factory=list)


@dataclass
class Result:
    url: str
    mode: str  # "walk" or "open-close"
    sessions: int
    rounds: int
    pages: list[str]
    planned: int  # requests the plan holds
    requests: list[RequestResult] = field(default_factory=list)
    health: HealthStats = field(default_factory=HealthStats)
    server_pid: int | None = None
    rss_before_mb: float | None = None
    rss_after_mb: float | None = None
    rss_max_mb: float | None = None
    rss_settled_mb: float | None = None  # open-close: after --settle seconds
    rss_samples: list[tuple[float, float]] = field(default_factory=list)  # (seconds since start, MB), ~1/s
    duration: float = 0.0
    deadline_hit: bool = False

    @property
    def not_run(self) -> int:
        return self.planned - len(self.requests)

    @property
    def error_counts(self) -> Counter:
        return Counter(kind for r in self.requests for kind in r.errors)

    @property
    def error_examples(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.requests:
            for line in r.messages:
                kind = line.split(":", 1)[0]
                if len(out.setdefault(kind, [])) < EXAMPLES_PER_KIND and line not in out[kind]:
                    out[kind].append(f"/{r.path}?{r.query} -> {line}")
        return out

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.requests)

    @property
    def ok(self) -> bool:
        return not self.error_counts and self.not_run == 0 and not self.deadline_hit

    def per_page(self) -> dict[str, dict]:
        rows: dict[str, dict] = {}
        for path in [*self.pages, *sorted({r.path for r in self.requests} - set(self.pages))]:
            reqs = [r for r in self.requests if r.path == path]
            lat = sorted(r.latency for r in reqs if r.latency is not None)
            rows[path] = {
                "requests": len(reqs),
                "finished": sum(r.finished for r in reqs),
                "errors": sum(bool(r.errors) for r in reqs),
                "reruns": sum(r.reruns for r in reqs),
                "p50": _percentile(lat, 50),
                "p95": _percentile(lat, 95),
                "max": lat[-1] if lat else None,
            }
        return rows

    def totals(self) -> dict:
        lat = sorted(r.latency for r in self.requests if r.latency is not None)
        return {
            "requests": len(self.requests),
            "finished": sum(r.finished for r in self.requests),
            "errors": sum(bool(r.errors) for r in self.requests),
            "reruns": sum(r.reruns for r in self.requests),
            "p50": _percentile(lat, 50),
            "p95": _percentile(lat, 95),
            "max": lat[-1] if lat else None,
        }

    def to_dict(self) -> dict:
        out = asdict(self)
        out.update(
            ok=self.ok,
            not_run=self.not_run,
            error_counts={k: self.error_counts.get(k, 0) for k in ERROR_KINDS},
            error_examples=self.error_examples,
            per_page=self.per_page(),
            totals=self.totals(),
        )
        return out

    def report(self) -> str:
        def sec(x: float | None) -> str:
            return "-" if x is None else f"{x:.2f}"

        lines = [
            f"{self.mode}: {self.sessions} session(s) x {self.rounds} round(s) against {self.url} "
            f"in {self.duration:.1f} s",
            f"{'page':<14}{'requests':>9}{'finished':>9}{'errors':>7}{'reruns':>7}{'p50 s':>8}{'p95 s':>8}{'max s':>8}",
        ]
        rows = self.per_page()
        for path, row in [*rows.items(), ("TOTAL", self.totals())]:
            label = path if path == "TOTAL" else f"/{path}"
            lines.append(
                f"{label:<14}{row['requests']:>9}{row['finished']:>9}{row['errors']:>7}{row['reruns']:>7}"
                f"{sec(row['p50']):>8}{sec(row['p95']):>8}{sec(row['max']):>8}"
            )
        counts = self.error_counts
        lines.append("errors by kind: " + ", ".join(f"{k}={counts.get(k, 0)}" for k in ERROR_KINDS))
        if self.not_run:
            lines.append(f"not run: {self.not_run} of {self.planned} planned requests")
        if self.deadline_hit:
            lines.append("the global deadline was reached")
        for kind, examples in self.error_examples.items():
            lines.append(f"  {kind}:")
            lines.extend(f"    {e[:300]}" for e in examples)
        refs = sum(r.refs for r in self.requests)
        if refs:
            lines.append(f"elements answered from the session's message cache (ref_hash): {refs}")
        alerts = Counter(a for r in self.requests for a in r.alerts)
        if alerts:
            lines.append(f"st.error/st.warning boxes (not counted as errors): {sum(alerts.values())}")
            lines.extend(f"    {n} x {text}" for text, n in alerts.most_common(5))
        if self.warning_count:
            lines.append(f"warning elements (not errors): {self.warning_count}")
        h = self.health
        lines.append(
            f"health: {h.checks} checks, {h.failures} failures, max latency {h.max_latency * 1000:.0f} ms"
            + (f" ({'; '.join(h.failure_examples[:3])})" if h.failure_examples else "")
        )

        def mb(x: float | None) -> str:
            return "?" if x is None else f"{x:.0f} MB"

        rss = f"server RSS (pid {self.server_pid}): before {mb(self.rss_before_mb)}, after {mb(self.rss_after_mb)}"
        rss += f", max {mb(self.rss_max_mb)}"
        if self.rss_settled_mb is not None:
            rss += f", settled {mb(self.rss_settled_mb)}"
        lines.append(rss if self.server_pid else "server RSS: server process not found (give --pid)")
        if self.mode == "open-close" and len(self.rss_samples) >= 10:
            step = len(self.rss_samples) / 10
            trend = [self.rss_samples[int(i * step)][1] for i in range(10)] + [self.rss_samples[-1][1]]
            lines.append("server RSS over the run (MB, tenths): " + " ".join(f"{x:.0f}" for x in trend))
        lines.append("OK" if self.ok else "FAILED")
        return "\n".join(lines)


def _percentile(sorted_values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


# ---------------------------------------------------------------------------------------------------------
# Target, HTTP and server process
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    host: str
    port: int
    base_path: str  # "" or "/prefix" (server.baseUrlPath)

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http":
            raise ValueError(f"only http:// URLs are supported, not {url!r}")
        host = parts.hostname or ""
        if not _is_loopback(host):
            raise ValueError(f"refusing a non-loopback host {host!r}: this load test only targets this machine")
        return cls(host=host, port=parts.port or 80, base_path=parts.path.rstrip("/"))

    @property
    def netloc(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.netloc}"

    def http_path(self, path: str) -> str:
        return f"{self.base_path}/{path}"

    def ws_url(self) -> str:
        return f"ws://{self.netloc}{self.base_path}/{WS_PATH}"

    def page_url(self, page: str, query: str) -> str:
        return f"{self.origin}{self.base_path}/{page}" + (f"?{query}" if query else "")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def http_get(target: Target, path: str, timeout: float, cookie: str | None = None) -> tuple[int, list[str]]:
    """A minimal HTTP/1.1 GET (no dependency beyond asyncio): the status and the Set-Cookie headers."""

    async def go() -> tuple[int, list[str]]:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        try:
            head = f"GET {target.http_path(path)} HTTP/1.1\r\nHost: {target.netloc}\r\nConnection: close\r\n"
            head += "Accept: */*\r\nUser-Agent: ketenmonitor-loadtest\r\n"
            if cookie:
                head += f"Cookie: {cookie}\r\n"
            writer.write((head + "\r\n").encode("latin-1"))
            await writer.drain()
            data = await reader.read()  # Connection: close -> until EOF
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        header_block = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        status_line, *header_lines = header_block.split("\r\n")
        status = int(status_line.split()[1])
        cookies = [line.split(":", 1)[1].strip() for line in header_lines if line.lower().startswith("set-cookie:")]
        return status, cookies

    return await asyncio.wait_for(go(), timeout)


def find_server_pid(port: int) -> int | None:
    """The process listening on ``port`` (this user's processes; None if it cannot be seen)."""
    import psutil

    try:
        for conn in psutil.net_connections(kind="inet"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    except (psutil.AccessDenied, PermissionError):
        pass
    for proc in psutil.process_iter():
        try:
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port:
                    return proc.pid
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return None


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    import psutil

    try:
        return psutil.Process(pid).memory_info().rss / 1e6
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


# ---------------------------------------------------------------------------------------------------------
# One simulated browser tab
# ---------------------------------------------------------------------------------------------------------


class Dropped(Exception):
    """The websocket could not be opened or was closed under us."""


class Session:
    """One browser tab: a websocket, its forward-message cache and the server's page list."""

    def __init__(self, target: Target, index: int, *, cache: bool = True) -> None:
        self.target = target
        self.index = index
        self.use_cache = cache
        self.ws = None
        self.cookie: str | None = None
        self.xsrf: str | None = None
        self.session_id: str | None = None
        self.main_script_hash = ""
        self.pages_by_path: dict[str, str] = {}  # url_pathname -> page_script_hash, from `navigation`
        self.paths_by_hash: dict[str, str] = {}
        self.max_cached_message_age = 2
        self.run_count = 0
        self.cache: dict[str, tuple[int, tuple | None]] = {}  # hash -> (last run used, _summarise())
        self.prev: RequestResult | None = None  # the last finished request (late exceptions belong to it)
        self.status_changes = 0

    # -- connection ---------------------------------------------------------------------------------------

    async def open(self, timeout: float) -> None:
        import websockets

        try:
            async with asyncio.timeout(timeout):  # the whole handshake
                # The page itself first, as a browser loads it: a reverse proxy may set its route cookie
                # here (deploy/nginx.conf.template), which every later request then carries.
                jar: dict[str, str] = {}
                status, cookies = await http_get(self.target, "", timeout)
                if status != 200:
                    raise Dropped(f"/ answered {status}")
                self._keep(jar, cookies)
                status, cookies = await http_get(self.target, HEALTH_PATH, timeout, self.cookie)
                if status != 200:
                    raise Dropped(f"/{HEALTH_PATH} answered {status}")
                self._keep(jar, cookies)
                self.xsrf = jar.get(XSRF_COOKIE)
                await http_get(self.target, HOST_CONFIG_PATH, timeout, self.cookie)
                headers = {"Cookie": self.cookie} if self.cookie else {}
                self.ws = await websockets.connect(
                    self.target.ws_url(),
                    subprotocols=["streamlit", self.xsrf or "PLACEHOLDER_AUTH_TOKEN"],
                    origin=self.target.origin,
                    additional_headers=headers,
                    user_agent_header="ketenmonitor-loadtest (websockets)",
                    proxy=None,  # never an HTTP(S)_PROXY from the environment: loopback only
                    open_timeout=timeout,
                    ping_interval=None,  # like a browser: the server pings, we answer
                    close_timeout=2,
                    max_size=MAX_MESSAGE_BYTES,
                    max_queue=None,
                )
        except (Dropped, TimeoutError):
            raise  # a handshake that gets no answer is a timeout, not a dropped socket
        except (OSError, websockets.WebSocketException) as e:
            raise Dropped(f"handshake failed: {type(e).__name__}: {e}") from e

    def _keep(self, jar: dict[str, str], set_cookies: list[str]) -> None:
        """Store Set-Cookie values in ``jar`` and send them all from now on, as a browser does."""
        for header in set_cookies:
            name, _, rest = header.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        self.cookie = "; ".join(f"{k}={v}" for k, v in jar.items()) or None

    async def close(self) -> None:
        if self.ws is not None:
            ws, self.ws = self.ws, None
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 3)

    async def drain(self, seconds: float = 0.05) -> None:
        """Read what the server already sent (a late exception after the last script_finished)."""
        if self.ws is None or self.prev is None:
            return
        state = _RunState(self.prev, time.perf_counter())
        state.finished = True
        with contextlib.suppress(Exception):
            while True:
                raw = await asyncio.wait_for(self.ws.recv(), seconds)
                self._handle(raw, state)

    # -- one request --------------------------------------------------------------------------------------

    async def request(self, req: RequestResult, timeout: float) -> None:
        """Send one rerun_script and read until its final script_finished; fills ``req``."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        page_hash = ""
        if req.nav == "click":
            page_hash = self.pages_by_path.get(req.path, "")
            if not page_hash:
                req.nav = "url"  # not (yet) listed by the server: load it by URL instead
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = req.query
        cs.page_name = "" if page_hash else req.path
        cs.page_script_hash = page_hash
        cs.widget_states.SetInParent()
        if self.use_cache:
            cs.cached_message_hashes.extend(self.cache)
        ci = cs.context_info
        ci.timezone = TIMEZONE
        ci.timezone_offset = _js_timezone_offset(TIMEZONE)
        ci.locale = LOCALE
        ci.url = self.target.page_url(req.path, req.query)
        ci.is_embedded = "embed=true" in req.query.split("&")
        ci.color_scheme = "light"

        state = _RunState(req, time.perf_counter())
        try:
            await self.ws.send(msg.SerializeToString())
            async with asyncio.timeout(timeout):
                while not state.finished:
                    self._handle(await self.ws.recv(), state)
        except TimeoutError:
            where = "waiting for the first run" if not state.started else "before script_finished"
            req.add_error("timeout", f"no answer within {timeout:.0f} s ({where}, {state.messages} messages)")
            raise
        except Exception as e:
            import websockets

            if isinstance(e, websockets.ConnectionClosed | OSError):
                req.add_error("dropped", f"{type(e).__name__}: {e}")
                raise Dropped(str(e)) from e
            raise
        finally:
            if state.finished:
                req.latency = state.done_at - state.sent_at
        self._check_page(state)
        self.prev = req

    # -- message handling ---------------------------------------------------------------------------------

    def _handle(self, raw: bytes | str, state: _RunState) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(raw, str):
            state.req.add_error("protocol", "a text frame (Streamlit only sends binary protobufs)")
            return
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        kind = msg.WhichOneof("type")
        state.messages += 1

        summary = None  # what a person would notice in this element: ("exception"|"warning"|"alert", text)
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                state.req.add_error("protocol", f"ref_hash {msg.ref_hash} to a message this session never got")
                return
            self.cache[msg.ref_hash] = (self.run_count, entry[1])
            state.req.refs += 1
            summary = entry[1]
            kind = "delta"  # the element it stands for (its metadata came along)
        elif kind == "delta":
            if msg.delta.WhichOneof("type") == "new_element":
                summary = _summarise(msg.delta.new_element)
            if msg.metadata.cacheable and msg.hash and msg.hash not in self.cache:
                self.cache[msg.hash] = (self.run_count, summary)

        if summary is not None:
            what, text = summary
            # Before the first run of this request starts, a delta still belongs to the previous request (the
            # server sends an exception about a failed rerun request after that run's script_finished).
            target = state.req if state.seen_run or state.finished or self.prev is None else self.prev
            if what == "exception":
                target.add_error("exception", text)
            elif what == "warning":
                target.warnings.append(text)
            else:
                target.alerts.append(text)

        if not state.started and kind != "new_session":
            if kind == "session_status_changed":
                self.status_changes += 1
            return  # the tail of the previous run (session_status_changed, heartbeat_ack, ...)

        if kind == "new_session":
            ns = msg.new_session
            if msg.metadata.run.fragment_ids:
                return  # a fragment run is not a page run
            state.started = True
            state.seen_run = True
            state.navigation = None
            self.main_script_hash = ns.main_script_hash
            self.session_id = ns.initialize.session_id or self.session_id
            if ns.config.max_cached_message_age:
                self.max_cached_message_age = ns.config.max_cached_message_age
        elif kind == "delta":
            h = msg.metadata.active_script_hash
            if h and h != self.main_script_hash:
                state.element_hashes.add(h)
        elif kind == "navigation":
            nav = msg.navigation
            state.navigation = nav.page_script_hash
            self.pages_by_path = {p.url_pathname: p.page_script_hash for p in nav.app_pages if not p.external_url}
            self.paths_by_hash = {v: k for k, v in self.pages_by_path.items()}
        elif kind == "page_not_found":
            name = msg.page_not_found.page_name
            state.req.add_error("page_not_found", f"the server does not know the page {name or state.req.path!r}")
        elif kind == "page_info_changed":
            state.req.final_query = msg.page_info_changed.query_string
        elif kind == "session_status_changed":
            self.status_changes += 1
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            e = msg.session_event.script_compilation_exception
            state.req.add_error("compile_error", f"{e.type}: {e.message}")
        elif kind == "script_finished":
            status = msg.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                state.req.reruns += 1
                state.started = False  # wait for the next run's new_session
                state.element_hashes.clear()
                return
            if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
                return
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                state.req.add_error("compile_error", "script_finished: FINISHED_WITH_COMPILE_ERROR")
            state.finished = True
            state.done_at = time.perf_counter()
            state.req.finished = True
            self._age_cache()

    def _age_cache(self) -> None:
        """The frontend's cache rule: a message not used for more than max_cached_message_age runs is dropped."""
        self.run_count += 1
        for h, (used, _info) in list(self.cache.items()):
            if self.run_count - used > self.max_cached_message_age:
                del self.cache[h]

    def _check_page(self, state: _RunState) -> None:
        req = state.req
        if "page_not_found" in req.errors or "compile_error" in req.errors:
            return
        if state.navigation is None:
            if "exception" in req.errors:
                return  # app.py failed before st.navigation: the exception is the error
            req.add_error("wrong_page", "the run sent no navigation: the page ran without app.py's st.navigation")
            return
        req.ran = self.paths_by_hash.get(state.navigation, f"<hash {state.navigation[:8]}>")
        expected = self.pages_by_path.get(req.path)
        if expected is None:
            req.add_error("wrong_page", f"/{req.path} is not among the pages the server listed")
        elif state.navigation != expected:
            req.add_error("wrong_page", f"asked for /{req.path}, the server ran /{req.ran}")
        elif state.element_hashes - {expected}:
            others = ", ".join(f"/{self.paths_by_hash.get(h, h[:8])}" for h in state.element_hashes - {expected})
            req.add_error("wrong_page", f"asked for /{req.path}, elements also came from {others}")


def _summarise(element) -> tuple[str, str] | None:
    """An exception element (error or warning) or an st.error / st.warning box, as (kind, one line)."""
    from streamlit.proto.Alert_pb2 import Alert

    which = element.WhichOneof("type")
    if which == "exception":
        e = element.exception
        text = f"{e.type}: {e.message}".strip(": ") + (f" [{e.stack_trace[-1].strip()}]" if e.stack_trace else "")
        return ("warning" if e.is_warning else "exception", text)
    if which == "alert" and element.alert.format in (Alert.ERROR, Alert.WARNING):
        fmt = "st.error" if element.alert.format == Alert.ERROR else "st.warning"
        return ("alert", f"{fmt}: {' '.join(element.alert.body.split())[:200]}")
    return None


@dataclass
class _RunState:
    req: RequestResult
    sent_at: float
    done_at: float = 0.0
    started: bool = False  # a new_session of this request's run arrived
    finished: bool = False
    navigation: str | None = None  # page_script_hash st.navigation chose in the current run
    element_hashes: set = field(default_factory=set)  # active_script_hash of page elements (not app.py's)
    seen_run: bool = False  # any run of this request started (the rerun chain may hold several)
    messages: int = 0


def _js_timezone_offset(tz: str) -> int:
    """What JavaScript's Date.getTimezoneOffset() says: minutes to add to local time to get UTC."""
    offset = dt.datetime.now(zoneinfo.ZoneInfo(tz)).utcoffset() or dt.timedelta()
    return -int(offset.total_seconds() // 60)


# ---------------------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------------------


def plan(sessions: int, rounds: int, pages: Sequence[str], offset: int) -> list[list[str]]:
    """Per session, the paths it visits: every page once per round. The order is rotated per session and round,
    and every other session walks it backwards, so concurrent sessions ask for different pages at the same time
    (deterministic: the same arguments give the same walk)."""
    out = []
    for s in range(sessions):
        walk: list[str] = []
        for r in range(rounds):
            start = (offset + s + r) % len(pages)
            order = [*pages[start:], *pages[:start]]
            walk.extend(reversed(order) if s % 2 else order)
        out.append(walk)
    return out


async def _monitor(target: Target, result: Result, stop: asyncio.Event, pid: int | None) -> None:
    """Once a second: GET /_stcore/health (1 s timeout) and sample the server's RSS."""
    h = result.health
    t0 = time.monotonic()
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _ = await http_get(target, HEALTH_PATH, 1.0)
            elapsed = time.perf_counter() - started
            h.max_latency = max(h.max_latency, elapsed)
            if status != 200:
                h.failures += 1
                h.failure_examples.append(f"status {status}")
        except (OSError, TimeoutError, ValueError, IndexError) as e:
            h.failures += 1
            h.max_latency = max(h.max_latency, time.perf_counter() - started)
            if len(h.failure_examples) < 10:
                h.failure_examples.append(type(e).__name__ if isinstance(e, TimeoutError) else f"{e!r}"[:100])
        h.checks += 1
        rss = rss_mb(pid)
        if rss is not None:
            result.rss_max_mb = max(result.rss_max_mb or 0.0, rss)
            result.rss_samples.append((round(time.monotonic() - t0, 1), round(rss, 1)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, 1.0 - (time.perf_counter() - started)))


async def _walk_session(
    target: Target,
    index: int,
    walk: Sequence[str],
    result: Result,
    *,
    start_delay: float,
    think: float,
    timeout: float,
    deadline: float,
    nav: str,
    cache: bool,
) -> None:
    await asyncio.sleep(min(start_delay, max(0.0, deadline - time.monotonic())))
    session = Session(target, index, cache=cache)
    visits: dict[str, int] = {}  # per path: the n-th visit gets the n-th parameters
    try:
        for seq, path in enumerate(walk):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                result.deadline_hit = True
                return
            visit = visits.get(path, 0)
            visits[path] = visit + 1
            mode = "url" if nav == "url" or (nav == "mixed" and seq % 2 == 0) else "click"
            req = RequestResult(index, seq, path, query_for(path, index + visit), mode)
            result.requests.append(req)
            if not await _attempt(session, req, result, timeout, deadline):
                return  # dropped or stuck: give the session up, like a reader closing the tab
            if think > 0 and seq < len(walk) - 1:
                await asyncio.sleep(min(think, max(0.0, deadline - time.monotonic())))
        await session.drain()
    finally:
        await session.close()


async def _open_close_session(
    target: Target, index: int, path: str, result: Result, *, timeout: float, deadline: float, cache: bool
) -> None:
    session = Session(target, index, cache=cache)
    req = RequestResult(index, 0, path, query_for(path, index), "url")
    result.requests.append(req)
    try:
        if await _attempt(session, req, result, timeout, deadline):
            await session.drain()
    finally:
        await session.close()


async def _attempt(session: Session, req: RequestResult, result: Result, timeout: float, deadline: float) -> bool:
    """Open the session if needed and run one request; False when the session cannot go on."""
    allowed = timeout
    try:
        if session.ws is None:
            allowed = min(timeout, max(0.0, deadline - time.monotonic()))
            await session.open(allowed)
        await session.request(req, min(timeout, max(0.0, deadline - time.monotonic())))
        return True
    except Dropped as e:
        req.add_error("dropped", str(e))
    except TimeoutError:
        at_deadline = deadline - time.monotonic() <= 0.01
        result.deadline_hit |= at_deadline
        why = " (global deadline)" if at_deadline else ""
        if "timeout" not in req.errors:
            req.add_error("timeout", f"the handshake got no answer within {allowed:.0f} s{why}")
        elif why:
            req.messages[-1] += why
    except Exception as e:  # e.g. a frame that is not a ForwardMsg: report it, never crash the whole run
        req.add_error("protocol", f"{type(e).__name__}: {e}")
    return False


async def run_load_async(
    url: str,
    sessions: int = 1,
    rounds: int = 1,
    *,
    think: float = 0.0,
    timeout: float = 60.0,
    ramp: float = 0.0,
    deadline: float = 600.0,
    pid: int | None = None,
    nav: str = "url",
    pages: Sequence[str] | None = None,
    offset: int = 0,
    cache: bool = True,
    open_close: int = 0,
    settle: float = 0.0,
) -> Result:
    """Walk ``rounds`` x every page in ``sessions`` concurrent sessions (or, with ``open_close=N``, open N
    sessions that each run one page and disconnect, ``sessions`` at a time). Never raises for what the server
    does; everything ends by ``deadline`` seconds (plus a few seconds to close sockets)."""
    if nav not in ("url", "click", "mixed"):
        raise ValueError(f"nav must be url, click or mixed, not {nav!r}")
    target = Target.parse(url)
    pages = list(PAGES if pages is None else pages)
    sessions = max(1, sessions)
    if pid is None:
        pid = find_server_pid(target.port)
    walks = plan(sessions, rounds, pages, offset) if not open_close else []
    result = Result(
        url=url,
        mode="open-close" if open_close else "walk",
        sessions=open_close or sessions,
        rounds=1 if open_close else rounds,
        pages=pages,
        planned=open_close or sum(map(len, walks)),
        server_pid=pid,
        rss_before_mb=rss_mb(pid),
    )
    started = time.monotonic()
    end = started + deadline
    stop = asyncio.Event()
    monitor = asyncio.create_task(_monitor(target, result, stop, pid))
    if open_close:
        slots = asyncio.Semaphore(sessions)
        order = plan(1, -(-open_close // len(pages)), pages, offset)[0][:open_close]

        async def one(i: int) -> None:
            async with slots:
                if time.monotonic() >= end:
                    result.deadline_hit = True
                    return
                await _open_close_session(target, i, order[i], result, timeout=timeout, deadline=end, cache=cache)

        tasks = [asyncio.create_task(one(i)) for i in range(open_close)]
    else:
        tasks = [
            asyncio.create_task(
                _walk_session(
                    target,
                    i,
                    walk,
                    result,
                    start_delay=ramp * i / sessions,
                    think=think,
                    timeout=timeout,
                    deadline=end,
                    nav=nav,
                    cache=cache,
                )
            )
            for i, walk in enumerate(walks)
        ]
    # Every wait above is bounded by the deadline; this is the backstop if something is not.
    _, pending = await asyncio.wait(tasks, timeout=deadline + 15)
    for t in pending:
        result.deadline_hit = True
        t.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)
    for t in tasks:
        if t.done() and not t.cancelled() and t.exception() is not None:
            raise t.exception()
    result.duration = time.monotonic() - started
    result.rss_after_mb = rss_mb(pid)
    if open_close and settle > 0:
        await asyncio.sleep(settle)
        result.rss_settled_mb = rss_mb(pid)
    stop.set()
    await monitor
    if result.rss_after_mb is not None:
        result.rss_max_mb = max(result.rss_max_mb or 0.0, result.rss_after_mb)
    return result


def run_load(url: str, sessions: int = 1, rounds: int = 1, **kwargs) -> Result:
    """Synchronous entry point (for tests and the CLI); see ``run_load_async``."""
    return asyncio.run(run_load_async(url, sessions, rounds, **kwargs))


# ---------------------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8501", help="the app's root URL (loopback only)")
    p.add_argument("--sessions", type=int, default=5, help="concurrent sessions (open-close: how many at once)")
    p.add_argument("--rounds", type=int, default=2, help="rounds per session; a round visits every page once")
    p.add_argument("--think", type=float, default=0.0, help="pause between a session's requests, seconds")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds a request may take before it times out")
    p.add_argument("--ramp", type=float, default=0.0, help="spread the session starts over this many seconds")
    p.add_argument("--deadline", type=float, default=600.0, help="global limit for the whole run, seconds")
    p.add_argument("--pages", help='comma-separated URL paths instead of every page ("" is the home page)')
    p.add_argument("--nav", choices=("url", "click", "mixed"), default="url", help="how a session changes page")
    p.add_argument("--offset", type=int, default=0, help="where in the page list the first session starts")
    p.add_argument("--no-cache", action="store_true", help="do not list cached messages (no ref_hash replies)")
    p.add_argument("--pid", type=int, help="server process for RSS (default: whoever listens on the port)")
    p.add_argument("--open-close", type=int, default=0, metavar="N", help="open and close N one-page sessions")
    p.add_argument("--settle", type=float, default=0.0, help="open-close: wait this long, then read RSS again")
    p.add_argument("--json", metavar="FILE", help="write the full result (every request) as JSON")
    args = p.parse_args(argv)
    try:
        Target.parse(args.url)
    except ValueError as e:
        p.error(str(e))
    result = run_load(
        args.url,
        args.sessions,
        args.rounds,
        think=args.think,
        timeout=args.timeout,
        ramp=args.ramp,
        deadline=args.deadline,
        pid=args.pid,
        nav=args.nav,
        pages=None if args.pages is None else [x.strip().strip("/") for x in args.pages.split(",")],
        offset=args.offset,
        cache=not args.no_cache,
        open_close=args.open_close,
        settle=args.settle,
    )
    print(result.report())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result.to_dict(), f, indent=1)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
