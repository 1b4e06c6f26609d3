"""Load test over Streamlit's own websocket protocol (issue #8, ``scripts/loadtest.py``): twelve sessions walk
every page twice against a real server on the freshly built warehouse, without one error of any kind, and the
server still answers its health check afterwards. A second group proves the client's checks can fail: a page
that does not exist, an exception, a page that sends the reader elsewhere, a run that never ends, a script that
does not compile and a server that is not there are each counted as what they are.

Nothing here asserts a duration: the timeouts below only bound the test if the server hangs."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO


def _load_module():
    spec = importlib.util.spec_from_file_location("loadtest", REPO / "scripts" / "loadtest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["loadtest"] = module  # dataclasses look their module up while the file executes
    spec.loader.exec_module(module)
    return module


loadtest = _load_module()

SESSIONS = 12
ROUNDS = 2
# Generous bounds so that a hanging server fails the test instead of stalling CI; never asserted.
REQUEST_TIMEOUT = 120.0
DEADLINE = 900.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


class _Server:
    """``streamlit run <script>`` on a free loopback port (the options tests/test_browser.py uses), or, with
    ``script=None``, the dashboard the way scripts/start.sh serves it: ``python -m dashboard.ui.serve``, which
    imports the heavy libraries once before the first reader (a plain ``streamlit run app.py`` lets twelve
    first visits import pandas in twelve threads, and now and then one fails with "partially initialized
    module 'pandas'")."""

    def __init__(self, script: Path | None, log: Path, env: dict[str, str] | None = None) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("wb")
        start = ["dashboard.ui.serve"] if script is None else ["streamlit", "run", script.name]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                *start,
                "--server.headless",
                "true",
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=REPO if script is None else script.parent,
            env={**os.environ, **(env or {})},
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            if _healthy(self.url):
                return
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"streamlit did not become healthy within 60 s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self._log_file.close()


@pytest.fixture(scope="module")
def app_server(built_warehouse: Path, tmp_path_factory):
    server = _Server(None, tmp_path_factory.mktemp("load") / "server.log", {"KETEN_WAREHOUSE": str(built_warehouse)})
    yield server
    server.stop()


def test_every_page_under_load_without_errors(app_server):
    result = loadtest.run_load(
        app_server.url,
        SESSIONS,
        ROUNDS,
        nav="mixed",  # every session changes page by URL (page_name) and by menu click (page_script_hash)
        timeout=REQUEST_TIMEOUT,
        deadline=DEADLINE,
        pid=app_server.proc.pid,
    )
    report = f"{result.report()}\n--- server log ---\n{app_server.output()}"

    assert dict(result.error_counts) == {}, report
    assert not result.deadline_hit, report
    assert result.not_run == 0, report
    assert result.ok, report
    for path in loadtest.PAGES:
        requests = [r for r in result.requests if r.path == path]
        assert len(requests) == SESSIONS * ROUNDS, (path, report)
        assert all(r.finished for r in requests), (path, report)
        assert all(r.ran == path for r in requests), (path, report)  # the page that ran is the one asked for
    assert Counter(r.nav for r in result.requests) == {
        "url": len(result.requests) // 2,
        "click": len(result.requests) // 2,
    }
    assert result.health.checks > 0
    # No run was turned away by admission control: a leaked run slot would show up here as 'busy' notices.
    assert not [a for r in result.requests for a in r.alerts if "erg druk" in a], report
    assert result.server_pid == app_server.proc.pid and result.rss_after_mb is not None
    assert _healthy(app_server.url), report


def test_unknown_page_is_counted_as_page_not_found(app_server, capsys):
    result = loadtest.run_load(
        app_server.url, 1, 1, pages=["no-such-page", "opvang"], timeout=REQUEST_TIMEOUT, deadline=DEADLINE
    )
    by_path = {r.path: r for r in result.requests}
    assert dict(result.error_counts) == {"page_not_found": 1}, result.report()
    assert by_path["no-such-page"].errors == ["page_not_found"]
    assert by_path["opvang"].errors == [] and by_path["opvang"].ran == "opvang"  # the session went on
    assert not result.ok
    # The command line says so too: the report names the kind, the exit code is 1.
    code = loadtest.main(["--url", app_server.url, "--sessions", "1", "--rounds", "1", "--pages", "no-such-page"])
    out = capsys.readouterr().out
    assert code == 1 and "page_not_found=1" in out, out


# A tiny app (not the dashboard) whose pages misbehave on purpose, so every check is seen to fail.
PROBE_APP = """
import time

import streamlit as st


def home():
    st.title("home")


def boom():
    st.title("boom")
    raise RuntimeError("boom from the probe app")


def moved():
    st.switch_page(home_page)


def slow():
    st.title("slow")
    time.sleep(20)


home_page = st.Page(home, title="home", url_path="home", default=True)
st.navigation(
    [
        home_page,
        st.Page(boom, title="boom", url_path="boom"),
        st.Page(moved, title="moved", url_path="moved"),
        st.Page(slow, title="slow", url_path="slow"),
    ]
).run()
"""


@pytest.fixture(scope="module")
def probe_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probe-app")
    (folder / "probe.py").write_text(PROBE_APP)
    server = _Server(folder / "probe.py", folder / "server.log")
    yield server
    server.stop()


def test_exception_wrong_page_and_page_not_found_are_detected(probe_server):
    result = loadtest.run_load(
        probe_server.url, 1, 2, nav="mixed", pages=["", "boom", "moved", "no-such-page"], timeout=60, deadline=300
    )
    report = f"{result.report()}\n--- server log ---\n{probe_server.output()}"
    assert result.not_run == 0, report
    for r in result.requests:
        assert r.finished, report
        expected = {"": [], "boom": ["exception"], "moved": ["wrong_page"], "no-such-page": ["page_not_found"]}
        assert r.errors == expected[r.path], (r, report)
    boom = next(r for r in result.requests if r.path == "boom")
    assert "boom from the probe app" in boom.messages[0]
    moved = next(r for r in result.requests if r.path == "moved")
    assert moved.ran == "" and moved.reruns >= 1  # st.switch_page ended the first run early
    assert dict(result.error_counts) == {"exception": 2, "wrong_page": 2, "page_not_found": 2}, report


def test_a_run_that_does_not_finish_is_a_timeout(probe_server):
    result = loadtest.run_load(probe_server.url, 1, 1, pages=["slow"], timeout=2, deadline=60)
    (slow,) = result.requests
    assert slow.errors == ["timeout"] and not slow.finished, result.report()
    assert dict(result.error_counts) == {"timeout": 1} and not result.ok


def test_a_script_that_does_not_compile_is_a_compile_error(tmp_path):
    (tmp_path / "broken.py").write_text('import streamlit as st\n\nst.title("unclosed"\n')
    server = _Server(tmp_path / "broken.py", tmp_path / "server.log")
    try:
        result = loadtest.run_load(server.url, 1, 1, pages=[""], timeout=60, deadline=120)
    finally:
        server.stop()
    assert dict(result.error_counts) == {"compile_error": 1}, result.report()


def test_no_server_is_a_dropped_session():
    result = loadtest.run_load(f"http://127.0.0.1:{_free_port()}", 2, 1, pages=[""], timeout=5, deadline=30)
    assert dict(result.error_counts) == {"dropped": 2}, result.report()
    assert result.health.failures == result.health.checks > 0


def test_only_loopback_targets():
    for url in ("http://example.com:8501", "http://10.0.0.1:8501", "https://127.0.0.1:8501"):
        with pytest.raises(ValueError):
            loadtest.Target.parse(url)
    with pytest.raises(SystemExit):
        loadtest.main(["--url", "http://192.168.1.10:8501"])
    assert loadtest.Target.parse("http://localhost:8501/app").ws_url() == "ws://localhost:8501/app/_stcore/stream"


def test_overload_ends_runs_with_a_notice_and_the_server_keeps_answering(built_warehouse: Path, tmp_path):
    """Admission control (dashboard/ui/admission.py) with one slot and almost no patience: of twelve sessions
    at once, runs that cannot start in time end with the 'busy' notice (a warning on the page, no exception,
    no timeout), the others finish normally, and the health check answers throughout."""
    server = _Server(
        None,
        tmp_path / "server.log",
        {"KETEN_WAREHOUSE": str(built_warehouse), "KETEN_CONCURRENT_RUNS": "1", "KETEN_WAIT_SECONDS": "0.05"},
    )
    try:
        result = loadtest.run_load(server.url, 12, 1, timeout=REQUEST_TIMEOUT, deadline=DEADLINE)
        report = f"{result.report()}\n--- server log ---\n{server.output()}"
        assert dict(result.error_counts) == {}, report
        assert result.not_run == 0 and all(r.finished for r in result.requests), report
        busy = [r for r in result.requests if any("erg druk" in a for a in r.alerts)]
        assert busy, report  # some runs were turned away with the notice ...
        assert len(busy) < len(result.requests), report  # ... and the others ran
        assert result.health.failures == 0, report
        assert _healthy(server.url)
    finally:
        server.stop()
