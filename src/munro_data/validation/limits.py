"""The bounds of what the validator accepts: sizes, dates, integers and characters.

What it accepts, the loaders and the Excel export can hold. The checks read these as
attributes of this module when they run, so a test can lower a limit for one check.
"""

from __future__ import annotations

import datetime as dt
import re

# The limits the validator and the build support (README.md, "Limits"), each far above the
# national scale (152 councils: `make national` makes such data, its largest table 1.5 MB and
# 7,400 rows, its longest cell 1,700 characters, its largest source text 160 KB). Data beyond
# them is refused early (limit-exceeded), naming the limit, before it costs anything.
MAX_TABLE_BYTES = 20_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 100
# A spreadsheet cell holds at most 32,767 characters; a longer one would be cut in the download.
MAX_CELL_CHARS = 32_767
MAX_SOURCE_BYTES = 10_000_000

# The codebook is read whole into one page; this is far above any real set of coding rules.
CODEBOOK_MAX_BYTES = 1_000_000

# pandas holds dates as nanoseconds since 1970 in 64 bits (1677-09-22..2262-04-11), and the
# pages do date arithmetic (a month back, an axis padded by days): a source dated 1677-09-30
# validated, then stopped the build with "Out of bounds timestamp". These bounds leave room.
DATE_MIN = dt.date(1800, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
# C0 and C1 controls except tab and line feed; the Unicode line and paragraph separators; and
# U+FFFE/U+FFFF, which XML (and so the Excel workbook) cannot hold.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def is_date_text(value: object) -> bool:
    """Whether ``value`` is a date written YYYY-MM-DD within :data:`DATE_MIN`..:data:`DATE_MAX`.

    >>> is_date_text("2012-05-31"), is_date_text("1677-09-30"), is_date_text("2012-02-30")
    (True, False, False)
    """
    if not isinstance(value, str) or not DATE_TEXT.fullmatch(value):
        return False
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return False
    return DATE_MIN <= day <= DATE_MAX
