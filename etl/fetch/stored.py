"""What ``etl fetch`` stored, read back for the build: the manifest, and where a CBS table's data lies (under its
own id, or under its successor's when CBS retired it) with the URLs and time it was fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from etl.errors import InputError
from etl.fetch.tables import MANIFEST, cbs_file
from etl.readers import read_json

FEED_URL = "https://opendata.cbs.nl/ODataFeed/odata/{table}"
LIVE_NOTE = "Live download (OData v3 ODataFeed, TypedDataSet); pages joined into one JSON document when paged."


@dataclass(frozen=True)
class StoredTable:
    path: str  # relative to the snapshot root
    table_id: str  # the table whose data it is (the successor's id when CBS retired the one asked for)
    replaces: str | None  # the retired id
    title: str | None  # the successor's title in the CBS catalogue
    urls: list[str]
    retrieved_at: datetime | None
    columns: dict[str, str] = field(default_factory=dict)  # recipe key -> the successor's renumbered key

    @property
    def note(self) -> str:
        pages = f" {len(self.urls)} pages." if len(self.urls) > 1 else ""
        successor = (
            f" Successor of {self.replaces}, which CBS no longer serves; found by title in the CBS catalogue."
            if self.replaces
            else ""
        )
        renumbered = "".join(f" Reads {old} as {new}." for old, new in sorted(self.columns.items()))
        return LIVE_NOTE + pages + successor + renumbered


def read_manifest(snapshot: Path) -> dict[str, dict]:
    """path -> manifest entry; empty when the folder was never fetched into."""
    path = snapshot / MANIFEST
    if not path.exists():
        return {}
    document = read_json(path)
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, list) or not all(isinstance(f, dict) and "path" in f for f in files):
        raise InputError(path, "not a fetch manifest (expected {'files': [{'path': ...}, ...]})")
    return {entry["path"]: entry for entry in files}


def stored_table(manifest: dict[str, dict], table: str) -> StoredTable:
    """Where the fetch put ``table``'s TypedDataSet: its own file, or the successor it fetched instead."""
    path, table_id, replaces, title = cbs_file(table, "TypedDataSet"), table, None, None
    for entry in manifest.values():
        if entry.get("replaces") == table and entry["path"].endswith("_TypedDataSet.json"):
            path, table_id, replaces, title = entry["path"], entry["table_id"], table, entry.get("title")
            break
    entry = manifest.get(path, {})
    retrieved = entry.get("retrieved_at")
    return StoredTable(
        path=path,
        table_id=table_id,
        replaces=replaces,
        title=title,
        urls=entry.get("urls") or [FEED_URL.format(table=table_id)],
        retrieved_at=datetime.fromisoformat(retrieved) if retrieved else None,
        columns=dict(entry.get("columns") or {}),
    )
