"""Toegankelijkheid: the accessibility statement (what is tested, how, and the known gaps)."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.ui import widgets

lang = widgets.start_page("toegankelijkheid", "nav_toegankelijkheid", "ta_intro", params=())
st.subheader(t("ta_tested_title", lang))
st.markdown(t("ta_tested", lang))
st.subheader(t("ta_known_title", lang))
st.markdown(t("ta_known", lang))
st.caption(t("ta_contact", lang))
