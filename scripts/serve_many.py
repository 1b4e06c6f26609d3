"""Serve more readers than one process holds: N Streamlit replicas on loopback behind Debian's nginx.

    python scripts/serve_many.py [--replicas 2] [--listen 127.0.0.1:8080] [--first-port 8511]
                                 [--warehouse data/ketenmonitor.duckdb] [--state data/serve]

Each replica opens its own read-only copy of the warehouse (``<state>/replica-N/``), so a rebuild never swaps
a file under a running replica; restart this script to serve a new build. nginx (config rendered from
``deploy/nginx.conf.template``) keeps each browser on one replica. This script watches the replicas: one
that stops answering its health check is restarted. Ctrl-C (or SIGTERM) stops everything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "deploy" / "nginx.conf.template"
HEALTH_EVERY_S = 5.0
# A replica is restarted after this many failed health checks in a row (a busy replica may miss one) ...
FAILURES_BEFORE_RESTART = 3
# ... and not checked during its start-up; a replica that keeps dying waits longer before each new start.
START_GRACE_S = 60.0
MAX_BACKOFF_S = 120.0


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not found:
        sys.exit("serve_many: nginx not found; install Debian's nginx (scripts/setup.sh --tests does)")
    return found


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_healthy(url: str, process: subprocess.Popen | None, seconds: float, stopping=lambda: False) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stopping():
        if process is not None and process.poll() is not None:
            sys.exit(f"serve_many: {url} exited with code {process.returncode} before it answered")
        if healthy(url):
            return
        time.sleep(0.3)
    if not stopping():
        sys.exit(f"serve_many: {url} did not answer /_stcore/health within {seconds:.0f} s")


class Replica:
    def __init__(self, index: int, port: int, warehouse: Path, state: Path):
        self.index, self.port = index, port
        self.folder = state / f"replica-{index}"
        self.warehouse = self.folder / warehouse.name
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.failures = 0  # failed health checks in a row
        self.restarts = 0  # restarts without a healthy check in between
        self._log = None
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(warehouse, self.warehouse)

    def start(self) -> None:
        self._close_log()
        self._log = log = (self.folder / "streamlit.log").open("ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.ui.serve", "--server.headless", "true"]
            + ["--server.address", "127.0.0.1", "--server.port", str(self.port)],
            cwd=REPO,
            env={**os.environ, "KETEN_WAREHOUSE": str(self.warehouse)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def watch(self) -> None:
        """One health round: count failures, restart after several in a row (with a growing pause)."""
        dead = self.process.poll() is not None
        backoff = min(MAX_BACKOFF_S, START_GRACE_S * (2 ** max(0, self.restarts - 1))) if self.restarts else 0.0
        if not dead and time.monotonic() - self.started_at < START_GRACE_S:
            return  # still starting
        if not dead and healthy(self.url, timeout=5):
            self.failures = self.restarts = 0
            return
        self.failures += 1
        if not dead and self.failures < FAILURES_BEFORE_RESTART:
            return
        if time.monotonic() - self.started_at < backoff:
            return  # it died again soon after the last start: wait before trying once more
        print(f"replica {self.index} ({self.url}) is not healthy: restarting", flush=True)
        self.stop()
        self.start()
        self.failures = 0
        self.restarts += 1


def render_config(state: Path, listen: str, replicas: list[Replica]) -> Path:
    servers = "\n".join(f"        server 127.0.0.1:{r.port} max_fails=2 fail_timeout=5s;" for r in replicas)
    (state / "tmp").mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.read_text(encoding="utf-8").format(prefix=state, listen=listen, servers=servers)
    config = state / "nginx.conf"
    config.write_text(text, encoding="utf-8")
    return config


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address (host:port)")
    parser.add_argument("--first-port", type=int, default=8511, help="replica N listens on first-port + N")
    parser.add_argument("--warehouse", type=Path, default=REPO / "data" / "ketenmonitor.duckdb")
    parser.add_argument("--state", type=Path, default=REPO / "data" / "serve", help="copies, config and logs")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not args.warehouse.is_file():
        sys.exit(f"serve_many: no warehouse at {args.warehouse}; build it with: python -m etl build")
    nginx = nginx_binary()
    listen_host, _, listen_port = args.listen.rpartition(":")
    taken = [p for p in range(args.first_port, args.first_port + args.replicas) if not port_free(p)]
    if not listen_port.isdigit() or not port_free(int(listen_port), listen_host or "0.0.0.0"):
        taken.append(listen_port)
    if taken:
        sys.exit(f"serve_many: port(s) {taken} already in use; choose --first-port / --listen elsewhere")
    state = args.state.resolve()
    replicas = [Replica(i, args.first_port + i, args.warehouse.resolve(), state) for i in range(args.replicas)]
    config = render_config(state, args.listen, replicas)
    check = subprocess.run([nginx, "-t", "-q", "-p", str(state), "-c", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"serve_many: nginx rejects {config}:\n{check.stderr}")

    proxy: subprocess.Popen | None = None
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        for replica in replicas:
            replica.start()
        for replica in replicas:
            wait_healthy(replica.url, replica.process, 90, lambda: stopping)
        if stopping:
            return
        proxy = subprocess.Popen([nginx, "-p", str(state), "-c", str(config), "-g", "daemon off;"])
        wait_healthy(f"http://{args.listen}", proxy, 15)
        print(f"serving on http://{args.listen} with {len(replicas)} replicas", flush=True)
        next_check = time.monotonic() + HEALTH_EVERY_S
        while not stopping:
            time.sleep(0.2)
            if proxy.poll() is not None:
                sys.exit(f"serve_many: nginx exited with code {proxy.returncode}; see {state}/error.log")
            if time.monotonic() < next_check:
                continue
            next_check = time.monotonic() + HEALTH_EVERY_S
            for replica in replicas:
                replica.watch()
    finally:
        if proxy and proxy.poll() is None:
            proxy.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
        for replica in replicas:
            replica.stop()


if __name__ == "__main__":
    main()
