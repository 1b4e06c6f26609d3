"""Streamlit widgets shared by the pages: URL-synced selectors, source lines, downloads, map + table.

URL state works like this: a query parameter that differs from the value this session last wrote is a new
instruction (a shared link, ``st.page_link`` with parameters) and is whitelisted through ``dashboard.state``;
otherwise the widget keeps the user's choice. After each widget the value is written back to the URL, so
the address bar always reproduces the view.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlencode

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import navigation, state
from dashboard.downloads import csv_bytes
from dashboard.figures import separators
from dashboard.i18n import DEFAULT_LANG, t

PLOTLY_CONFIG = {
    "scrollZoom": False,
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    # Plotly fetches a base-map topology even when the base map is hidden; serve an empty one ourselves
    # (relative URL, so it also works under a server.baseUrlPath).
    "topojsonURL": "app/static/",
}


def lang() -> str:
    return st.session_state.get("_val_lang", DEFAULT_LANG)


def page_name() -> str:
    return st.session_state.get("_page", "app")


FRAME_FLAG = "_ran_through_app"


def _leave_pages_directory_mode() -> None:
    """Run every page through app.py.

    Streamlit treats a ``pages/`` folder next to the entrypoint as its old multipage mode until some script has
    called ``st.navigation`` in this process (``dashboard.ui.serve`` does so before the first reader). Under a
    plain ``streamlit run app.py`` the first visits can still run a page without app.py: a menu of file names,
    no language switch. app.py sets ``FRAME_FLAG`` on every run; a page that finds it missing calls
    ``st.navigation`` itself (which ends the old mode for the whole process) and reruns once through app.py.
    """
    if st.session_state.pop(FRAME_FLAG, False):
        st.session_state.pop("_frame_retry", None)
        return
    if st.session_state.get("_frame_retry"):
        return  # tried once already: render the page on its own rather than loop
    st.session_state["_frame_retry"] = True
    from dashboard.ui import menu

    # The real page list, hidden: the rerun resolves the same URL path, now through app.py.
    st.navigation(menu.pages(lang()), position="hidden")
    st.rerun()


def end_pages_directory_mode() -> None:
    """Call ``st.navigation`` once with a hidden placeholder page: Streamlit's documented way to leave the
    pages-directory mode (every later run executes app.py, whose own ``st.navigation`` draws the menu)."""
    st.navigation([st.Page(_no_page, title="Ketenmonitor", url_path="ketenmonitor-start")], position="hidden")


def _no_page() -> None:
    """The placeholder page ``end_pages_directory_mode`` registers; it never runs."""


def start_page(
    page: str, title_key: str | None, intro_key: str | None = None, params: Sequence[str] = (), **fields: object
) -> str:
    """Remember which page runs (widget keys are per page), settle the language, check the warehouse, drop
    URL parameters the page does not use, show its title and intro; return the language."""
    _leave_pages_directory_mode()
    st.session_state["_page"] = page
    resolve_lang()  # idempotent: app.py did it already unless the page runs on its own
    show_message(st.session_state.pop("_lang_message", None))
    from dashboard.ui.frame import build_instructions, warehouse_problem

    problem = warehouse_problem()
    if problem:
        build_instructions(problem, lang())
        st.stop()
    unknown = set(params) - set(state.PARAMS)
    if unknown:
        raise ValueError(f"page {page!r} names query parameters missing from dashboard.state.PARAMS: {unknown}")
    for name in state.PARAMS:
        if name not in params and name in st.query_params:
            del st.query_params[name]
    if title_key is None:
        return lang()
    st.title(t(title_key, lang()))
    if intro_key:
        st.markdown(t(intro_key, lang(), **fields))
    return lang()


def show_message(message: state.Message | None) -> None:
    if message is not None:
        st.warning(t(message.key, lang(), **message.fields), icon=":material/info:")


def incoming(name: str) -> str | None:
    """The URL value of ``name`` if it is new to this session (not what we wrote last), else None."""
    raw = st.query_params.get(name)
    if raw is None or raw == st.session_state.get(f"_url_{name}"):
        return None
    return raw


def remember(name: str, value: str | None, write_url: bool = True) -> None:
    st.session_state[f"_val_{name}"] = value
    if not write_url:
        return
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
        st.session_state.pop(f"_url_{name}", None)
        return
    if st.query_params.get(name) != value:
        st.query_params[name] = value
    st.session_state[f"_url_{name}"] = value


def resolve(
    name: str,
    options: Sequence[str],
    default: str | None,
    message_key: str,
    *,
    shown: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    upper: bool = False,
) -> tuple[str | None, bool]:
    """The value for ``name``: a new URL value (whitelisted, with a message if rejected), else this session's
    last value if still on offer, else ``default``. Returns (value, came_from_url)."""
    raw = incoming(name)
    if raw is not None:
        choice = state.pick(raw, options, default, message_key, shown=shown, aliases=aliases, upper=upper)
        show_message(choice.message)
        return choice.value, True
    current = st.session_state.get(f"_val_{name}")
    return (current if current in options else default), False


def select(
    name: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    default: str | None,
    message_key: str,
    *,
    shown: Mapping[str, str] | None = None,
    aliases: Mapping[str, str] | None = None,
    upper: bool = False,
    help: str | None = None,
    kind: str = "selectbox",
    container=None,
) -> str | None:
    """A selector bound to the URL parameter ``name``; options are whitelisted tokens."""
    options = list(options)
    if not options:
        remember(name, None)
        return None
    value, from_url = resolve(name, options, default, message_key, shown=shown, aliases=aliases, upper=upper)
    key = f"w_{page_name()}_{name}"
    if from_url or st.session_state.get(key) not in options:
        st.session_state[key] = value
    where = container or st
    if kind == "radio":
        chosen = where.radio(label, options, format_func=format_func, key=key, help=help, horizontal=True)
    elif kind == "segmented":
        chosen = where.segmented_control(label, options, format_func=format_func, key=key, help=help, required=True)
    else:
        chosen = where.selectbox(label, options, format_func=format_func, key=key, help=help)
    chosen = chosen if chosen in options else value
    remember(name, chosen)
    return chosen


def multiselect(
    name: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    default: Sequence[str],
    message_key: str,
    *,
    limit: int = state.MAX_COMPARE,
    aliases: Mapping[str, str] | None = None,
    help: str | None = None,
) -> list[str]:
    """Up to ``limit`` values, bound to a comma-separated URL parameter."""
    options = list(options)
    key = f"w_{page_name()}_{name}"
    raw = incoming(name)
    if raw is not None:
        choice = state.pick_many(raw, options, list(default), message_key, limit=limit, aliases=aliases)
        for message in choice.messages:
            show_message(message)
        st.session_state[key] = list(choice.values)
    elif key not in st.session_state or not set(st.session_state[key]) <= set(options):
        current = st.session_state.get(f"_val_{name}")
        kept = [c for c in (current or "").split(",") if c in options][:limit]
        st.session_state[key] = kept or [d for d in default if d in options]
    chosen = st.multiselect(label, options, format_func=format_func, key=key, max_selections=limit, help=help)
    remember(name, state.join_many(chosen))
    return list(chosen)


def resolve_lang() -> str:
    """The language for this run, before any page renders: a new ``lang`` URL value, else the switch."""
    raw = incoming("lang")
    if raw is not None:
        choice = state.pick(raw.lower(), ["nl", "en"], DEFAULT_LANG, "msg_unknown_lang")
        value = choice.value
        st.session_state["_lang_message"] = choice.message
        st.session_state["w_lang"] = value == "en"
    elif "w_lang" in st.session_state:
        value = "en" if st.session_state["w_lang"] else "nl"
    else:
        value = st.session_state.get("_val_lang", DEFAULT_LANG)
    st.session_state["_val_lang"] = value
    if value == DEFAULT_LANG:
        if "lang" in st.query_params:
            del st.query_params["lang"]
        st.session_state["_url_lang"] = None
    else:
        st.query_params["lang"] = value
        st.session_state["_url_lang"] = value
    return value


def lang_toggle(container=None) -> None:
    """The language switch; its value is read by ``resolve_lang`` at the start of the next run."""
    st.session_state["w_lang"] = lang() == "en"
    (container or st).toggle(t("lang_switch", "en"), key="w_lang", help=t("lang_help", lang()))


def current_params(names: Sequence[str]) -> dict[str, str]:
    """The page's state as query parameters (what ``remember`` wrote)."""
    params = {n: st.session_state.get(f"_val_{n}") for n in names}
    if lang() != DEFAULT_LANG:
        params["lang"] = lang()
    return {k: v for k, v in params.items() if v}


def share_url(page: str, params: Mapping[str, str]) -> str:
    """An absolute link when the browser told us its address, else a path link."""
    base = st.context.url or ""
    if base:
        root = base.split("?")[0].rstrip("/")
        parts = root.split("/")
        if parts and parts[-1] in navigation.PATHS:
            parts = parts[:-1]
        root = "/".join(parts)
    else:
        root = ""
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{root}/{page}" + (f"?{query}" if query else "")


def source_line(text: str) -> None:
    if text:
        st.caption(text)


def download(
    frame: pl.DataFrame | Callable[[], pl.DataFrame], file_name: str, key: str, label: str | None = None
) -> None:
    """A CSV download button. The file is written when the reader clicks (Streamlit runs the callable in a
    worker thread), not on every run of the page."""
    st.download_button(
        label or t("download_csv", lang()),
        data=lambda: csv_bytes(frame() if callable(frame) else frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        help=t("download_help", lang()),
        on_click="ignore",
        icon=":material/download:",
    )


def figure(fig: go.Figure, key: str, alt: str | None = None) -> None:
    fig.update_layout(separators=separators(lang()))
    st.plotly_chart(fig, key=key, config=PLOTLY_CONFIG, width="stretch", alt=alt)


# Decimals a number column is rounded to: whole counts, rates per 1,000 with two, percentages with one.
DECIMALS = {"int": 0, "rate": 2, "pct": 1}


def value_kind(unit: str) -> str:
    """The table column kind of a value in ``unit``: a percentage, else a count."""
    return "pct" if unit == "procent" else "int"


def table(frame: pl.DataFrame, columns: Mapping[str, tuple[str, str]], key: str, height: int | str = "auto") -> None:
    """Show ``columns`` {name: (label, kind)} of ``frame``; kind: text | int | rate | pct | date | link.

    Numbers are rounded here. On a Dutch page they are shown in the browser's own format (``localized``: 445,5 in
    a Dutch browser), on an English page always as 1,234.5; a percentage says '%' in its header, since a printf
    pattern would write 445.5% in every language.
    """
    present = [c for c in columns if c in frame.columns]
    config = {}
    english = lang() == "en"
    for column in present:
        label, kind = columns[column]
        if kind in DECIMALS:
            shown_label = f"{label} (%)" if kind == "pct" and "%" not in label else label
            # Dutch: the browser's own format (1.234,5 in a Dutch browser; a printf pattern cannot write a
            # decimal comma). English: always 1,234.5, also in a Dutch browser.
            decimals = DECIMALS[kind]
            number_format = (f"%,.{decimals}f" if decimals else "%,d") if english else "localized"
            config[column] = st.column_config.NumberColumn(shown_label, format=number_format)
        elif kind == "date":
            config[column] = st.column_config.DateColumn(label)
        elif kind == "link":
            config[column] = st.column_config.LinkColumn(label)
        else:
            # The region's name stays in view when a phone scrolls the figures sideways.
            config[column] = st.column_config.TextColumn(label, pinned=True if column == "name" else None)
    shown = frame.select(present).with_columns(
        pl.col(c).round(DECIMALS[columns[c][1]])
        for c in present
        if columns[c][1] in DECIMALS and frame.schema[c].is_numeric()
    )
    # As Arrow, which Streamlit serialises directly; a polars frame would go through pandas on the script thread.
    st.dataframe(shown.to_arrow(), column_config=config, hide_index=True, key=key, height=height, width="stretch")


def static_site() -> str | None:
    """The address of the published static edition (``$KETEN_STATIC_URL``), if the operator configured one."""
    import os

    url = os.environ.get("KETEN_STATIC_URL", "").strip().rstrip("/")
    return url or None


def gap_list(gaps: pl.DataFrame, lang_: str) -> str:
    """Markdown bullets: who publishes what would fill a gap, with a link."""
    topic = "topic_en" if lang_ == "en" else "topic_nl"
    return "\n".join(f"- **{g['publisher']}**, [{g['source_title']}]({g['url']}): {g[topic]}" for g in gaps.to_dicts())


def empty_state(message: str, gaps: pl.DataFrame, extra: str | None = None) -> None:
    """No data: say so, name who publishes what would fill it (with links), never a placeholder figure."""
    lang_ = lang()
    lines = [message]
    if extra:
        lines.append(extra)
    if gaps.height:
        lines.append(t("would_fill" if gaps.height == 1 else "would_fill_many", lang_))
        lines.append(gap_list(gaps, lang_))
    st.info("\n".join(lines), icon=":material/search_off:")
