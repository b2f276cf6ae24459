"""Every page of both builds is valid HTML, as the W3C Nu Html Checker reads it.

The checker is ``vnu.jar`` from the npm package ``vnu-jar`` (pinned in ``site/vendor.json``,
fetched by ``make install``), run with Java (Debian's ``default-jre-headless``). Skipped, saying
why, where either is missing; failed instead when ``REQUIRE_HTML_CHECKER=1`` (as CI sets it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from munro_data.site._assets import vendor_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def checker(tmp_path_factory) -> list[str]:
    """The command that runs the checker, or a skip (a failure under REQUIRE_HTML_CHECKER=1)."""
    java = shutil.which("java")
    jar = vendor_file("vnu-jar") if java else None
    if jar is None:
        missing = (
            "java is not on the PATH (apt-get install default-jre-headless)"
            if java is None
            else "vnu-jar is not in the npm cache (make install, with npm)"
        )
        if os.environ.get("REQUIRE_HTML_CHECKER") == "1":
            pytest.fail(f"REQUIRE_HTML_CHECKER=1 but {missing}")
        pytest.skip(f"HTML checker skipped: {missing}")
    path = tmp_path_factory.mktemp("vnu") / "vnu.jar"
    path.write_bytes(jar)
    return [java, "-jar", str(path)]


@pytest.mark.parametrize("renderer", ["nbconvert", "quarto"])
def test_every_page_is_valid_html(checker: list[str], request, renderer: str) -> None:
    site = request.getfixturevalue("site" if renderer == "nbconvert" else "quarto_site")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    result = subprocess.run(
        [*checker, "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{os.path.relpath(m.get('url', '').removeprefix('file:'), site)}:{m.get('lastLine')}:"
        f" {m['message']}"
        for m in messages
    ]
    assert errors == [], "\n".join(errors[:40])
