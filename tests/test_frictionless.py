"""A third party's reading of the package: ``frictionless validate data/datapackage.json``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from munro_data._package import REPO_DATA_DIR


def test_frictionless_validates_the_package() -> None:
    executable = shutil.which("frictionless", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.fail("frictionless is not installed: run `make install` (it is a dev dependency)")
    result = subprocess.run(
        [executable, "validate", "datapackage.json"],
        cwd=REPO_DATA_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
