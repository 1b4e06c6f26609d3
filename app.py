"""Ketenmonitor Asiel & Integratie: the frame around every page (page config, language, navigation).

Run with ``streamlit run app.py``. Pages live in ``pages/``; their URL paths are the file stems
(``/opvang``, ``/gemeente?gm=GM0363``). Without a warehouse every path shows how to build it.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from dashboard.navigation import EMBED, HOME, MENU
from dashboard.ui import admission, cache, frame, widgets


def _internal_path(stem: str) -> str:
    """The home page answers at "/"; Streamlit still keys it by its url_path, which must differ from the
    hidden "/overzicht" alias below."""
    return "home" if stem == HOME else stem


st.set_page_config(page_title=t("app_title"), page_icon="🧭", layout="wide")
lang = widgets.resolve_lang()


def _build_instructions(key: str):
    def page() -> None:
        frame.build_instructions(key, lang)

    return page


problem = frame.warehouse_problem()
if problem:
    # Register every path so that a shared link still lands on the instructions, not on "page not found".
    pages = [
        st.Page(
            _build_instructions(problem),
            title=t(label, lang),
            icon=icon,
            url_path=_internal_path(stem),
            default=stem == HOME,
        )
        for stem, label, icon in (*MENU, EMBED)
    ]
    pages.append(
        st.Page(_build_instructions(problem), title=t("nav_overzicht", lang), url_path=HOME, visibility="hidden")
    )
    st.navigation(pages).run()
    st.stop()

pages = [
    st.Page(f"pages/{stem}.py", title=t(label, lang), icon=icon, url_path=_internal_path(stem), default=stem == HOME)
    for stem, label, icon in MENU
]
pages += [
    st.Page(f"pages/{EMBED[0]}.py", title=t(EMBED[1], lang), icon=EMBED[2], url_path=EMBED[0], visibility="hidden"),
    # The home page is served at "/"; a shared link that names it ("/overzicht") opens it too.
    st.Page(f"pages/{HOME}.py", title=t("nav_overzicht", lang), url_path=HOME, visibility="hidden"),
]
# Inside an <iframe> (?embed=true) the view stands alone: no menu.
current = st.navigation(pages, position="hidden" if st.context.is_embedded else "sidebar")

if current.url_path != "embed" and not st.context.is_embedded:
    with st.sidebar:
        widgets.lang_toggle()
        built = cache.get(data.build_info).get("built_at", "")
        if built:
            st.caption(t("built_at", lang, when=built[:10]))
st.session_state[widgets.FRAME_FLAG] = True
with admission.run_slot(lang):
    current.run()
