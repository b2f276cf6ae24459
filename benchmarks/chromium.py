"""Debian's Chromium, and the flags the browser tests and the benchmark start it with.

A tool of the tests and the benchmark, kept out of the munro_data package: nothing at run time
needs a browser.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: no first-run pages, updates or syncing that would make requests of their own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
