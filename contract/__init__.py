"""What the ETL and the dashboard agree on besides the warehouse tables: how periods are coded and written, and
how the build marks the figures it writes itself.

Both sides import this package; neither imports the other (``etl`` never imports Streamlit or ``dashboard``,
``dashboard`` never imports ``etl``).
"""
