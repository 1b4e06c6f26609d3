"""Static edition benchmark: full publish (every profile and embed, with or without PDF factsheets), an unchanged
republish, the largest page, PDF and embed, and 200 concurrent requests for an embed page on a loopback static
server (Python's own http.server: a floor, nginx or a CDN does far better).
Targets (issue #11, 2-core reference machine): full publish <= 5 min, unchanged <= 5 s, profile <= 400 KB,
PDF <= 500 KB, 200 concurrent requests with 0 errors.

    python scripts/bench_publish.py [--warehouse data/ketenmonitor.duckdb] [--no-pdf]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dashboard.publish.site import publish  # noqa: E402


def concurrent_requests(folder: Path, path: str, count: int) -> tuple[int, float, float]:
    """(errors, p95 seconds, total seconds) for ``count`` simultaneous GETs of ``path``."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.request_queue_size = count
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"

    def one(_: int) -> float | None:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                response.read()
                return time.perf_counter() - started if response.status == 200 else None
        except OSError:
            return None

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=count) as pool:
        times = list(pool.map(one, range(count)))
    total = time.perf_counter() - started
    server.shutdown()
    ok = sorted(t for t in times if t is not None)
    p95 = ok[int(len(ok) * 0.95) - 1] if ok else float("nan")
    return times.count(None), p95, total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--warehouse", type=Path, default=REPO / "data" / "ketenmonitor.duckdb")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        full = publish(args.warehouse, out, base_url="https://example.org", pdf=not args.no_pdf)
        again = publish(args.warehouse, out, base_url="https://example.org", pdf=not args.no_pdf)
        pages = list((out / "gemeente").glob("*.html"))
        pdfs = list((out / "gemeente").glob("*.pdf"))
        largest_page = max(pages, key=lambda p: p.stat().st_size)
        print(f"full publish            {full.seconds:7.1f} s   target <= 300 s   ({len(full.written)} files)")
        print(f"unchanged republish     {again.seconds:7.2f} s   target <= 5 s     (skipped: {again.skipped})")
        size = largest_page.stat().st_size / 1000
        print(f"largest profile page    {size:7.1f} KB  target <= 400 KB  ({largest_page.name})")
        if pdfs:
            largest_pdf = max(pdfs, key=lambda p: p.stat().st_size)
            size = largest_pdf.stat().st_size / 1000
            print(f"largest PDF factsheet   {size:7.1f} KB  target <= 500 KB  ({largest_pdf.name})")
        embeds = sorted((out / "embed").rglob("map.html"))
        largest = max(embeds, key=lambda p: p.stat().st_size + (p.parent / "map.json").stat().st_size)
        size = (largest.stat().st_size + (largest.parent / "map.json").stat().st_size) / 1000
        print(f"largest embed + figure  {size:7.1f} KB  target <= 250 KB  ({largest.relative_to(out)})")
        path = "/" + embeds[0].relative_to(out).as_posix()
        errors, p95, total = concurrent_requests(out, path, 200)
        print(f"200 concurrent GETs     {errors:7d} errors, p95 {p95 * 1000:.0f} ms, all in {total:.2f} s  ({path})")


if __name__ == "__main__":
    main()
