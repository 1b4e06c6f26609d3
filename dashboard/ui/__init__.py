"""The only part of ``dashboard`` that imports Streamlit: the one cache (``cache``), URL-synced widgets and render
helpers (``widgets``), page sections shared by several pages (``sections``), the frame around every page
(``frame``), admission control for page runs (``admission``) and the server launcher (``serve``)."""
