"""The codebook's checks: ``CODEBOOK.md`` is part of the package, read whole into one page."""

from __future__ import annotations

import re
from pathlib import Path

from .._package import PathRefused, read_inside
from . import limits
from .problems import EXAMPLES, Problem

CODEBOOK = "CODEBOOK.md"
# Characters a Markdown file may not hold: control characters but tab and the line breaks.
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line_and_column(text: str, at: int) -> tuple[int, int]:
    """The 1-based line and column of character (or byte) ``at`` of ``text``."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


def check_codebook(data_dir: Path) -> tuple[str, list[Problem]]:
    """The text of ``CODEBOOK.md`` ("" if there is none) and its problems.

    The codebook is part of the package: it must be a regular file of the folder (not a
    symbolic link, not a folder or a FIFO), UTF-8, at most :data:`limits.CODEBOOK_MAX_BYTES`, and
    without control characters; each problem names its line and character.
    """
    path = Path(data_dir) / CODEBOOK

    def problem(line, found, expected, kind) -> tuple[str, list[Problem]]:
        return "", [Problem(CODEBOOK, line, None, found, expected, kind)]

    if path.is_symlink():
        return problem(None, "a symbolic link", "a regular file, not a link", "path-error")
    try:
        raw = read_inside(Path(data_dir), CODEBOOK)
    except PathRefused as refused:
        return (
            ("", [])
            if refused.kind == "missing-file"
            else problem(None, None, refused.reason, refused.kind)
        )
    if len(raw) > limits.CODEBOOK_MAX_BYTES:
        return problem(
            None,
            f"{len(raw):,} bytes",
            f"at most {limits.CODEBOOK_MAX_BYTES:,} bytes",
            "limit-exceeded",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(raw.decode("latin-1"), error.start)
        found = f"byte 0x{raw[error.start]:02X} at character {column}"
        return problem(line, found, "UTF-8 text", "encoding-error")
    problems = []
    for bad in _TEXT_CONTROL.finditer(text):
        line, column = _line_and_column(text, bad.start())
        found = f"U+{ord(bad.group()):04X} at character {column}"
        problems.append(
            Problem(
                CODEBOOK, line, None, found, "text without control characters", "control-character"
            )
        )
    return ("" if problems else text), problems[:EXAMPLES]
