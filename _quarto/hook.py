"""Quarto's pre- and post-render step (see _quarto.yml), run with the project's own Python.

Quarto runs a ``.py`` hook with ``$QUARTO_PYTHON`` or else the first ``python3`` it finds. When
that Python cannot import munro_data (a plain ``quarto render`` with the venv not activated),
this script starts again with the project's ``.venv``, which ``make install`` creates.
"""

import os
import sys
from pathlib import Path

try:
    from munro_data.site._quarto import hook
except ImportError:
    # Quarto runs hooks in the project folder; the venv is there or beside this file's folder.
    for venv in (Path.cwd() / ".venv", Path(__file__).resolve().parents[1] / ".venv"):
        python = venv / "bin" / "python"
        if python.exists() and Path(sys.prefix).resolve() != venv.resolve():
            os.execv(python, [str(python), __file__, *sys.argv[1:]])
    sys.exit(
        f"{sys.executable} cannot import munro_data: run `make install`, activate the project's "
        "environment, or set QUARTO_PYTHON to a Python that has it."
    )

sys.exit(hook(sys.argv[1:]))
