"""The site build's record of what a notebook read, so it re-runs only the notebooks whose
inputs changed.

The build sets :data:`TRACE_ENV` to a file before it runs a notebook; each loader then writes
the name of what it read (a table, or ``file:`` and a file of the data folder) on a line of its
own. Without the variable, nothing is written.
"""

from __future__ import annotations

import os

TRACE_ENV = "MUNRO_TRACE_FILE"


def record_read(name: str) -> None:
    """Add ``name`` to the trace file, when the build has set one."""
    trace = os.environ.get(TRACE_ENV)
    if trace:
        with open(trace, "a", encoding="utf-8") as f:
            f.write(name + "\n")
