"""``munro-data validate [DATA_DIR]``: check a data folder and say what is wrong with it.

Exit status 0 when the data is valid, 1 when it is not (or cannot be read). Bad input never
ends in a traceback: every problem is printed as a line naming file, line and column.
"""

from __future__ import annotations

import argparse
import sys

from . import validate
from ._validate import problem_lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="munro-data", description="Check the Munro Review tracker's data tables."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate", help="check every table, key and quote; exit 1 listing every problem"
    )
    check.add_argument(
        "data_dir", nargs="?", help="data folder (default: $MUNRO_DATA_DIR or data/)"
    )
    args = parser.parse_args(argv)

    try:
        report = validate(args.data_dir)
    except Exception as error:  # noqa: BLE001 - a user gets a sentence, never a traceback.
        print(
            f"munro-data: could not check {args.data_dir or 'the data'}: {error}", file=sys.stderr
        )
        return 1

    if not report.ok:
        print(f"{len(report.problems)} problem(s) in {report.data_dir}:", file=sys.stderr)
        print("\n".join(problem_lines(report.problems)), file=sys.stderr)
    if report.warnings:
        # Gaps that can be meant: printed after the problems, they never change the exit status.
        print(f"{len(report.warnings)} warning(s), not failing:", file=sys.stderr)
        print("\n".join(problem_lines(report.warnings)), file=sys.stderr)
    if not report.ok:
        return 1
    rows = sum(len(t.rows) for t in report.tables.values())
    print(
        f"OK: {report.data_dir} holds {len(report.tables)} valid tables, {rows} rows; "
        f"all {report.quotes_checked} quotes found in their sources."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
