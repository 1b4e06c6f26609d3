"""Every UI label in Dutch and English, plus the language-dependent number and period formats.

Indicator labels and definitions come from the warehouse's ``indicator`` table; everything else the pages
say comes from ``texts.toml`` beside this module (``LABELS``, ``GLOSSARY``), so a translation is one place to
edit.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date
from pathlib import Path

from babel.dates import format_timedelta, get_month_names
from babel.numbers import format_decimal

from contract.periods import label as cbs_label

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"


def _load_texts(path: Path) -> tuple[dict[str, tuple[str, str]], tuple[tuple[str, str, str, str], ...]]:
    """``texts.toml`` -> the labels (key -> (Dutch, English)) and the glossary (term and definition, both
    languages). A key without both languages stops the import with the key named."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    glossary = tuple(
        (row["term_nl"], row["term_en"], row["definition_nl"], row["definition_en"]) for row in raw.pop("glossary")
    )
    labels = {}
    for key, text in raw.items():
        if set(text) != {"nl", "en"}:
            raise ValueError(f"{path.name}: label {key!r} needs exactly nl and en, has {sorted(text)}")
        labels[key] = (text["nl"], text["en"])
    return labels, glossary


LABELS, GLOSSARY = _load_texts(Path(__file__).with_name("texts.toml"))

# Babel's locale data: Dutch as written in the Netherlands, English as in the United Kingdom (day month year).
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def _month(start: date, lang: str) -> str:
    return get_month_names("wide", locale=LOCALES[lang])[start.month]


def t(key: str, lang: str = DEFAULT_LANG, **fields: object) -> str:
    """The label for ``key`` in ``lang``, with ``{fields}`` filled in."""
    nl, en = LABELS[key]
    text = en if lang == "en" else nl
    return text.format(**fields) if fields else text


def period_label(start: date, period_type: str, lang: str = DEFAULT_LANG) -> str:
    """CBS style in Dutch ('2016 1e helft'); the same pattern in English ('2016 1st half')."""
    if lang != "en":
        return cbs_label(start, period_type)
    if period_type == "year":
        return str(start.year)
    if period_type == "half":
        return f"{start.year} {'1st' if start.month < 7 else '2nd'} half"
    if period_type == "quarter":
        quarter = (start.month - 1) // 3 + 1
        return f"{start.year} {('1st', '2nd', '3rd', '4th')[quarter - 1]} quarter"
    if period_type == "month":
        return f"{start.year} {_month(start, lang)}"
    if period_type == "day":
        return f"{start.day} {_month(start, lang)} {start.year}"
    raise ValueError(f"unknown period type {period_type!r}")


def fmt_number(value: float | None, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """12345.6 -> '12.346' (nl) or '12,346' (en); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES.get(lang, LOCALES[DEFAULT_LANG]))


def fmt_value(value: float | None, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A value in its unit: percentages with one decimal and a % sign, counts as whole numbers."""
    if unit == "procent":
        text = fmt_number(value, lang, 1)
        return text if text == "–" else f"{text}%"
    return fmt_number(value, lang, 0)


def fmt_rate(value: float | None, lang: str = DEFAULT_LANG) -> str:
    return fmt_number(value, lang, 2)


def fmt_age(since: date, today: date, lang: str = DEFAULT_LANG) -> str:
    """How long ago ``since`` is, in the reader's language: '10 jaar geleden' / '10 years ago' (Babel)."""
    return format_timedelta(since - today, threshold=1.0, add_direction=True, locale=LOCALES[lang])


def fmt_date(day: date | None, lang: str = DEFAULT_LANG) -> str:
    if day is None:
        return "–"
    return period_label(day, "day", lang)


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    key = f"unit_{unit}"
    return t(key, lang) if key in LABELS else unit


def level_label(level: str, lang: str = DEFAULT_LANG) -> str:
    key = f"level_{level}"
    return t(key, lang) if key in LABELS else level
