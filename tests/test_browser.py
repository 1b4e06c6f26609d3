"""A real Chromium (Debian's) against a running Streamlit server: every page renders without an error
element, the gemeente map draws one shape per gemeente of its year, and each page leaves a screenshot in
``test-output/`` for a person to look at."""

from __future__ import annotations

import contextlib
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

from dashboard import navigation
from tests.conftest import REPO

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = REPO / "test-output" / "screenshots"
# Every menu page, the home page at "/" (the embed has tests of its own below).
PAGES = ["" if stem == navigation.HOME else stem for stem, _, _ in navigation.MENU]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVE = [sys.executable, "-m", "dashboard.ui.serve"]
# A plain Streamlit start, as an operator might run it without our launcher.
PLAIN = [sys.executable, "-m", "streamlit", "run", "app.py"]


@contextlib.contextmanager
def _running(warehouse: Path, launcher: list[str]):
    port = _free_port()
    env = {**os.environ, "KETEN_WAREHOUSE": str(warehouse)}
    proc = subprocess.Popen(
        [
            *launcher,
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not become healthy within 60 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(built_warehouse: Path):
    with _running(built_warehouse, SERVE) as base:
        yield base


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


def _wait_until_drawn(page) -> None:
    """Wait for the script run to finish, for lazily loaded elements (tables) to replace their skeletons and
    for every Plotly chart to have drawn its SVG."""
    page.wait_for_selector('[data-testid="stHeading"], [data-testid="stPlotlyChart"]', timeout=60_000)
    # Streamlit reports a finished script run by hiding its status widget.
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')
                 && !document.querySelector('[data-testid="stSkeleton"]')""",
        timeout=60_000,
    )
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .filter(c => c.offsetParent !== null)
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def _open(browser, url: str, width: int = 1280, height: int = 900):
    # A Dutch browser, as most readers have: Streamlit's localized numbers then read 1.234,5.
    page = browser.new_page(viewport={"width": width, "height": height}, locale="nl-NL")
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stMain"]', timeout=30_000)
    _wait_until_drawn(page)
    return page


@pytest.mark.parametrize("stem", PAGES)
def test_page_renders_without_error(server, browser, stem):
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls inside its main block, so a tall window is what makes the screenshot show the page.
    page = _open(browser, f"{server}/{stem}?gm=GM0363", height=3200)
    try:
        assert page.locator('[data-testid="stException"]').count() == 0, page.inner_text("body")[:2000]
        assert page.locator('[data-testid="stHeading"], h1').count() >= 1
        assert page.locator('[data-testid="stAlert"]').filter(has_text="onbekend").count() == 0
        page.screenshot(path=str(SHOTS / f"{stem or 'overzicht'}-1280.png"))
    finally:
        page.close()


@pytest.mark.parametrize("stem", ["", "gemeente", "huisvesting"])
def test_phone_width_has_no_horizontal_scroll(server, browser, stem):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, f"{server}/{stem}?gm=GM0363", width=390, height=2400)
    try:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(SHOTS / f"{stem or 'overzicht'}-390.png"))
        assert overflow <= 2
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


@pytest.mark.parametrize("year, period", [(2016, "2016HJ01"), (2015, "2015-11-03")])
def test_gemeente_map_has_one_shape_per_gemeente(server, browser, built_warehouse, year, period):
    """The embed map draws one shape per gemeente of the data's own year: 390 official shapes for 2016; TNO's
    2015 layer has 391 (Nissewaard and Krimpenerwaard, new in 2015, are missing from it)."""
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        expected = con.execute(
            "SELECT count(*) FROM region_geometry WHERE level = 'gemeente' AND year = ?", [year]
        ).fetchone()[0]
    indicator = "taakstelling" if year == 2016 else "coa_plaatsen"
    page = _open(browser, f"{server}/embed?view=map&indicator={indicator}&period={period}&level=gemeente")
    try:
        page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=30_000)
        shapes = page.locator(".js-plotly-plot .choroplethlocation").count()
        page.screenshot(path=str(SHOTS / f"embed-map-{year}.png"))
        assert page.locator('[data-testid="stAlert"]').count() == 0  # the parameters were all accepted
        assert shapes == expected == {2016: 390, 2015: 391}[year]
    finally:
        page.close()


def test_embed_works_inside_an_iframe(server, browser):
    """A host page with an <iframe> on ?embed=true gets the map, its source line and the link, no menu."""
    page = browser.new_page(viewport={"width": 900, "height": 1100}, locale="nl-NL")
    try:
        src = f"{server}/embed?embed=true&view=map&indicator=realisatie_pct&period=2016HJ01&level=gemeente"
        page.set_content(f'<h1>Gemeenteblad</h1><iframe src="{src}" width="800" height="950"></iframe>')
        frame = page.frame_locator("iframe")
        frame.locator(".js-plotly-plot .choroplethlocation").first.wait_for(timeout=60_000)
        assert frame.locator(".js-plotly-plot .choroplethlocation").count() == 390
        assert frame.get_by_text("Bron:").count() >= 1
        assert frame.get_by_role("link", name="Open in het volledige dashboard").count() == 1
        assert frame.locator('[data-testid="stSidebar"]').count() == 0
        # The map uses the frame (it filled a third of its width at first) and says how to read its colours.
        drawn = frame.locator(".js-plotly-plot .choroplethlocation").evaluate_all(
            "els => { const r = els.map(e => e.getBoundingClientRect());"
            " return Math.max(...r.map(x => x.right)) - Math.min(...r.map(x => x.left)); }"
        )
        assert drawn >= 0.45 * page.locator("iframe").bounding_box()["width"], drawn
        assert frame.get_by_text("Kleur rond 100%").count() == 1
        page.wait_for_timeout(500)
        page.screenshot(path=str(SHOTS / "embed-iframe.png"))
    finally:
        page.close()


def test_overzicht_by_name_and_a_csv_written_on_click(server, browser, built_warehouse):
    """/overzicht opens the home page (a shared link with the page's name), and a download button writes its CSV
    only when clicked (deferred): the file holds the map's rows with their source columns."""
    page = _open(browser, f"{server}/overzicht")
    try:
        assert page.get_by_text("Pagina niet gevonden").count() == 0
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.get_by_role("heading", name="Ketenmonitor").count() >= 1
    finally:
        page.close()
    page = _open(browser, f"{server}/opvang?gm=GM0363")
    try:
        button = page.locator('[data-testid="stDownloadButton"] button').first
        with page.expect_download(timeout=30_000) as info:
            button.click()
        text = Path(info.value.path()).read_text(encoding="utf-8")
        header = text.splitlines()[0].split(",")
        assert {"code", "value", "source_id", "source_publisher", "source_sha256"} <= set(header), header
        with duckdb.connect(str(built_warehouse), read_only=True) as con:
            held = con.execute(
                "SELECT count(*) FROM observation WHERE indicator_id = 'coa_plaatsen' AND region_code LIKE 'GM%'"
            ).fetchone()[0]
        assert len(text.splitlines()) - 1 == held
    finally:
        page.close()


AXE_PATHS = [f"{stem}?gm=GM0363" if stem == "gemeente" else stem for stem in PAGES]


@pytest.mark.parametrize(
    "path",
    [*AXE_PATHS, "embed?embed=true&view=map&indicator=realisatie_pct&period=2016HJ01&level=gemeente", "?lang=en"],
)
def test_axe_finds_no_serious_or_critical_violation(server, browser, path):
    """WCAG checks by axe-core (the copy that ships with axe-playwright-python) on every page and the embed."""
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, f"{server}/{path}")
    try:
        result = Axe().run(page)
        bad = [v for v in result.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], [(v["id"], v["impact"], v["help"], len(v["nodes"])) for v in bad]
        assert result.response["passes"], "axe ran no checks"
    finally:
        page.close()


def test_axe_check_finds_a_violation_when_there_is_one(server, browser):
    """The check above can fail: an image without alt text, added to a page, is reported as critical."""
    from axe_playwright_python.sync_playwright import Axe

    page = _open(browser, f"{server}/bronnen")
    try:
        page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').appendChild(document.createElement('img'))"
        )
        result = Axe().run(page)
        assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in result.response["violations"])
    finally:
        page.close()


# Records every menu entry the sidebar ever shows, from the first paint on.
_RECORD_MENU = """
window.__menus = [];
new MutationObserver(() => {
    const links = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
        .map(a => a.innerText.trim().split('\\n').pop());
    if (links.length) window.__menus.push(links.join('|'));
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


@pytest.mark.parametrize("path", ["", "opvang"])
@pytest.mark.parametrize("launcher", [SERVE, PLAIN], ids=["serve", "plain-streamlit-run"])
def test_first_visit_shows_the_real_menu(built_warehouse, browser, launcher, path):
    """The very first reader of a fresh server, straight to a subpage: Streamlit's old pages-directory mode
    would show the file names (app, bronnen, embed, ...) as the menu; the real menu has the page titles and
    the language switch. Under a plain ``streamlit run`` the file list can flash by on the very first visit
    (measured at "/"); with our launcher it never appears, not even for a moment."""
    from dashboard.i18n import t

    titles = [t(label, "nl") for _, label, _ in navigation.MENU]
    with _running(built_warehouse, launcher) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        page.add_init_script(_RECORD_MENU)
        page.goto(f"{base}/{path}", wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMain"]', timeout=30_000)
        _wait_until_drawn(page)
        page.wait_for_selector('[data-testid="stSidebarNav"] a', timeout=30_000)
        final = [a.strip().split("\n")[-1] for a in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]
        menus = page.evaluate("window.__menus")
        switch = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').count()
        page.close()
    assert final == titles
    assert switch > 0, "no language switch: the page ran without app.py"
    if launcher is SERVE:
        assert {m.split("|")[0] for m in menus} == {titles[0]}, f"menus seen: {sorted(set(menus))}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_gemeente_comparison_tables_fit_a_laptop_screen(server, browser, lang):
    """At 1280 px (sidebar open) every comparison table shows all its columns without scrolling sideways."""
    page = _open(browser, f"{server}/gemeente?gm=GM1980&lang={lang}", height=3200)
    widths = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stDataFrame"] .dvn-scroller')]
                 .map(s => [s.scrollWidth, s.clientWidth])"""
    )
    page.close()
    assert len(widths) >= 3
    assert all(scroll <= client + 1 for scroll, client in widths), widths
