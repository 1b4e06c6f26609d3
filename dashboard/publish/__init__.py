"""The static edition (``python -m dashboard.publish OUT``): gemeente profiles, an index and a sitemap written
from the warehouse, for any static web host. No Streamlit: the same data and formatting code as the pages."""
