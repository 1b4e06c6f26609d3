"""Ketenmonitor Asiel & Integratie: the frame around every page (page config, language, navigation).

Run with ``streamlit run app.py``. Pages live in ``pages/``; their URL paths are the file stems
(``/opvang``, ``/gemeente?gm=GM0363``). Without a warehouse every path shows how to build it.
"""

from __future__ import annotations

import streamlit as st

from dashboard import data
from dashboard.i18n import t
from dashboard.ui import admission, cache, frame, menu, widgets

st.set_page_config(page_title=t("app_title"), page_icon="🧭", layout="wide")
lang = widgets.resolve_lang()


problem = frame.warehouse_problem()
if problem:
    st.navigation(menu.pages(lang, problem)).run()
    st.stop()

# Inside an <iframe> (?embed=true) the view stands alone: no menu.
current = st.navigation(menu.pages(lang), position="hidden" if st.context.is_embedded else "sidebar")

if current.url_path != "embed" and not st.context.is_embedded:
    with st.sidebar:
        widgets.lang_toggle()
        built = cache.get(data.build_info).get("built_at", "")
        if built:
            st.caption(t("built_at", lang, when=built[:10]))
st.session_state[widgets.FRAME_FLAG] = True
with admission.run_slot(lang):
    current.run()
