"""The label catalogue, number and period formats, palettes, and the package boundary (pure)."""

from __future__ import annotations

import ast
import string
import tomllib
from datetime import date
from pathlib import Path

import pytest

from contract.periods import label as cbs_label
from dashboard import i18n, palette

REPO = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.LABELS))
def test_every_label_has_both_languages_with_the_same_fields(key: str) -> None:
    nl, en = i18n.LABELS[key]
    assert nl.strip() and en.strip()
    assert _fields(nl) == _fields(en)


def test_glossary_covers_the_terms_the_issue_names() -> None:
    terms = " ".join(nl for nl, _, _, _ in i18n.GLOSSARY)
    for term in (
        "asielzoeker",
        "statushouder",
        "vergunninghouder",
        "nareiziger",
        "taakstelling",
        "gecorrigeerde taakstelling",
        "achterstand",
        "voorsprong",
        "noodopvang",
        "COA",
    ):
        assert term in terms
    assert all(d_nl and d_en for _, _, d_nl, d_en in i18n.GLOSSARY)


def test_every_coa_location_group_has_a_label() -> None:
    """The Opvang legend labels each group the ETL can produce; an unlabelled one would be a KeyError."""
    from etl.parsers.coa import TYPE_GROUPS

    for group in set(TYPE_GROUPS.values()):
        assert i18n.t(f"tg_{group}", "nl") and i18n.t(f"tg_{group}", "en") != f"tg_{group}"


def test_pages_only_use_known_label_keys() -> None:
    """Every literal key passed to t() in the app exists (a missing key would raise on screen)."""
    used = set()
    for path in [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "dashboard").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    assert used, "no t() calls found"
    assert used <= set(i18n.LABELS), used - set(i18n.LABELS)


def test_number_formats() -> None:
    assert i18n.fmt_number(18044027, "nl") == "18.044.027"
    assert i18n.fmt_number(18044027, "en") == "18,044,027"
    assert i18n.fmt_number(2.2176, "nl", 2) == "2,22"
    assert i18n.fmt_value(77.396, "procent", "nl") == "77,4%"
    assert i18n.fmt_value(None, "procent", "nl") == "–"
    assert i18n.fmt_number(float("nan")) == "–"


@pytest.mark.parametrize(
    ("start", "kind"),
    [
        (date(2016, 1, 1), "year"),
        (date(2016, 7, 1), "half"),
        (date(2018, 4, 1), "quarter"),
        (date(2024, 3, 1), "month"),
        (date(2015, 11, 1), "day"),
    ],
)
def test_dutch_periods_are_the_cbs_labels(start: date, kind: str) -> None:
    assert i18n.period_label(start, kind, "nl") == cbs_label(start, kind)
    assert i18n.period_label(start, kind, "en")


def test_english_periods() -> None:
    assert i18n.period_label(date(2016, 1, 1), "half", "en") == "2016 1st half"
    assert i18n.period_label(date(2024, 3, 1), "month", "en") == "2024 March"
    assert i18n.period_label(date(2015, 11, 1), "day", "en") == "1 November 2015"


def test_config_palettes_equal_the_figure_palettes() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    theme = config["theme"]
    assert tuple(theme["chartCategoricalColors"]) == palette.CATEGORICAL
    assert tuple(theme["chartSequentialColors"]) == palette.SEQUENTIAL
    assert tuple(theme["chartDivergingColors"]) == palette.DIVERGING
    assert len(palette.SEQUENTIAL) == len(palette.DIVERGING) == 10  # Streamlit ignores lists of another length
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableStaticServing"] is True


def test_empty_base_map_is_served_locally() -> None:
    """Plotly asks for a base-map topology even with the base map hidden; ours is local and empty."""
    import json

    topo = json.loads((REPO / "static" / "world_110m.json").read_text())
    assert topo["type"] == "Topology" and topo["arcs"] == []
    assert all(not obj["geometries"] for obj in topo["objects"].values())


def test_streamlit_is_imported_only_in_dashboard_ui() -> None:
    offenders = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        if "ui" in path.relative_to(REPO / "dashboard").parts[:-1]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "streamlit" or n.startswith("streamlit.") or n.startswith("dashboard.ui") for n in names):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_sql_is_parameterised() -> None:
    """No f-string or concatenation puts a runtime value into SQL text in dashboard/db.py."""
    tree = ast.parse((REPO / "dashboard" / "db.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            names = {
                n.id
                for v in node.values
                if isinstance(v, ast.FormattedValue)
                for n in ast.walk(v.value)
                if isinstance(n, ast.Name)
            }
            assert names <= {"_LEVEL_SQL", "_WITH_RATES"}, names


def test_english_catalogue_texts_use_english_region_words() -> None:
    """The English interface says municipality and province, not 'per gemeente' (an English leftover a reader hit)."""
    import re

    from etl.catalogue import DATA_GAPS, INDICATORS

    dutch = re.compile(r"\b(gemeente|gemeenten|provincie|provincies)\b", re.IGNORECASE)
    texts = [(i.id, i.label_en) for i in INDICATORS] + [(i.id, i.definition_en) for i in INDICATORS]
    texts += [(g.theme, g.topic_en) for g in DATA_GAPS]
    assert [(key, text) for key, text in texts if dutch.search(text)] == []
