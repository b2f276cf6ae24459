"""Build-time and page-weight benchmark, checked against the budgets in the README.

    make benchmark                 # or: .venv/bin/python benchmarks/benchmark.py --runs 3

Works on a fresh clone of the committed repository (so local edits do not count) and prints
one figure per line, each the median of ``--runs`` runs:

- clean build (every notebook executed, every page rendered), real data;
- no-change rebuild; rebuild after editing one table;
- with Quarto on the PATH, a clean Quarto build and a no-change rebuild with Quarto;
- loading and validating every table;
- each page's own HTML and what it loads, and the whole site;
- the clean build with synthetic national-scale data (152 more councils);
- a plain ``jupyter nbconvert --execute --to html`` of the same notebooks, for comparison;
- plotly.js requests in one browser visit of every page (needs Debian's Chromium);
- Lighthouse (default mobile run) on every page, from a plain static server and from a server
  that compresses like a real host: the four scores, FCP, LCP, TBT, CLS, and the bytes a first
  and a repeat visit transfer. Lighthouse is optional: ``npm install lighthouse`` anywhere and
  put it on the PATH, or point ``LIGHTHOUSE`` at its ``lighthouse`` script.

    .venv/bin/python benchmarks/benchmark.py --lighthouse-only _site   # Lighthouse alone

Exits 1 if a budget is broken.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from chromium import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
BUDGETS = {
    "no_change_rebuild_s": 1.0,
    "page_html_kb": 300.0,
    "clean_build_s": 45.0,
    "plotly_requests_per_visit": 1,
}
# Lighthouse's default mobile run (simulated slow 4G, 4x slower CPU): minimum scores.
LIGHTHOUSE_BUDGETS = {
    "gzip": {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100},
    "plain": {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100},
}


def run(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_cmd(*extra: str) -> list[str]:
    return [sys.executable, "-m", "munro_data.site", "build", "--without-quarto", *extra]


def page_weights(site: Path) -> list[tuple[str, int, int, int]]:
    """(page, own HTML bytes, bytes of the files it loads, how many files) for every page."""
    rows = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        loaded = set()
        for ref in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"#?]+)"', html):
            target = (page.parent / ref).resolve()
            if target.is_file() and target.suffix in {".js", ".css", ".svg", ".png"}:
                loaded.add(target)
        rows.append(
            (
                str(page.relative_to(site)),
                page.stat().st_size,
                sum(p.stat().st_size for p in loaded),
                len(loaded),
            )
        )
    return rows


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def plotly_requests(site: Path) -> int | None:
    """plotly.js fetches when one reader opens every page in turn (None without a browser)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not CHROMIUM.exists():
        return None
    fetched: list[str] = []

    class Counting(http.server.SimpleHTTPRequestHandler):
        # The server's own count: a browser's cache hits never reach it.
        def do_GET(self) -> None:
            if self.path.endswith("plotly.min.js"):
                fetched.append(self.path)
            super().do_GET()

        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Counting, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_context().new_page()
            for html in sorted(site.rglob("*.html")):
                page.goto(base + str(html.relative_to(site)), wait_until="load")
                # Charts load plotly.js as they come into view: read each page to the end.
                for chart in page.query_selector_all(".plotly-graph-div"):
                    chart.scroll_into_view_if_needed()
                    chart.wait_for_selector(".main-svg", state="attached", timeout=30_000)
            browser.close()
    finally:
        httpd.shutdown()
    return len(fetched)


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that counts the bytes it sends; ``gzip`` compresses text like a host."""

    compress = False
    sent: list[int]

    def end_headers(self) -> None:
        if self.compress:
            # As a static host does: text cached for ten minutes, then revalidated.
            self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        text = path.suffix in {".html", ".js", ".css", ".json", ".svg", ".csv", ".md"}
        if not (self.compress and accepts and text and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


class _CountingWriter:
    """Wraps a handler's output stream and adds every byte written to ``sent``."""

    def __init__(self, raw, sent: list[int]) -> None:
        self._raw, self._sent = raw, sent

    def write(self, data) -> int:
        self._sent[0] += len(data)
        return self._raw.write(data)

    def __getattr__(self, name):
        return getattr(self._raw, name)


def serve(site: Path, compress: bool) -> tuple[http.server.ThreadingHTTPServer, list[int]]:
    """Serve ``site`` on 127.0.0.1; return the server and its running count of bytes sent."""
    sent = [0]

    class Handler(_SiteHandler):
        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile, sent)

    Handler.compress = compress
    handler = functools.partial(Handler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, sent


def find_lighthouse() -> str | None:
    return os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse")


def lighthouse(binary: str, url: str) -> dict:
    """One default (mobile) Lighthouse run: scores out of 100 and the metrics we report."""
    env = os.environ | {"CHROME_PATH": str(CHROMIUM)}
    out = subprocess.run(
        [
            binary,
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lhr = json.loads(out)
    audits = lhr["audits"]
    return {
        **{k: round(100 * (v["score"] or 0)) for k, v in lhr["categories"].items()},
        "fcp_s": audits["first-contentful-paint"]["numericValue"] / 1000,
        "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "lh_bytes": audits["total-byte-weight"]["numericValue"],
    }


def visit_bytes(base: str, pages: list[str], sent: list[int]) -> list[tuple[int, int]]:
    """Bytes the server sent for a first and a repeat visit of each page, read to the end."""
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for page_path in pages:
            context = browser.new_context()
            page = context.new_page()
            counts = []
            for _ in range(2):
                start = sent[0]
                page.goto(base + page_path, wait_until="networkidle")
                # A reader who reads the whole page: every chart drawn, so plotly.js counts.
                for chart in page.query_selector_all(".plotly-graph-div"):
                    chart.scroll_into_view_if_needed()
                    chart.wait_for_selector(".main-svg", state="attached", timeout=30_000)
                page.wait_for_load_state("networkidle")
                counts.append(sent[0] - start)
            context.close()
            rows.append((counts[0], counts[1]))
        browser.close()
    return rows


def lighthouse_report(site: Path, failures: list[str]) -> None:
    """Lighthouse on every page from both servers, one line per page and server."""
    binary = find_lighthouse()
    if binary is None or not CHROMIUM.exists():
        print(
            "lighthouse: skipped (not installed: `npm install lighthouse` in a folder outside the"
            " repository, then put its node_modules/.bin on the PATH or set LIGHTHOUSE)"
        )
        return
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    print(
        f"lighthouse {version.strip()}, default mobile run. load KB: what Lighthouse's page load"
        " transferred; first/repeat KB: what the server sent for a visit that reads the whole"
        " page (every chart drawn), and for the same visit again"
    )
    header = (
        f"{'page':<34} {'server':<6} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} "
        f"{'FCP s':>6} {'LCP s':>6} {'TBT ms':>6} {'CLS':>6} {'load KB':>8} {'first KB':>9}"
        f" {'repeat KB':>9}"
    )
    print(header, flush=True)
    for server in ("plain", "gzip"):
        httpd, sent = serve(site, compress=server == "gzip")
        base = f"http://127.0.0.1:{httpd.server_address[1]}/"
        try:
            visits = visit_bytes(base, pages, sent)
            for page_path, (first, repeat) in zip(pages, visits, strict=True):
                r = lighthouse(binary, base + page_path)
                print(
                    f"{page_path:<34} {server:<6} {r['performance']:>4} {r['accessibility']:>4} "
                    f"{r['best-practices']:>4} {r['seo']:>4} {r['fcp_s']:>6.1f} {r['lcp_s']:>6.1f} "
                    f"{r['tbt_ms']:>6.0f} {r['cls']:>6.3f} {r['lh_bytes'] / 1024:>8.1f}"
                    f" {first / 1024:>9.1f} {repeat / 1024:>9.1f}",
                    flush=True,
                )
                for category, minimum in LIGHTHOUSE_BUDGETS[server].items():
                    if r[category] < minimum:
                        failures.append(f"lighthouse {category} {page_path} ({server})")
        finally:
            httpd.shutdown()


# Validation of a data folder in a fresh interpreter: rows per second and peak memory.
VALIDATION = (
    "import resource, sys, time, munro_data\n"
    "start = time.perf_counter(); report = munro_data.validate(sys.argv[1])\n"
    "seconds = time.perf_counter() - start\n"
    "rows = sum(len(t.rows) for t in report.tables.values())\n"
    "print(rows / seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
)


def validation_speed(data_dir: Path, env: dict) -> tuple[float, float]:
    """Rows validated per second (quotes, keys and meaning included) and peak memory in MB."""
    out = subprocess.run(
        [sys.executable, "-c", VALIDATION, str(data_dir)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--lighthouse-only", type=Path, metavar="SITE", help="only run Lighthouse on a built site"
    )
    args = parser.parse_args()
    failures: list[str] = []
    if args.lighthouse_only:
        lighthouse_report(args.lighthouse_only.resolve(), failures)
        print(f"OVER BUDGET: {', '.join(failures)}" if failures else "all budgets met")
        return 1 if failures else 0

    def report(name: str, value: float, unit: str, budget: float | None = None) -> None:
        verdict = ""
        if budget is not None:
            ok = value <= budget
            verdict = f"  (budget {budget:g} {unit}: {'ok' if ok else 'OVER'})"
            if not ok:
                failures.append(name)
        print(
            f"{name}: {value:.2f} {unit}{verdict}"
            if isinstance(value, float)
            else f"{name}: {value} {unit}{verdict}",
            flush=True,
        )

    with tempfile.TemporaryDirectory(prefix="munro-bench-") as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        # The clone's own code, not the checkout the virtual environment was installed from.
        env = os.environ | {"PYTHONPATH": str(clone / "src"), "CI": "1"}
        site = clone / "_site"

        def clean_build() -> float:
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(clone / "downloads", ignore_errors=True)
            return run(build_cmd("--force"), clone, env)

        report(
            "clean build, real data",
            median_of(args.runs, clean_build),
            "s",
            BUDGETS["clean_build_s"],
        )
        report(
            "no-change rebuild",
            median_of(args.runs, lambda: run(build_cmd(), clone, env)),
            "s",
            BUDGETS["no_change_rebuild_s"],
        )

        table = clone / "data" / "lead_officers.csv"
        original = table.read_bytes()

        def edited_rebuild() -> float:
            with table.open(encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                header, rows = reader.fieldnames, list(reader)
            rows[0]["officer_role"] += " (edited)"
            with table.open("w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            seconds = run(build_cmd(), clone, env)
            table.write_bytes(original)
            run(build_cmd(), clone, env)  # Back to the committed state for the next run.
            return seconds

        report(
            "rebuild after editing one table (lead_officers)",
            median_of(args.runs, edited_rebuild),
            "s",
        )
        load = [sys.executable, "-c", "import munro_data; munro_data.load_all()"]
        report(
            "load and validate all tables (incl. interpreter start)",
            median_of(args.runs, lambda: run(load, clone, env)),
            "s",
        )

        weights = page_weights(site)
        for page, own, loads, files in weights:
            report(f"page {page}: own HTML", own / 1024, "KB", BUDGETS["page_html_kb"])
            print(f"page {page}: loads {loads / 1024:.1f} KB in {files} files", flush=True)
        report("whole site", folder_bytes(site) / 1024, "KB")
        report("of which downloads", folder_bytes(site / "downloads") / 1024, "KB")
        requests = plotly_requests(site)
        if requests is None:
            print("plotly.js requests per visit: not measured (no Chromium)")
        else:
            report(
                "plotly.js requests reaching the server in one visit of every page",
                requests,
                "requests",
                BUDGETS["plotly_requests_per_visit"],
            )

        if shutil.which("quarto"):
            # `make site` with Quarto on the PATH; the notebooks are up to date by then.
            quarto_build = [sys.executable, "-m", "munro_data.site", "build"]

            def quarto_clean() -> float:
                shutil.rmtree(site, ignore_errors=True)
                shutil.rmtree(clone / ".quarto", ignore_errors=True)
                return run(quarto_build, clone, env)

            report(
                "clean build with Quarto (renders stored outputs)",
                median_of(args.runs, quarto_clean),
                "s",
            )
            report(
                "no-change rebuild with Quarto",
                median_of(args.runs, lambda: run(quarto_build, clone, env)),
                "s",
                BUDGETS["no_change_rebuild_s"],
            )
        else:
            print("Quarto builds: not measured (no quarto on the PATH)", flush=True)
        lighthouse_report(site, failures)

        national = Path(scratch) / "national"
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("synthetic.py")), str(national)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        national_env = env | {"MUNRO_DATA_DIR": str(national)}
        rows_per_second, peak_mb = validation_speed(national, env)
        report("validation, national scale: rows per second", rows_per_second, "rows/s")
        report("validation, national scale: peak memory", peak_mb, "MB")
        real = median_of(1, clean_build)

        def national_build() -> float:
            shutil.rmtree(site, ignore_errors=True)
            return run(build_cmd("--force"), clone, national_env)

        seconds = median_of(args.runs, national_build)
        report("clean build, national scale (152 more councils)", seconds, "s", 2 * real)
        for page, own, _, _ in page_weights(site):
            report(f"national page {page}: own HTML", own / 1024, "KB", BUDGETS["page_html_kb"])
        subprocess.run(["git", "checkout", "--quiet", "--", "."], cwd=clone, check=True)

        baseline = Path(scratch) / "nbconvert"
        notebooks = [
            "index.ipynb",
            *sorted(str(p.relative_to(clone)) for p in clone.glob("notebooks/*.ipynb")),
        ]
        jupyter = [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--execute",
            "--to",
            "html",
            "--output-dir",
            str(baseline),
            *notebooks,
        ]
        report(
            "plain jupyter nbconvert --execute --to html, same notebooks",
            median_of(args.runs, lambda: run(jupyter, clone, env)),
            "s",
        )
        for page in sorted(baseline.glob("*.html")):
            print(f"nbconvert page {page.name}: {page.stat().st_size / 1024:.1f} KB", flush=True)

    if failures:
        print(f"OVER BUDGET: {', '.join(failures)}")
        return 1
    print("all budgets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
