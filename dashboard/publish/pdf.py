"""Printable factsheets: each profile page printed to an A4 PDF by headless Chromium (Debian's), with the
page's print stylesheet (the Dutch half, no navigation, tables kept whole)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium() -> str:
    """Debian's chromium, or ``$KETEN_CHROMIUM``; a clear error when neither is there."""
    path = os.environ.get("KETEN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError("PDF factsheets need Chromium: apt-get install chromium (or set KETEN_CHROMIUM)")
    return path


def print_pdfs(out: Path, pages: list[str]) -> dict[str, bytes]:
    """``gemeente/<code>.html`` -> the bytes of ``gemeente/<code>.pdf``, for each of ``pages`` under ``out``."""
    from playwright.sync_api import sync_playwright

    printed: dict[str, bytes] = {}
    if not pages:
        return printed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for rel in pages:
                page.goto((out / rel).resolve().as_uri(), wait_until="load")
                printed[rel.removesuffix(".html") + ".pdf"] = page.pdf(
                    format="A4", print_background=True, prefer_css_page_size=True
                )
        finally:
            browser.close()
    return printed
