"""The static edition (``python -m dashboard.publish``): a profile per current gemeente, an index with search and a
sitemap from the test warehouse; the summaries' numbers are the tables' (and the warehouse's); publishing again
changes nothing; a real Chromium reads it from a static file server on 127.0.0.1."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import threading
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard.i18n import fmt_number
from tests.conftest import REPO, sql

LIVE = "https://dashboard.example.org"
BASE = "https://example.org/keten"


@pytest.fixture(scope="module")
def site(built_warehouse: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.publish", str(out), "--warehouse", str(built_warehouse),
         "--base-url", BASE, "--live-url", LIVE],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "files written" in result.stdout
    return out


def current_gemeenten(built_warehouse: Path) -> dict[str, str]:
    return dict(
        sql(
            built_warehouse,
            """SELECT code, name FROM region WHERE level = 'gemeente'
               AND year = (SELECT max(year) FROM region WHERE level = 'gemeente')""",
        )
    )


def test_a_profile_for_every_current_gemeente_an_index_and_a_sitemap(site: Path, built_warehouse: Path) -> None:
    gemeenten = current_gemeenten(built_warehouse)
    profiles = {p.stem for p in (site / "gemeente").glob("*.html")}
    assert profiles == set(gemeenten) and len(profiles) == 342
    assert {p.stem for p in (site / "gemeente").glob("*.csv")} == profiles
    # The CSV holds numbers a spreadsheet reads the same in any language, not the page's formatted text.
    import polars as pl

    rows = pl.read_csv(site / "gemeente" / "GM0363.csv", infer_schema_length=None)
    assert "gemeente" not in rows.columns and "nederland" not in rows.columns
    population = rows.filter(pl.col("indicator_id") == "bevolking")
    assert population["gemeente_basis_value"].dtype == pl.Float64 and population["value"][0] > 900_000
    index = (site / "index.html").read_text(encoding="utf-8")
    assert all(f'href="gemeente/{code}.html"' in index for code in gemeenten)
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("<loc>") == 343 and f"<loc>{BASE}/gemeente/GM0363.html</loc>" in sitemap
    amsterdam = (site / "gemeente" / "GM0363.html").read_text(encoding="utf-8")
    assert f'href="{LIVE}/gemeente?gm=GM0363"' in amsterdam and '<html lang="nl">' in amsterdam
    assert '<section lang="en"' in amsterdam


def sections(page: str) -> dict[str, str]:
    return dict(re.findall(r'<section lang="(\w+)" class="language">(.*?)</section>', page, flags=re.S))


def numbers(text: str) -> set[str]:
    return {n.rstrip(".,") for n in re.findall(r"\d[\d.,]*", text)}


@pytest.mark.parametrize("code", ["GM0363", "GM1980", "GM0599"])
def test_every_number_in_a_summary_is_a_number_of_its_table(site: Path, code: str) -> None:
    page = (site / "gemeente" / f"{code}.html").read_text(encoding="utf-8")
    for lang, body in sections(page).items():
        summary = " ".join(re.findall(r"<dd>(.*?)</dd>", body, flags=re.S))
        cells = " ".join(re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, flags=re.S))
        assert summary, lang
        assert numbers(summary) <= numbers(cells), (code, lang, numbers(summary) - numbers(cells))


def test_the_summary_says_the_warehouses_figure(site: Path, built_warehouse: Path) -> None:
    (population,) = sql(
        built_warehouse,
        """SELECT value FROM observation WHERE indicator_id = 'bevolking' AND region_code = 'GM0363'
           ORDER BY period DESC LIMIT 1""",
    )[0]
    page = sections((site / "gemeente" / "GM0363.html").read_text(encoding="utf-8"))
    assert f"Amsterdam had {fmt_number(population, 'nl')} (Inwoners" in page["nl"]
    assert f"Amsterdam had {fmt_number(population, 'en')} (Population" in page["en"]
    # A count is compared with the mean gemeente of the provincie and the country, never read as their totals.
    mean_pv, mean_nl = sql(
        built_warehouse,
        """WITH latest AS (SELECT max(period) AS p FROM observation WHERE indicator_id = 'bevolking'
                              AND region_code = 'GM0363'),
                gm AS (SELECT o.region_code, o.value FROM observation o, latest
                       WHERE o.indicator_id = 'bevolking' AND o.period = latest.p AND o.region_code LIKE 'GM%')
           SELECT avg(value) FILTER (WHERE region_code IN (SELECT code FROM region_parent WHERE parent_code = 'PV27'
                                     AND year = (SELECT max(year) FROM region_parent))), avg(value) FROM gm""",
    )[0]
    assert (
        f"Een gemeente in de provincie had gemiddeld {fmt_number(mean_pv, 'nl')}, gemeenten van dezelfde grootte"
    ) in page["nl"]
    assert f"een gemeente in heel Nederland gemiddeld {fmt_number(mean_nl, 'nl')}." in page["nl"]
    # A theme's sentence is about a row with a figure: Amsterdam has promised reception places (a rate), so the
    # opvang sentence is not "the source does not name Amsterdam"; the selection caveat stands under the table.
    opvang = re.search(r"<dt>Opvang</dt><dd>(.*?)</dd>", page["nl"])[1]
    assert opvang.startswith("Amsterdam had ") and "per 1.000 inw." in opvang, opvang
    assert "Toegezegde opvangplaatsen (2015): de bron is een selectie" in page["nl"]
    # Population is counted on 1 January: its age runs from that day, not from the end of the year.
    from dashboard.i18n import fmt_age

    (latest,) = sql(
        built_warehouse,
        "SELECT max(period) FROM observation WHERE indicator_id = 'bevolking' AND region_code = 'GM0363'",
    )[0]
    assert f"Dit cijfer is van {fmt_age(latest, date.today(), 'nl')}." in page["nl"]
    assert (
        f"De provincie had {fmt_number(mean_pv, 'nl')}" not in page["nl"]
        and "provincie en Nederland als gemiddelde per gemeente" in page["nl"]
    )
    # A gemeente formed later says whose figures it shows, as the live page does.
    later = sections((site / "gemeente" / "GM1980.html").read_text(encoding="utf-8"))
    assert "Dijk en Waard bestond in 2016 nog niet" in later["nl"] and "Heerhugowaard, Langedijk" in later["nl"]


def test_publishing_again_does_nothing_and_a_forced_run_writes_only_what_changed(
    site: Path, built_warehouse: Path
) -> None:
    from dashboard.publish.site import STATE, publish

    options = dict(base_url=BASE, live_url=LIVE)
    before = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file() and p.name != STATE}
    assert publish(built_warehouse, site, **options).skipped
    assert {p: p.stat().st_mtime_ns for p in before} == before
    # A changed code fingerprint forces a render: identical pages are not written again; a lost one is.
    state = site / STATE
    state.write_text(state.read_text(encoding="utf-8").replace('"code": "', '"code": "x'), encoding="utf-8")
    (site / "gemeente" / "GM0599.html").unlink()
    report = publish(built_warehouse, site, **options)
    files = [p for p in site.rglob("*") if p.is_file() and p.name != STATE]
    assert report.written == ["gemeente/GM0599.html"] and report.unchanged == len(files) - 1


def test_every_embed_view_is_a_page_with_its_figure_data_and_a_link_back(site: Path, built_warehouse: Path) -> None:
    from dashboard.db import Warehouse
    from dashboard.publish.embeds import path, views

    wh = Warehouse(built_warehouse)
    try:
        expected = views(wh)
    finally:
        wh.close()
    index = (site / "embed" / "index.html").read_text(encoding="utf-8")
    for indicator_id, level, period, period_type in expected:
        folder = (site / path(indicator_id, level, "table", period, period_type)).parent
        pages = sorted(p.stem for p in folder.glob("*.html"))
        assert "table" in pages and ("map" in pages or level == "land"), folder
        assert (folder / "data.csv").exists()
        for page in pages:
            html = (folder / f"{page}.html").read_text(encoding="utf-8")
            assert f"{LIVE}/embed?view={page}&" in html and "Bron:" in html
            size = len(html.encode()) + ((folder / f"{page}.json").stat().st_size if page != "table" else 0)
            assert size <= 250_000, (folder, page, size)
        assert f'href="{folder.relative_to(site / "embed").as_posix()}/table.html"' in index
    # The same indicator and period per gemeente and per provincie are two entries that say which is which.
    assert (
        "Taakstelling · 2016 1e helft (per gemeente)" in index
        and "Taakstelling · 2016 1e helft (per provincie)" in index
    )
    chart = json.loads((site / "embed/realisatie_pct/provincie/2016HJ01/chart.json").read_text(encoding="utf-8"))
    assert all(text.endswith("%") for text in chart["data"][0]["text"])
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000  # once, for every embed
    assert not any("plotly" in p.name for p in (site / "embed").rglob("*.js"))


@pytest.fixture(scope="module")
def static_server(site: Path):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.browser
def test_chromium_reads_the_index_and_profiles_without_errors(static_server: str) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        errors: list[str] = []
        pages = (
            ("/index.html", 390),
            ("/gemeente/GM0363.html", 1280),
            ("/gemeente/GM1980.html", 390),
            ("/embed/taakstelling/gemeente/2016HJ01/map.html", 800),
            ("/embed/realisatie_pct/provincie/2016HJ01/chart.html", 390),
            ("/embed/coa_plaatsen/gemeente/2015-11-03/table.html", 390),
        )
        for path, width in pages:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto(static_server + path)
            results = Axe().run(page)
            serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
            assert serious == [], (path, serious)
            if path.endswith("map.html"):
                page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=30_000)
                assert page.locator(".js-plotly-plot .choroplethlocation").count() == 390  # gemeenten of 2016
            elif path == "/index.html":
                page.fill("#search", "dijk en")
                visible = page.locator("#gemeenten li:visible").all_inner_texts()
                assert visible == ["Dijk en Waard GM1980"]
                assert page.locator("#count").inner_text() == "1 / 342"
                page.fill("#search", "den haag")  # the name people use for 's-Gravenhage
                assert page.locator("#gemeenten li:visible").all_inner_texts() == ["'s-Gravenhage GM0518"]
                page.fill("#search", "sudwest")  # without the accent
                assert page.locator("#gemeenten li:visible").all_inner_texts() == ["Súdwest-Fryslân GM1900"]
            elif path.startswith("/gemeente/"):
                assert page.locator("table").count() >= 6
                if width == 390:  # a phone: each row a card, each figure under its column's name, nothing off-screen
                    wide = "() => [...document.querySelectorAll('.scroll')].filter(e => e.scrollWidth > e.clientWidth)"
                    assert page.evaluate(wide + ".length") == 0
                    first = "getComputedStyle(document.querySelector('table.cards td'), '::before').content"
                    assert page.evaluate(f"() => {first}") == '"Gemeente"'
            elif path.endswith("table.html"):
                assert page.locator("details[open] tbody tr").count() > 50
            page.close()
        browser.close()
    assert errors == []


@pytest.fixture(scope="module")
def factsheets(built_warehouse: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("factsheets")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard.publish", str(out), "--warehouse", str(built_warehouse), "--pdf",
         "--only", "GM0363,GM1980", "--live-url", LIVE],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.browser
@pytest.mark.parametrize("code, name", [("GM0363", "Amsterdam"), ("GM1980", "Dijk en Waard")])
def test_a_factsheet_is_one_a4_page_with_the_name_and_the_figures(
    factsheets: Path, built_warehouse: Path, code: str, name: str
) -> None:
    pdf = factsheets / "gemeente" / f"{code}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert 1 <= pages <= 2 and "pts (A4)" in info
    assert pdf.stat().st_size <= 500_000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    (population,) = sql(
        built_warehouse,
        """SELECT value FROM observation WHERE indicator_id = 'bevolking' AND region_code = ?
           ORDER BY period DESC LIMIT 1""",
        [code],
    )[0]
    assert f"{name} {code}" in text and fmt_number(population, "nl") in text
    assert "In het kort" in text and "In brief" not in text  # the Dutch half
    assert f'href="{code}.pdf"' in (factsheets / "gemeente" / f"{code}.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_an_unchanged_republish_prints_nothing(factsheets: Path, built_warehouse: Path) -> None:
    from dashboard.publish.site import publish

    pdf = factsheets / "gemeente" / "GM0363.pdf"
    before = pdf.stat().st_mtime_ns
    state = factsheets / "site.json"
    state.write_text(state.read_text(encoding="utf-8").replace('"code": "', '"code": "x'), encoding="utf-8")
    report = publish(built_warehouse, factsheets, live_url=LIVE, codes=["GM0363", "GM1980"], pdf=True)
    assert report.written == [] and pdf.stat().st_mtime_ns == before
    # A changed stylesheet changes how every factsheet prints: all of them are printed again.
    css = factsheets / "assets" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "/* old */", encoding="utf-8")
    state.write_text(state.read_text(encoding="utf-8").replace('"code": "', '"code": "y'), encoding="utf-8")
    state.write_text(
        state.read_text(encoding="utf-8").replace('"assets/site.css": "', '"assets/site.css": "z'), encoding="utf-8"
    )
    report = publish(built_warehouse, factsheets, live_url=LIVE, codes=["GM0363", "GM1980"], pdf=True)
    assert sorted(report.written) == ["assets/site.css", "gemeente/GM0363.pdf", "gemeente/GM1980.pdf"]


def test_a_profile_draws_a_small_trend_with_the_warehouses_first_and_last_figure(
    site: Path, built_warehouse: Path
) -> None:
    """Amsterdam's population from the first to the latest year, as a line the screen reader reads in words."""
    first, last = sql(
        built_warehouse,
        """SELECT arg_min(value, period), arg_max(value, period) FROM observation
           WHERE indicator_id = 'bevolking' AND region_code = 'GM0363' AND period_type = 'year'""",
    )[0]
    years = sql(
        built_warehouse,
        """SELECT min(year(period)), max(year(period)) FROM observation
           WHERE indicator_id = 'bevolking' AND region_code = 'GM0363' AND period_type = 'year'""",
    )[0]
    page = (site / "gemeente" / "GM0363.html").read_text(encoding="utf-8")
    label = f"Inwoners: van {fmt_number(first, 'nl')} in {years[0]} naar {fmt_number(last, 'nl')} in {years[1]}"
    assert f'role="img" aria-label="{label}"' in page and f"<title>{label}</title>" in page
    points = re.search(r'aria-label="Inwoners: van[^"]*"><title>[^<]*</title><polyline[^>]*points="([^"]+)"', page)[1]
    held = sql(
        built_warehouse,
        """SELECT 1 FROM observation WHERE indicator_id = 'bevolking' AND region_code = 'GM0363'
           AND period_type = 'year'""",
    )
    assert len(points.split()) == len(held)
    # Placed in time: the gap from the first year to the second is as wide as the years between them.
    x = [float(point.split(",")[0]) for point in points.split()]
    (gap_years,) = sql(
        built_warehouse,
        """SELECT (list_sort(list(DISTINCT year(period)))[2] - min(year(period)))
                  / (max(year(period)) - min(year(period)))
           FROM observation WHERE indicator_id = 'bevolking' AND region_code = 'GM0363' AND period_type = 'year'""",
    )[0]
    assert (x[1] - x[0]) / (x[-1] - x[0]) == pytest.approx(gap_years, abs=0.01)
    # Its table alternative: every point, in words.
    trend = re.search(r'<details class="trend-table">(.*?)</details>', page, flags=re.S)[1]
    assert f'<th scope="row">{years[0]}</th><td>{fmt_number(first, "nl")}</td>' in trend
    assert trend.count("<tr>") == len(held) + 1
    # A table without any line has no empty trend column.
    opvang = re.search(r"<caption>Opvang</caption>(.*?)</table>", page, flags=re.S)[1]
    assert "Verloop" not in opvang


def test_embed_tables_name_periods_as_readers_do_and_charts_say_they_show_the_top(site: Path) -> None:
    national = (site / "embed/asielverzoeken_en_nareizigers/land/table.html").read_text(encoding="utf-8")
    assert '<th scope="col">Periode</th>' in national and '<th scope="row">1975</th>' in national
    assert "1975-01-01" not in national
    assert "Per 1.000 inwoners" not in national  # a count without rates has no empty rate column
    rates = (site / "embed/opvang_plaatsen_beloofd/gemeente/2015-11-03/table.html").read_text(encoding="utf-8")
    assert "Per 1.000 inwoners" in rates
    chart = (site / "embed/taakstelling/gemeente/2016HJ01/chart.html").read_text(encoding="utf-8")
    assert "De 15 hoogste van 390; de kaart en de tabel tonen ze allemaal." in chart
    provincies = (site / "embed/taakstelling/provincie/2016HJ01/chart.html").read_text(encoding="utf-8")
    assert "De 15 hoogste" not in provincies


def test_a_peer_median_of_one_or_two_gemeenten_says_how_few(site: Path) -> None:
    """TNO's list names few small gemeenten: Schiermonnikoog's 'similar gemeenten' for promised places is
    Blaricum alone, and the table must not present it as a median of a class."""
    page = sections((site / "gemeente" / "GM0088.html").read_text(encoding="utf-8"))["nl"]
    row = re.search(r"Toegezegde opvangplaatsen \(2015\)</th>(.*?)</tr>", page, flags=re.S)[1]
    assert "193,30 (n=1)" in row
