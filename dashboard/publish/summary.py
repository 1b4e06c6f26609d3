"""The plain-language summary of a gemeente profile, in Dutch (B1: short sentences, everyday words) and English.

Made from the profile table's own rows by templates: every number in the text is a cell of the table (a test
checks it), so the summary can never say a figure the page does not show. Where a theme has no figure for the
gemeente, the summary says so instead of guessing.
"""

from __future__ import annotations

from datetime import date

from dashboard.i18n import fmt_age, t

THEMES = ("opvang", "huisvesting", "integratie", "context")

THEME_KEYS = {"context": "cov_theme_context", "opvang": "Theme_opvang", "huisvesting": "Theme_huisvesting"}


def sentences(name: str, rows: list[dict], lang: str, today: date | None = None) -> list[tuple[str, str]]:
    """(theme title, its sentences) per theme: the theme's headline row, compared with the provincie, gemeenten
    of the same size and the country, and how old it is."""
    today = today or date.today()
    out = []
    for theme in THEMES:
        title = t(THEME_KEYS.get(theme, f"Theme_{theme}"), lang).capitalize()
        own = [r for r in rows if r["theme"] == theme]
        if not own:
            out.append((title, t("sum_none", lang, name=name)))
            continue
        row = _headline(theme, own)
        if row is None:
            out.append((title, t("sum_absent", lang, name=name)))
            continue
        c = row["_comparison"]
        # An absolute figure is compared with the mean per gemeente of the provincie and the country (the live
        # Gemeente page does the same): the text must not read as the provincie's total.
        mean = "_mean" if c.basis == "abs" else ""
        parts = [
            t(
                "sum_value_day" if row["period_type"] == "day" else "sum_value",
                lang,
                name=name,
                value=row["gemeente"],
                indicator=row["indicator"],
                basis=row["basis"],
                period=row["period"],
            ),
            t(f"sum_compare{mean}", lang, provincie=row["provincie"], peers=row["peers"], nederland=row["nederland"]),
        ]
        if c.national:
            ratio = c.gemeente / c.national
            verdict = "sum_higher" if ratio > 1.05 else "sum_lower" if ratio < 0.95 else "sum_same"
            parts.append(t(verdict + mean, lang))
        parts.append(t("sum_age", lang, age=fmt_age(row["figure_day"], today, lang)))
        out.append((title, " ".join(parts)))
    return out


def _headline(theme: str, rows: list[dict]) -> dict | None:
    """The row a theme's sentence is about: one with a figure for the gemeente, never a row the source is silent
    on while another row has a figure. For reception and housing a share or a rate comes first: an absolute
    target or capacity mostly says how big a gemeente is."""
    known = [r for r in rows if r["_comparison"].gemeente is not None]
    if theme in ("opvang", "huisvesting"):
        relative = [r for r in known if r["_comparison"].basis in ("pct", "rate")]
        known = relative or known
    return known[0] if known else None
