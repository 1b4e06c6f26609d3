"""ETL for the Ketenmonitor warehouse: snapshot files -> tidy frames -> one DuckDB file.

Never imports Streamlit. See README.md ("Warehouse schema") for the public contract.
"""
