"""The only part of ``dashboard`` that imports Streamlit: caching (``cache``), URL-synced widgets and render
helpers (``widgets``) and page sections shared by several pages (``sections``)."""
