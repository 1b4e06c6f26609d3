"""What every page needs before it renders, whether it runs under ``app.py`` (a browser) or alone (AppTest
switching pages): the language for this run and a readable warehouse, else the instructions to build it."""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.db import BUILD_COMMAND, warehouse_path
from dashboard.i18n import t
from dashboard.ui import cache


def warehouse_problem() -> str | None:
    """None if the warehouse opens; else the label key of the message to show."""
    if cache.token() is None:
        return "no_warehouse_body"
    try:
        cache.get(data.build_info)
    except Exception:  # a half-written or foreign file: explain, never show a traceback
        return "broken_warehouse"
    return None


def build_instructions(key: str, lang: str) -> None:
    st.title(t("no_warehouse_title", lang))
    st.markdown(t(key, lang, path=warehouse_path()))
    st.code(BUILD_COMMAND, language="bash")
    st.markdown(t("no_warehouse_after", lang))
