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
- plotly.js requests in one browser visit of every page (needs Debian's Chromium).

Exits 1 if a budget is broken.
"""

from __future__ import annotations

import argparse
import csv
import functools
import http.server
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

from munro_data.site._browser import CHROMIUM, CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[1]
BUDGETS = {
    "no_change_rebuild_s": 3.0,
    "page_html_kb": 300.0,
    "clean_build_s": 60.0,
    "plotly_requests_per_visit": 1,
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
            browser.close()
    finally:
        httpd.shutdown()
    return len(fetched)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    failures = []

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

        national = Path(scratch) / "national"
        subprocess.run(
            [sys.executable, "-m", "munro_data.synthetic", str(national)],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        national_env = env | {"MUNRO_DATA_DIR": str(national)}
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
