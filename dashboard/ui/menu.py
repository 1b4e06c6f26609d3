"""The app's pages as ``st.Page`` objects: the menu (``navigation.MENU``), the hidden embed view and the
hidden "/overzicht" alias of the home page. app.py navigates with them; a page that finds itself run outside
app.py registers the same list (same URL paths), so the rerun lands on the page the reader asked for."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.navigation import EMBED, HOME, MENU
from dashboard.ui import frame


def _internal_path(stem: str) -> str:
    """The home page answers at "/"; Streamlit still keys it by its url_path, which must differ from the
    hidden "/overzicht" alias."""
    return "home" if stem == HOME else stem


def _build_instructions(key: str, lang: str):
    def page() -> None:
        frame.build_instructions(key, lang)

    return page


def pages(lang: str, problem: str | None = None) -> list[st.Page]:
    """Every page; with a warehouse ``problem`` every path shows how to build it instead (so that a shared
    link still lands on the instructions, not on "page not found")."""
    if problem:
        listed = [
            st.Page(
                _build_instructions(problem, lang),
                title=t(label, lang),
                icon=icon,
                url_path=_internal_path(stem),
                default=stem == HOME,
            )
            for stem, label, icon in (*MENU, EMBED)
        ]
        alias = st.Page(
            _build_instructions(problem, lang), title=t("nav_overzicht", lang), url_path=HOME, visibility="hidden"
        )
        return [*listed, alias]
    listed = [
        st.Page(
            f"pages/{stem}.py", title=t(label, lang), icon=icon, url_path=_internal_path(stem), default=stem == HOME
        )
        for stem, label, icon in MENU
    ]
    return [
        *listed,
        st.Page(f"pages/{EMBED[0]}.py", title=t(EMBED[1], lang), icon=EMBED[2], url_path=EMBED[0], visibility="hidden"),
        # The home page is served at "/"; a shared link that names it ("/overzicht") opens it too.
        st.Page(f"pages/{HOME}.py", title=t("nav_overzicht", lang), url_path=HOME, visibility="hidden"),
    ]
