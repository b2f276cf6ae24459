"""Rules across tables: every foreign key points to a row, every verbatim quote is in its source.

These run once every table of the package is parsed; a table whose rows could not all be read
is not used to judge the others, so its own problems are not repeated as theirs.
"""

from __future__ import annotations

from pathlib import Path

from .. import provenance
from .._package import PathRefused, read_inside
from . import limits
from .problems import EXAMPLES, SHOWN, Problem, shorten, too_large
from .tables import ParsedTable


def check_foreign_keys(tables: dict[str, ParsedTable]) -> list[Problem]:
    """A problem for each value that refers to a row another table does not have."""
    problems = []
    for parsed in tables.values():
        for fk in parsed.table.foreign_keys:
            target = tables.get(fk.resource)
            if target is None or not target.rows or target.dropped:
                # The target's own problems are reported; keys into rows it could not read
                # would only repeat them.
                continue
            valid = {tuple(r.get(c) for c in fk.reference_fields) for r in target.rows}
            valid.discard(tuple(None for _ in fk.reference_fields))
            shown_valid = [", ".join(map(str, v)) for v in sorted(valid, key=str)]
            examples = ", ".join(s[:30] for s in shown_valid[:EXAMPLES]) + (
                ", …" if len(valid) > EXAMPLES else ""
            )
            for row, line in zip(parsed.rows, parsed.lines, strict=True):
                key = tuple(row.get(c) for c in fk.fields)
                if any(v is None for v in key) or key in valid:
                    continue
                shown = ", ".join(str(v) for v in key)
                problems.append(
                    Problem(
                        parsed.table.path,
                        line,
                        ",".join(fk.fields),
                        shown,
                        f"one of the {','.join(fk.reference_fields)} values in {target.table.path} "
                        f"({examples})",
                        "foreign-key",
                    )
                )
    return problems


def check_quotes(tables: dict[str, ParsedTable], data_dir: Path) -> tuple[list[Problem], int]:
    """Problems with quotes, and how many were checked."""
    sources = tables.get("sources")
    if sources is None:
        return [], 0
    texts, problems = _source_texts(sources, data_dir)
    checked = 0
    for parsed in tables.values():
        verbatim = [f.name for f in parsed.table.fields if f.verbatim]
        if not verbatim or "source_id" not in parsed.table.field_names:
            continue
        for row, line in zip(parsed.rows, parsed.lines, strict=True):
            text = texts.get(row.get("source_id"))
            if text is None:
                continue  # An unknown source_id is reported as a foreign-key problem.
            for column in verbatim:
                quote = row.get(column)
                if not quote:
                    continue
                checked += 1
                failed = provenance.check_quote(quote, text)
                if failed is None:
                    continue
                kind, fragment = failed
                expected = _quote_expected(kind, fragment, text, row["source_id"])
                problems.append(Problem(parsed.table.path, line, column, fragment, expected, kind))
    return problems, checked


def _source_texts(sources: ParsedTable, data_dir: Path) -> tuple[dict[str, str], list[Problem]]:
    """Each readable source's normalised text by source_id, and the problems of the others."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for row, line in zip(sources.rows, sources.lines, strict=True):
        if row.get("source_id") is None or row.get("file") is None:
            continue
        try:
            raw = read_inside(data_dir, row["file"])
            if len(raw) > limits.MAX_SOURCE_BYTES:
                problems.append(too_large(row["file"], len(raw), limits.MAX_SOURCE_BYTES))
                continue
            texts[row["source_id"]] = provenance.normalise(raw.decode("utf-8"))
            pinned, actual = row.get("sha256"), provenance.digest(raw)
            if pinned is not None and pinned != actual:
                # A changed text may no longer say what the rows quote from it: every quote of
                # it is checked again, and the new digest recorded, before it validates.
                problems.append(
                    Problem(
                        sources.table.path,
                        line,
                        "sha256",
                        actual,
                        f"the digest pinned for {row['file']} ({pinned[:12]}…): the text has "
                        "changed; check its rows' quotes against it, then pin its new digest",
                        "source-changed",
                    )
                )
        except PathRefused as refused:
            # The message names the path the data gave, never anything read from it.
            problems.append(
                Problem(sources.table.path, line, "file", row["file"], refused.reason, refused.kind)
            )
        except UnicodeDecodeError:
            problems.append(
                Problem(
                    sources.table.path,
                    line,
                    "file",
                    row["file"],
                    "a source text in UTF-8",
                    "source-error",
                )
            )

    return texts, problems


def _quote_expected(kind: str, fragment: str, text: str, source_id: str) -> str:
    """What a quote that failed as ``kind`` should have been."""
    if kind == "quote-too-short":
        return (
            f"a quote of at least {provenance.MIN_WORDS} words in each part "
            "between ellipses (see CODEBOOK.md, Quotes)"
        )
    if kind == "quote-scattered":
        return (
            f"each part of the quote within {provenance.MAX_GAP} characters after "
            f"the part before it in source {source_id!r}, so that the "
            "quote is one passage (see CODEBOOK.md, Quotes)"
        )
    nearest = provenance.nearest_passage(fragment, text, width=SHOWN)
    return f"a verbatim passage of source {source_id!r}; " + (
        f"the nearest passage there reads {shorten(nearest)}"
        if nearest
        else "no passage there shares a word with it"
    )
