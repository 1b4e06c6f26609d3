"""The static edition: a profile page per current gemeente, an index with search and a sitemap, written from the
warehouse with the same data and formatting code as the live dashboard, for any static host or CDN.

Incremental: ``site.json`` records the warehouse's fingerprint, this code's and every file's checksum. When
neither changed, publishing does nothing; otherwise every page is made again in memory and only files whose
bytes differ are written.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
from jinja2 import Environment, FileSystemLoader, select_autoescape
from plotly.offline import get_plotlyjs

from dashboard import data, profile_table
from dashboard.db import Warehouse
from dashboard.downloads import csv_bytes
from dashboard.i18n import fmt_age, fmt_number, fmt_value, period_label, t
from dashboard.publish import embeds
from dashboard.publish.spark import sparkline
from dashboard.publish.summary import sentences
from dashboard.sources import source_line

HERE = Path(__file__).resolve().parent
STATE = "site.json"
THEMES = ("context", "opvang", "huisvesting", "integratie")
# Official CBS names that readers search for by another name.
ALSO_KNOWN_AS = {"'s-Gravenhage": "Den Haag", "'s-Hertogenbosch": "Den Bosch"}
COLUMNS = ("indicator", "gemeente", "provincie", "peers", "nederland", "period", "age", "basis", "trend")
MIN_TREND = 3  # periods before a line says something


@dataclass
class Report:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: bool = False  # nothing changed since the last publish
    seconds: float = 0.0


def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(HERE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(HERE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def publish(
    warehouse: Path,
    out: Path,
    *,
    base_url: str | None = None,
    live_url: str | None = None,
    codes: list[str] | None = None,
    today: date | None = None,
    pdf: bool = False,
) -> Report:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(warehouse)
    try:
        fingerprint = {
            "warehouse": data.build_info(wh).get("fingerprint", ""),
            "code": code_fingerprint(),
            "options": [base_url, live_url, codes, pdf],
        }
        state = _read_state(out)
        if state.get("fingerprint") == fingerprint and all((out / p).exists() for p in state.get("files", {})):
            return Report(skipped=True, seconds=time.perf_counter() - started)
        files = _render(wh, base_url, live_url, codes, today or date.today(), pdf)
    finally:
        wh.close()
    report = Report()
    checksums = {}
    for rel, content in files.items():
        checksums[rel] = hashlib.sha256(content).hexdigest()
        target = out / rel
        if state.get("files", {}).get(rel) == checksums[rel] and target.exists():
            report.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        report.written.append(rel)
    if pdf:
        # A factsheet is printed again only when its profile page or the stylesheet changed (or it is missing).
        restyled = "assets/site.css" in report.written
        stale = [
            rel
            for rel in files
            if rel.startswith("gemeente/")
            and rel.endswith(".html")
            and (restyled or rel in report.written or not (out / rel.replace(".html", ".pdf")).exists())
        ]
        from dashboard.publish.pdf import print_pdfs

        for rel, content in print_pdfs(out, stale).items():
            (out / rel).write_bytes(content)
            report.written.append(rel)
        for rel in files:
            if rel.endswith(".html") and rel.startswith("gemeente/"):
                target = rel.replace(".html", ".pdf")
                checksums[target] = hashlib.sha256((out / target).read_bytes()).hexdigest()
                report.unchanged += target not in report.written
        files = {**files, **{rel: b"" for rel in checksums if rel.endswith(".pdf")}}
    for rel in set(state.get("files", {})) - set(files):
        (out / rel).unlink(missing_ok=True)  # a gemeente that no longer exists
    (out / STATE).write_text(json.dumps({"fingerprint": fingerprint, "files": checksums}, indent=1), encoding="utf-8")
    report.seconds = time.perf_counter() - started
    return report


def _read_state(out: Path) -> dict:
    try:
        return json.loads((out / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "xml"]))


def current_gemeenten(wh: Warehouse) -> pl.DataFrame:
    """code, name of every gemeente of the latest year the warehouse knows."""
    options = data.region_options(wh, "gemeente")
    return options.filter(pl.col("last_year") == options["last_year"].max()).select("code", "name").sort("name")


def _render(
    wh: Warehouse, base_url: str | None, live_url: str | None, codes, today: date, pdf: bool
) -> dict[str, bytes]:
    env = _environment()
    gemeenten = current_gemeenten(wh)
    if codes:
        gemeenten = gemeenten.filter(pl.col("code").is_in(codes))
    built = data.build_info(wh).get("built_at", "")[:10]
    files: dict[str, bytes] = {
        "assets/site.css": (HERE / "static" / "site.css").read_bytes(),
        "assets/search.js": (HERE / "static" / "search.js").read_bytes(),
        "assets/embed.js": (HERE / "static" / "embed.js").read_bytes(),
        # Plotly once for every embed, and the empty base map it asks for even when the base map is hidden.
        "assets/plotly.min.js": get_plotlyjs().encode(),
        "assets/world_110m.json": (HERE.parents[1] / "static" / "world_110m.json").read_bytes(),
    }
    entries = gemeenten.to_dicts()
    for entry in entries:  # the name people search for where the official one differs
        entry["also_known_as"] = ALSO_KNOWN_AS.get(entry["name"], "")
    files["index.html"] = env.get_template("index.html").render(gemeenten=entries, built=built).encode()
    for gemeente in entries:
        page, csv = _profile(wh, env, gemeente, live_url, built, today, pdf)
        files[f"gemeente/{gemeente['code']}.html"] = page
        files[f"gemeente/{gemeente['code']}.csv"] = csv
    if not codes:
        files.update(embeds.render(wh, env, live_url, built))
    if base_url:
        urls = ["", *(f"gemeente/{g['code']}.html" for g in entries)]
        sitemap = env.get_template("sitemap.xml").render(base=base_url.rstrip("/"), urls=urls, day=built)
        files["sitemap.xml"] = sitemap.encode()
    return files


def _profile(wh: Warehouse, env: Environment, gemeente: dict, live_url: str | None, built: str, today: date, pdf: bool):
    code, name = gemeente["code"], gemeente["name"]
    profile = data.profile(wh, code)
    indicators = data.indicators(wh)
    sources = data.source_index(wh)
    languages = {}
    for lang in ("nl", "en"):
        rows = profile_table.profile_rows(profile, indicators, lang)
        for row in rows:
            row["age"] = fmt_age(row["figure_day"], today, lang)
            row["trend"] = _trend(wh, code, row, lang)
            c = row["_comparison"]
            if c.peers is not None and c.peer_count < 3:
                # The live page shows n beside its headline; the static table has no headline, so a "median" of one
                # or two gemeenten (a selection names few) says how few here.
                row["peers"] += f" (n={c.peer_count})"
        themes = []
        for theme in THEMES:
            own = [r for r in rows if r["theme"] == theme]
            ids = [s for r in own for s in r["_comparison"].source_ids]
            people = [s for r in own for s in r["_comparison"].population_source_ids]
            themes.append(
                {
                    "title": t(f"Theme_{theme}", lang),
                    "rows": own,
                    "sources": source_line(ids, sources, lang, population_ids=people) if own else "",
                    "note": _formed_later(own, name, lang),
                    # Absolute rows compare with the mean per gemeente, as the headings alone do not say.
                    "mean_note": t("gm_mean_rows", lang) if any(r["_comparison"].basis == "abs" for r in own) else "",
                    "source_notes": profile_table.source_notes(own, lang),
                    # The trend column only where a row has a line: an empty column pushed a factsheet to two pages.
                    "columns": {c: _heading(c, lang) for c in COLUMNS if c != "trend" or any(r["trend"] for r in own)},
                }
            )
        languages[lang] = {
            "period_heading": t("period", lang),
            "themes": themes,
            "summary": sentences(name, rows, lang, today),
        }
    page = env.get_template("profile.html").render(
        code=code,
        name=name,
        lang=languages,
        live=f"{live_url.rstrip('/')}/gemeente?gm={code}" if live_url else None,
        built=built,
        pdf=pdf,
    )
    frame = profile_table.profile_frame(profile_table.profile_rows(profile, indicators, "nl"))
    # Numbers only, no text formatted for the page: "934.526" reads as 934,526 in a Dutch Excel but as 934.526
    # in an English one. The *_basis_value columns hold the compared figures.
    shown = ("gemeente", "provincie", "peers", "nederland")
    formatted = [c for c in frame.columns if c.endswith("_text") or c in shown]
    csv = csv_bytes(frame.drop(formatted) if frame.height else frame)
    return page.encode(), csv


def _trend(wh: Warehouse, code: str, row: dict, lang: str):
    """The gemeente's own figures of the row's indicator and period type, as a small line (or nothing)."""
    series = data.series(wh, row["indicator_id"], (code,), row["period_type"]).sort("period")
    if series.height < MIN_TREND or row["_comparison"].basis == "rate":
        return ""
    points = list(series.select("period", "value").iter_rows())
    unit = data.indicator_info(wh, row["indicator_id"]).get("unit", "")
    # The line's table alternative: every point in words, under the theme's table.
    row["trend_rows"] = [(period_label(p, row["period_type"], lang), fmt_value(v, unit, lang)) for p, v in points]
    (first, a), (last, b) = points[0], points[-1]
    label = t(
        "pub_trend",
        lang,
        indicator=row["indicator"],
        first=period_label(first, row["period_type"], lang),
        a=fmt_value(a, unit, lang),
        last=period_label(last, row["period_type"], lang),
        b=fmt_value(b, unit, lang),
    )
    return sparkline(points, label)


def _formed_later(rows: list[dict], name: str, lang: str) -> str:
    """The live page's note for a gemeente formed after the figures' year: whose figures were added up."""
    carried = next((r["_comparison"] for r in rows if r["_comparison"].predecessors and r["value"] is not None), None)
    if carried is None:
        return ""
    parts = ", ".join(
        label if weight > 0.995 else f"{label} ({fmt_number(weight * 100, lang)}%)"
        for _, label, weight in carried.predecessors
    )
    return t("gm_from_predecessors", lang, name=name, year=carried.period.year, parts=parts)


def _heading(column: str, lang: str) -> str:
    keys = {
        "indicator": "indicator",
        "gemeente": "gm_compare_gm",
        "provincie": "gm_compare_pv",
        "peers": "gm_compare_peer",
        "nederland": "gm_compare_nl",
        "period": "period",
        "age": "pub_age",
        "basis": "gm_basis",
        "trend": "pub_trend_column",
    }
    return t(keys[column], lang)
