"""Everything the Streamlit pages share, tested without a browser.

Modules outside ``dashboard.ui`` never import Streamlit: ``db`` (read-only warehouse access), ``i18n`` (all UI
labels), ``state`` (URL parameters), ``metrics``, ``geo``, ``figures``, ``sources``, ``downloads`` and ``data``
(the frames each page shows). ``dashboard.ui`` holds the Streamlit caching and widgets.
"""
