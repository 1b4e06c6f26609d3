"""Scale-out (issue #8): two Streamlit replicas behind Debian's nginx, started by scripts/serve_many.py on the
freshly built warehouse. The load test runs through the proxy without one error, both replicas serve sessions,
every browser stays on one replica (the route cookie), and each replica reads its own copy of the warehouse."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_load import _healthy, loadtest

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="Debian's nginx is not installed (scripts/setup.sh --tests)")


def _free_port_pair() -> int:
    """A port p with p and p + 1 free (serve_many gives replica N the port first-port + N)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two adjacent free ports")


@pytest.fixture(scope="module")
def proxied(built_warehouse: Path, tmp_path_factory):
    state = tmp_path_factory.mktemp("serve")
    listen_port = _free_port_pair()
    first = _free_port_pair()
    log = (state / "serve_many.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "scripts/serve_many.py", "--replicas", "2", "--listen", f"127.0.0.1:{listen_port}"]
        + ["--first-port", str(first), "--warehouse", str(built_warehouse), "--state", str(state)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{listen_port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if "serving on" in (state / "serve_many.log").read_text(errors="replace"):
            break
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("serve_many did not come up:\n" + (state / "serve_many.log").read_text(errors="replace"))
    yield base, state, [f"127.0.0.1:{first}", f"127.0.0.1:{first + 1}"]
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_load_through_nginx_has_no_errors_and_reaches_both_replicas(proxied) -> None:
    base, state, replicas = proxied
    result = loadtest.run_load(base, sessions=12, rounds=1, timeout=120.0, deadline=900.0)
    assert result.ok, result.report()
    assert _healthy(base)

    # Which replica served each websocket, and under which route cookie (the proxy's access log).
    streams = [
        line
        for line in (state / "access.log").read_text().splitlines()
        if '"GET /_stcore/stream' in line and " 101 " in line
    ]
    assert len(streams) >= 12, streams
    by_replica: dict[str, int] = defaultdict(int)
    replicas_of_route: dict[str, set[str]] = defaultdict(set)
    for line in streams:
        upstream = re.search(r" 101 (\S+) ", line).group(1)
        route = re.search(r"route=(\S*)$", line).group(1)
        assert route, f"a websocket arrived without the route cookie: {line}"
        by_replica[upstream] += 1
        replicas_of_route[route].add(upstream)
    assert set(by_replica) == set(replicas), by_replica
    assert all(len(upstreams) == 1 for upstreams in replicas_of_route.values()), replicas_of_route


def test_each_replica_reads_its_own_copy_of_the_warehouse(proxied, built_warehouse: Path) -> None:
    _, state, _ = proxied
    copies = sorted(state.glob("replica-*/ketenmonitor.duckdb"))
    assert len(copies) == 2
    assert all(copy.read_bytes() == built_warehouse.read_bytes() for copy in copies)
    assert len({copy.resolve() for copy in copies} | {built_warehouse.resolve()}) == 3


def test_a_replica_that_dies_is_restarted_and_the_proxy_keeps_answering(proxied) -> None:
    base, state, replicas = proxied
    port = int(replicas[0].rsplit(":", 1)[1])
    pid = loadtest.find_server_pid(port)
    assert pid is not None
    subprocess.run(["kill", "-9", str(pid)], check=True)
    assert _healthy(base)  # the other replica answers meanwhile
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not _healthy(f"http://{replicas[0]}"):
        time.sleep(1)
    assert _healthy(f"http://{replicas[0]}"), (state / "serve_many.log").read_text()
    assert "restarting" in (state / "serve_many.log").read_text()


def test_the_websocket_opens_for_a_reader_at_a_host_name_and_port(proxied) -> None:
    """A reader opens the dashboard by name on the proxy's port (https://dash.example.nl:8080): the proxy must
    pass Host with its port, or Streamlit sees Origin and Host disagree and refuses the websocket (403)."""
    base, _, _ = proxied
    port = int(base.rsplit(":", 1)[1])
    host = f"dash.example.nl:{port}"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            (
                "GET /_stcore/stream HTTP/1.1\r\n"
                f"Host: {host}\r\nOrigin: http://{host}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n"
            ).encode()
        )
        status = conn.recv(4096).split(b"\r\n", 1)[0].decode()
    assert " 101 " in status, status
