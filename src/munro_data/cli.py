"""``munro-data validate [DATA_DIR]``: check a data folder and say what is wrong with it.

Exit status 0 when the data is valid, 1 when it is not (or cannot be read). Bad input never
ends in a traceback: every problem is printed as a line naming file, line and column.
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import validate
from .validation import problem_lines


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
    check.add_argument(
        "-v", "--verbose", action="store_true", help="also say what each step checked"
    )
    args = parser.parse_args(argv)
    _log_to_stderr(args.verbose)

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


def _log_to_stderr(verbose: bool) -> None:
    """The layers log through ``logging`` and never print; the command chooses what is shown."""
    logger = logging.getLogger("munro_data")
    for old in [h for h in logger.handlers if h.get_name() == "munro-data-cli"]:
        logger.removeHandler(old)  # Called again in one process (tests): one handler, not two.
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name("munro-data-cli")
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
