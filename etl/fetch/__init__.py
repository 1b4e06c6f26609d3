"""Live connectors: download CBS OData v3 tables and boundary files into a snapshot folder.

``fetch(out, ...)`` does the work (see ``etl.fetch.run`` for the layout it writes); ``add_fetch_arguments``
and ``run_fetch`` plug it into a CLI. Every failure is a ``FetchError`` (an ``InputError``) naming the URL.
"""

from etl.fetch.cli import add_fetch_arguments, main, run_fetch
from etl.fetch.http import FetchError
from etl.fetch.run import FetchFailed, fetch

__all__ = ["FetchError", "FetchFailed", "add_fetch_arguments", "fetch", "main", "run_fetch"]
