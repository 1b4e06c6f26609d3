"""HTTP GET with a timeout, bounded retries and errors that name the URL.

Retries are urllib3's ``Retry`` mounted on a ``requests`` session: connection errors, read timeouts
and the statuses 500/502/503/504 are retried with exponential backoff; anything else fails at once.
Bodies are streamed so a progress bar (``etl.progress``) can show large downloads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError
from urllib3.util.retry import Retry

from etl import progress
from etl.errors import InputError

DEFAULT_TIMEOUT = 60.0  # seconds, for connecting and for each wait between bytes
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 1.0  # urllib3: sleep backoff * 2**(n-1) seconds before retry n
RETRY_STATUSES = (500, 502, 503, 504)
USER_AGENT = "ketenmonitor-etl/1 (python-requests)"


class FetchError(InputError):
    """A download failed or returned something unusable. ``file`` (and the message) is the URL."""

    def __init__(self, url: str, message: str):
        super().__init__(readable(url), message)
        self.url = url  # exactly as requested


def readable(url: str) -> str:
    """The URL with its query decoded (``$filter=Geslacht eq 'T001038'``), for messages people read."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=unquote_plus(parts.query))) if parts.query else url


@dataclass(frozen=True)
class Download:
    url: str  # the URL as requested, query string included
    content: bytes


class HttpClient:
    """One ``requests`` session with the retry policy; use as a context manager so it is closed."""

    def __init__(
        self, *, timeout: float = DEFAULT_TIMEOUT, retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF
    ):
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        if retries < 0:
            raise ValueError("retries must be zero or more")
        self.timeout = timeout
        self.retries = retries
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET"}),
            backoff_factor=backoff,
            backoff_max=60,
            raise_on_status=True,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, params: dict[str, str] | None = None, *, description: str = "download") -> Download:
        """GET the whole body, or raise ``FetchError`` naming the URL (after the retries)."""
        request_url = requests.Request("GET", url, params=params).prepare().url or url
        tries = f"{self.retries + 1} attempt(s)"
        try:
            with self.session.get(request_url, timeout=(self.timeout, self.timeout), stream=True) as response:
                if response.status_code >= 400:
                    raise FetchError(request_url, f"HTTP {response.status_code} {response.reason}")
                length = response.headers.get("Content-Length")
                chunks: list[bytes] = []
                with progress.bar(description, total=int(length) if length and length.isdigit() else None) as bar:
                    for chunk in response.iter_content(chunk_size=1 << 16):
                        chunks.append(chunk)
                        bar.update(len(chunk))
        except requests.exceptions.RetryError as exc:
            message = f"server kept answering with an error status; gave up after {tries} ({exc})"
            raise FetchError(request_url, message) from exc
        except requests.exceptions.ChunkedEncodingError as exc:
            message = f"connection closed before the whole body arrived (truncated download): {exc}"
            raise FetchError(request_url, message) from exc
        except requests.exceptions.RequestException as exc:
            if _caused_by(exc, ReadTimeoutError) or isinstance(exc, requests.exceptions.ReadTimeout):
                raise FetchError(
                    request_url, f"no answer within the timeout of {self.timeout:g} s; gave up after {tries}"
                ) from exc
            connect = _caused_by(exc, ConnectTimeoutError)  # NewConnectionError (refused, DNS) is one of these
            if connect is not None or isinstance(exc, requests.exceptions.ConnectTimeout):
                reason = (
                    "no connection within the timeout" if type(connect) is ConnectTimeoutError else "cannot connect"
                )
                raise ConnectionFailed(request_url, f"{reason}; gave up after {tries} ({connect or exc})") from exc
            raise FetchError(request_url, f"request failed after {tries}: {exc}") from exc
        return Download(request_url, b"".join(chunks))

    def get_json(
        self, url: str, params: dict[str, str] | None = None, *, description: str = "download"
    ) -> tuple[Download, object]:
        download = self.get(url, params, description=description)
        return download, parse_json(download)


class ConnectionFailed(FetchError):
    """No connection could be made (refused, unknown host, connect timeout), as opposed to a bad answer."""


def parse_json(download: Download) -> object:
    try:
        return json.loads(download.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f"char {exc.pos}" if isinstance(exc, json.JSONDecodeError) else f"byte {exc.start}"
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else exc.reason
        raise FetchError(
            download.url, f"invalid or truncated JSON ({reason} at {where} of {len(download.content)} bytes)"
        ) from exc


def _caused_by(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """The first ``kind`` in the chain requests wraps errors in (``args[0]``, ``reason``, cause, context)."""
    seen: set[int] = set()
    pending: list[object] = [exc]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        pending.extend([getattr(current, "reason", None), current.__cause__, current.__context__, *current.args[:1]])
    return None
