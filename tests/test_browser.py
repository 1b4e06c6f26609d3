"""A real Chromium (Debian's) against a running Streamlit server: every page renders without an error
element, the gemeente map draws one shape per gemeente of its year, and each page leaves a screenshot in
``test-output/`` for a person to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = REPO / "test-output" / "screenshots"
PAGES = ["", "opvang", "huisvesting", "integratie", "gemeente", "vergelijk", "bronnen"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(built_warehouse: Path):
    port = _free_port()
    env = {**os.environ, "KETEN_WAREHOUSE": str(built_warehouse)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not become healthy within 60 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (scripts/setup.sh installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def _open(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"]', timeout=30_000)
    # Streamlit reports a finished script run by hiding its status widget; wait for "running" to end.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)
    return page


@pytest.mark.parametrize("stem", PAGES)
def test_page_renders_without_error(server, browser, stem):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, f"{server}/{stem}?gm=GM0363")
    try:
        assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
        assert page.locator('[data-testid="stHeading"], h1').count() >= 1
        page.screenshot(path=str(SHOTS / f"{stem or 'overzicht'}-1280.png"), full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize("stem", ["", "gemeente", "huisvesting"])
def test_phone_width_has_no_horizontal_scroll(server, browser, stem):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, f"{server}/{stem}?gm=GM0363", width=390)
    try:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SHOTS / f"{stem or 'overzicht'}-390.png"), full_page=True)
        assert overflow <= 2
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


def test_gemeente_map_has_one_shape_per_gemeente(server, browser, built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        expected = con.execute("SELECT count(*) FROM region WHERE level='gemeente' AND year=2016").fetchone()[0]
    page = _open(browser, f"{server}/embed?view=map&indicator=taakstelling&period=2016-01-01&level=gemeente")
    try:
        page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=30_000)
        shapes = page.locator(".js-plotly-plot .choroplethlocation").count()
        page.screenshot(path=str(SHOTS / "embed-map.png"), full_page=True)
        assert shapes == expected == 390
    finally:
        page.close()
