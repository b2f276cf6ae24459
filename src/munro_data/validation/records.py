"""The CSV reader: records and their lines, and malformed quoting located where it starts.

Every table is read with one dialect (comma, double quote, one header row; see
``descriptor_terms.DIALECT``), so the reader is small and strict rather than general.
"""

from __future__ import annotations

import re

# A quoted cell: doubled quotes inside, ended by a quote. Written without nested alternation so
# a long cell costs linear time.
_QUOTED = re.compile(r'"[^"]*(?:""[^"]*)*"')
_PLAIN = re.compile(r'[^,"\n]*')
_LITERAL = re.compile(r"[^,\n]*")
# A whole well-formed record, and its cells: the fast path, in C, for every ordinary line.
# Possessive repeats: a record that does not match fails at once instead of backtracking.
_CELL = r'(?:"[^"]*+(?:""[^"]*+)*+"|[^,"\n]*+)'
_RECORD = re.compile(rf"{_CELL}(?:,{_CELL})*+(?:\n|\Z)")
_CELLS = re.compile(r'(?:^|,)(?:"([^"]*+(?:""[^"]*+)*+)"|([^,"\n]*+))')


def read_records(text: str) -> tuple[list[tuple[int, list[str], bool]], list[tuple[int, int, str]]]:
    """Split CSV text into records, reporting malformed quoting where it starts.

    Returns the records as (line, cells, malformed) and the quoting faults as (line, cell
    index, what was found). After a fault the reader treats the offending quote as an ordinary
    character up to the end of the cell, so one stray quote never swallows the rest of the file
    and every later problem is still reported.
    """
    records: list[tuple[int, list[str], bool]] = []
    faults: list[tuple[int, int, str]] = []
    pos, line, n = 0, 1, len(text)
    while pos < n:
        start_line = line
        fast = _RECORD.match(text, pos)
        if fast is not None:
            record = fast.group()
            pos = fast.end()
            line += record.count("\n")
            body = record[:-1] if record.endswith("\n") else record
            cells = [q.replace('""', '"') if q else p for q, p in _CELLS.findall(body)]
            records.append((start_line, cells, False))
            continue
        cells = []
        malformed = False
        while True:
            if pos < n and text[pos] == '"':
                m = _QUOTED.match(text, pos)
                after = m.end() if m else n
                if m and (after == n or text[after] in ",\n"):
                    cells.append(m.group()[1:-1].replace('""', '"'))
                    line += m.group().count("\n")
                    pos = after
                else:
                    what = (
                        "a quote that opens the cell and is never closed"
                        if m is None
                        else f"{text[after]!r} after the quote that closes the cell"
                        if "\n" not in m.group()
                        else "a quote that opens the cell and is not closed on its line"
                    )
                    faults.append((line, len(cells), what))
                    malformed = True
                    literal = _LITERAL.match(text, pos)
                    cells.append(literal.group())
                    pos = literal.end()
            else:
                m = _PLAIN.match(text, pos)
                pos = m.end()
                value = m.group()
                if pos < n and text[pos] == '"':
                    faults.append((line, len(cells), "a quote inside an unquoted cell"))
                    malformed = True
                    literal = _LITERAL.match(text, pos)
                    value += literal.group()
                    pos = literal.end()
                cells.append(value)
            if pos >= n:
                break
            if text[pos] == ",":
                pos += 1
                continue
            pos += 1  # The line feed that ends the record.
            line += 1
            break
        records.append((start_line, cells, malformed))
    return records, faults
