"""Validation of meaning: copies of the data that fit the schema but are wrong, each caught.

Every case breaks a copy of the real data in exactly one way and checks that the validator
names the file, line and column of the wrong row, and that the real data gives no error.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import line_of_row, read_rows, write_rows

import munro_data
from munro_data import DataValidationError
from munro_data.validation.meaning import RULES, check_meaning


def edit(data: Path, table: str, change) -> Path:
    """Rewrite ``table``'s rows through ``change(rows) -> rows``; return its path."""
    path = data / f"{table}.csv"
    header, rows = read_rows(path)
    write_rows(path, header, change(rows))
    return path


def messages(problems) -> list[str]:
    """Each problem's sentence without its trailing [kind], after checking the kind is a rule's."""
    assert all(p.kind in RULES for p in problems), [p.kind for p in problems]
    return [str(p).rsplit(" [", 1)[0] for p in problems]


def only_problem(data: Path) -> str:
    """The single problem the broken copy gives: a meaning error and nothing else."""
    report = munro_data.validate(data)
    assert len(report.problems) == 1, messages(report.problems)
    return messages(report.problems)[0]


def test_real_data_has_no_error_and_no_warning() -> None:
    report = munro_data.validate()
    assert report.ok, messages(report.problems)
    # Every actor in responses has a stance on all 15 recommendations (see the codebook).
    assert not report.warnings, messages(report.warnings)


def test_every_rule_has_a_severity() -> None:
    assert {severity for severity, _ in RULES.values()} == {"error", "warning"}


# ---------------------------------------------------------------------------------------------
# 1. One as_of per report


def test_a_stray_as_of_in_a_report_is_named(data_copy: Path) -> None:
    # The case of issue 10: one row dated 2014-07-30 among a report's 2014-06-30 rows.
    national = []

    def move_derby_national(rows):
        for i, row in enumerate(rows):
            if (row["source_id"], row["reported_by"], row["scope"]) == (
                "derby-2013",
                "derby",
                "national",
            ):
                row["as_of"] = "2014-06-30"
                national.append(i)
        rows[national[3]]["as_of"] = "2014-07-30"
        return rows

    path = edit(data_copy, "progress", move_derby_national)
    assert len(national) > 3

    problem = only_problem(data_copy)

    assert problem.startswith(
        f"progress.csv, line {line_of_row(path, national[3])}, column 'as_of': "
        f"found '2014-07-30'; expected 2014-06-30, the as_of of {len(national) - 1} other "
        "national rows of the report 'derby-2013' by 'derby'"
    ), problem


def test_local_rows_may_carry_their_own_dates(data_copy: Path) -> None:
    # A council's paper may date each update of its own work; only national rows are one report.
    def redate_one_local(rows):
        index = next(i for i, r in enumerate(rows) if r["scope"] == "local")
        rows[index]["as_of"] = "2013-03-20"
        return rows

    edit(data_copy, "progress", redate_one_local)
    assert munro_data.validate(data_copy).ok


def test_the_loader_refuses_a_report_with_two_dates(data_copy: Path) -> None:
    def redate(rows):
        rows[5]["as_of"] = "2012-06-22"
        return rows

    path = edit(data_copy, "progress", redate)
    with pytest.raises(DataValidationError, match=rf"progress.csv, line {line_of_row(path, 5)}, "):
        munro_data.load_all(data_copy)


# ---------------------------------------------------------------------------------------------
# 2. A progress row's commitment is of the same recommendation


def test_commitment_of_another_recommendation_is_caught(data_copy: Path) -> None:
    # Issue 10: a row of recommendation 15 linked to a commitment of 14 showed "Delivered late".
    def relink(rows):
        index = next(i for i, r in enumerate(rows) if r["progress_id"] == "munro-2012-r15-2")
        rows[index]["commitment_id"] = "government-r14-1"
        relink.index = index
        return rows

    path = edit(data_copy, "progress", relink)

    assert only_problem(data_copy) == (
        f"progress.csv, line {line_of_row(path, relink.index)}, column 'commitment_id': found "
        "'government-r14-1 (a commitment of recommendation 14)'; expected a commitment of "
        "recommendation 15, the row's rec_id, or an empty cell"
    )


def test_a_place_on_a_national_row_is_caught(data_copy: Path) -> None:
    # Issue 21: a place names the area a local row is about; on a national row it would read as
    # the national position of one area.
    def misplace(rows):
        index = next(i for i, r in enumerate(rows) if r["scope"] == "national")
        rows[index]["place"] = "Cornwall"
        misplace.index = index
        return rows

    path = edit(data_copy, "progress", misplace)

    assert only_problem(data_copy) == (
        f"progress.csv, line {line_of_row(path, misplace.index)}, column 'place': found "
        "'Cornwall'; expected an empty cell on a national row: only a local row names a place"
    )


# ---------------------------------------------------------------------------------------------
# 3. Dates in order


def test_event_after_its_report_is_caught(data_copy: Path) -> None:
    def late_event(rows):
        rows[2]["event_date"] = "2012-05-31"  # A month-only "May 2012" in a 22 May report.
        return rows

    path = edit(data_copy, "progress", late_event)

    assert only_problem(data_copy).startswith(
        f"progress.csv, line {line_of_row(path, 2)}, column 'event_date': found '2012-05-31'; "
        "expected a date on or before the row's as_of 2012-05-22"
    )


def test_promise_due_long_before_its_source_is_caught(data_copy: Path) -> None:
    # salford-2011 is dated 2011-08-31, a month-only date: August 2011, so due dates from
    # 2011-07-01 are possible; June 2011 is not.
    def early(rows):
        rows[0]["due_date"] = "2011-06-30"
        return rows

    path = edit(data_copy, "commitments", early)

    assert only_problem(data_copy).startswith(
        f"commitments.csv, line {line_of_row(path, 0)}, column 'due_date': found '2011-06-30'; "
        "expected a due date on or after 2011-07-01: the source 'salford-2011' is dated 2011-08-31"
    )


def test_a_month_of_slack_is_not_a_contradiction(data_copy: Path) -> None:
    # "in July 2011", promised in July and reproduced in August: a real case in our data.
    def july(rows):
        rows[0]["due_date"] = "2011-07-31"
        return rows

    edit(data_copy, "commitments", july)
    assert munro_data.validate(data_copy).ok


def test_a_source_with_a_day_is_held_to_that_day(data_copy: Path) -> None:
    # derby-2013 is dated 19 March 2013, not a month's last day, so the bound is 19 February.
    def early(rows):
        index = next(i for i, r in enumerate(rows) if r["commitment_id"] == "derby-r01-1")
        rows[index]["due_date"] = "2013-02-18"
        early.index = index
        return rows

    path = edit(data_copy, "commitments", early)

    assert only_problem(data_copy).startswith(
        f"commitments.csv, line {line_of_row(path, early.index)}, column 'due_date': "
        "found '2013-02-18'; expected a due date on or after 2013-02-19"
    )


# ---------------------------------------------------------------------------------------------
# 4. Every actor covers every recommendation (a warning)


def test_an_actor_with_a_gap_is_warned_about_not_refused(data_copy: Path) -> None:
    def drop_salford_3_and_7(rows):
        return [r for r in rows if not (r["actor_id"] == "salford" and r["rec_id"] in ("3", "7"))]

    path = edit(data_copy, "responses", drop_salford_3_and_7)
    _, rows = read_rows(path)
    first = line_of_row(path, next(i for i, r in enumerate(rows) if r["actor_id"] == "salford"))
    expected = (
        f"responses.csv, line {first}, column 'rec_id': found 'no row of actor salford for "
        "recommendations 3, 7'; expected a stance on each of the 15 recommendations"
    )

    report = munro_data.validate(data_copy)
    assert report.ok, messages(report.problems)
    gaps = [w for w in report.warnings if w.kind == "actor-coverage"]
    assert len(gaps) == 1 and messages(gaps)[0].startswith(expected)

    # The command prints the warning after any problems and still succeeds.
    result = subprocess.run(
        [sys.executable, "-m", "munro_data", "validate", str(data_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert re.search(r"\d+ warning\(s\), not failing:", result.stderr) and expected in result.stderr


def test_warnings_follow_the_problems_and_do_not_change_the_failure(data_copy: Path) -> None:
    edit(data_copy, "responses", lambda rows: [r for r in rows if r["actor_id"] != "adcs"][:-1])
    edit(data_copy, "progress", lambda rows: [rows[0] | {"as_of": "2012-06-22"}, *rows[1:]])

    result = subprocess.run(
        [sys.executable, "-m", "munro_data", "validate", str(data_copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    problems, warnings = re.split(r"\d+ warning\(s\), not failing:", result.stderr)
    assert "progress.csv, line 2, column 'as_of'" in problems
    assert "no row of actor salford for recommendation 15" in warnings


# ---------------------------------------------------------------------------------------------
# 5. No cell reads as a missing value


@pytest.mark.parametrize("word", ["nan", "None", "NaT", "null", " NULL "])
def test_a_missing_value_written_as_text_is_caught(word: str, data_copy: Path) -> None:
    def note(rows):
        rows[4]["note"] = word
        return rows

    path = edit(data_copy, "responses", note)

    assert only_problem(data_copy) == (
        f"responses.csv, line {line_of_row(path, 4)}, column 'note': found {word!r}; expected "
        "text, or an empty cell for no value (the site would show this word)"
    )


def test_the_word_inside_text_is_fine(data_copy: Path) -> None:
    def note(rows):
        rows[4]["note"] = "None of the actors took a position; nan is not a word here."
        return rows

    edit(data_copy, "responses", note)
    assert munro_data.validate(data_copy).ok


def test_rules_run_on_frames_alone() -> None:
    # Without the parsed tables, lines are counted one per row after the header.
    frames = munro_data.load_all()
    frames["actors"].loc[1, "short_name"] = "nan"
    errors, warnings = check_meaning(frames)
    assert messages(errors) == [
        "actors.csv, line 3, column 'short_name': found 'nan'; expected text, or an empty cell "
        "for no value (the site would show this word)"
    ]
    assert warnings == []
