"""The one-line source under every figure: publisher, table or document, reference date, status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dashboard.i18n import fmt_date, t


def describe(row: dict, lang: str = "nl") -> str:
    """'CBS, Asielverzoeken en nareizigers; nationaliteit (80059NED), peildatum 31 december 2018, officieel'."""
    title = row["title"]
    if row.get("table_id") and row["table_id"] not in title:
        title = f"{title} ({row['table_id']})"
    parts = [row["publisher"], title]
    if row.get("reference_date") is not None:
        parts.append(f"{t('reference_date', lang)} {fmt_date(row['reference_date'], lang)}")
    parts.append(t(f"status_{row['status']}", lang))
    return ", ".join(parts)


def _rows(ids: Iterable[str], sources: Mapping[str, dict]) -> list[dict]:
    return [sources[i] for i in dict.fromkeys(ids) if i in sources]


def source_line(
    value_ids: Iterable[str],
    sources: Mapping[str, dict],
    lang: str = "nl",
    *,
    population_ids: Iterable[str] = (),
    boundary_ids: Iterable[str] = (),
    derived: bool = False,
) -> str:
    """Markdown-free text: the value sources, then the population and boundary sources if used; empty when
    none of the ids is a known source (nothing shown, rather than a bare "Bron: .")."""
    parts = ["; ".join(describe(row, lang) for row in _rows(value_ids, sources))]
    if derived:
        parts[0] += f"; {t('derived_total', lang)}"
    population = _rows(population_ids, sources)
    if population:
        parts.append(f"{t('population_source', lang)}: " + "; ".join(describe(r, lang) for r in population))
    boundaries = _rows(boundary_ids, sources)
    if boundaries:
        parts.append(f"{t('boundaries', lang)}: " + "; ".join(describe(r, lang) for r in boundaries))
    shown = [p for p in parts if p]
    return f"{t('source', lang)}: " + ". ".join(shown) + "." if shown else ""
