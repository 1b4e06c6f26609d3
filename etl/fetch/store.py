"""Writing downloads into the snapshot folder: atomically, with a manifest of where each file came from.

A file is written to a temporary name in the same folder and renamed over the target only when every
byte is on disk, so an interrupted or failed fetch leaves either the old file or the new one, never a
half file. The manifest (``live/manifest.json``) is rewritten the same way after every completed step.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from etl.fetch.tables import MANIFEST

MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class FetchedFile:
    """One file to store: its path under the snapshot root and its provenance."""

    path: str
    content: bytes
    urls: list[str]
    table_id: str | None
    retrieved_at: str
    # A table fetched in place of one CBS retired: the retired id and the successor's title from the catalogue.
    replaces: str | None = None
    title: str | None = None
    columns: dict[str, str] | None = None  # a successor's renumbered measures: recipe key -> key in this file


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


class Manifest:
    """``live/manifest.json``: one entry per stored file, kept across fetches (entries are replaced by path)."""

    def __init__(self, out: Path):
        self.out = out
        self.path = out / MANIFEST
        self.entries: dict[str, dict] = {}
        self.not_published_yet: list[str] = []
        if self.path.exists():
            try:
                previous = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = {entry["path"]: entry for entry in previous.get("files", [])}
            except (ValueError, KeyError, TypeError, AttributeError):
                self.entries = {}  # unreadable old manifest: start afresh rather than fail the fetch

    def store(self, files: list[FetchedFile]) -> None:
        """Write every file, then record them; all downloads of a step are complete before this runs."""
        for item in files:
            write_atomic(self.out / item.path, item.content)
            self.entries[item.path] = {
                "path": item.path,
                "table_id": item.table_id,
                "urls": item.urls,
                "retrieved_at": item.retrieved_at,
                "sha256": hashlib.sha256(item.content).hexdigest(),
                "bytes": len(item.content),
                **({"replaces": item.replaces} if item.replaces else {}),
                **({"title": item.title} if item.title else {}),
                **({"columns": item.columns} if item.columns else {}),
            }
        self.save()

    def document(self) -> dict:
        document = {
            "format": MANIFEST_FORMAT,
            "updated_at": utc_now(),
            "files": [self.entries[key] for key in sorted(self.entries)],
        }
        if self.not_published_yet:  # this fetch's steps that found nothing out yet (a year just begun)
            document["not_published_yet"] = list(self.not_published_yet)
        return document

    def save(self) -> dict:
        document = self.document()
        write_atomic(self.path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return document
