"""One loader per table, each documenting its columns (tests/test_tables.py holds them to the
descriptor)."""

from __future__ import annotations

import os

import pandas as pd

from ._load import load_table


def load_sources(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Sources: The five documents every row is taken from. Their texts are in sources/.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``source_id`` (string): Stable id of the source.
        - ``title`` (string): Title of the document.
        - ``author`` (string): Who wrote it.
        - ``publisher`` (string): Who published it.
        - ``date`` (datetime64[ns]): Date of the document; where only a month is known, the last day
          of that month.
        - ``date_text`` (string): The date as the document gives it.
        - ``kind`` (category): What kind of document it is.
        - ``file`` (string): Path of its text, relative to the data folder.
        - ``sha256`` (string): SHA-256 of the text's bytes; a changed text fails validation.
        - ``licence`` (string): Terms under which the text is reproduced here.
        - ``citation`` (string): Full citation.

    Source
    ------
    ``data/sources.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("sources", data_dir)


def load_themes(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Themes: The four themes under which the Government response grouped the recommendations.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``theme_id`` (Int64): Theme number.
        - ``title`` (string): Name of the theme.
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/themes.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("themes", data_dir)


def load_actors(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Actors: Everyone whose position, promise or report the tables record.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``actor_id`` (string): Stable id of the actor.
        - ``name`` (string): Full name.
        - ``short_name`` (string): Short label for charts.
        - ``kind`` (category): What kind of body it is.

    Source
    ------
    ``data/actors.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("actors", data_dir)


def load_stances(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Stance scale: The ordinal scale on which positions are coded (see CODEBOOK.md), defined once.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``stance`` (category (ordered)): Code of the stance.
        - ``score`` (Int64): Ordinal score: 3 strongest support to -2 opposition.
        - ``label`` (string): Label for readers.
        - ``headline`` (string): The Government response's own word for this level, if any.
        - ``description`` (string): When the code applies.

    Source
    ------
    ``data/stances.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("stances", data_dir)


def load_statuses(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Status scale: The statuses a report can give a recommendation or commitment, defined once.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``status`` (string): Code of the status.
        - ``rank`` (Int64): How far along: 0 not adopted, then 1 planned to 4 delivered.
        - ``label`` (string): Label for readers.
        - ``description`` (string): When the code applies.

    Source
    ------
    ``data/statuses.csv``, described in ``data/datapackage.json``; written by the project.
    """
    return load_table("statuses", data_dir)


def load_recommendations(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Recommendations: The 15 recommendations of the Munro Review's final report (May 2011), as quoted in the Salford document.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``rec_id`` (Int64): Recommendation number, 1-15 in the final report.
        - ``theme_id`` (Int64): Theme of the Government response it falls under (see themes).
        - ``title`` (string): Short label (ours).
        - ``text`` (string): Full text of the recommendation, bullets kept, verbatim.
        - ``addressed_to`` (string): Who the recommendation asks to act.
        - ``munro_argument`` (string): Munro's argument for it, verbatim from the Salford document.
        - ``source_id`` (string): The source the row comes from (see sources).

    Source
    ------
    ``data/recommendations.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("recommendations", data_dir)


def load_responses(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Stances: The stance of an actor on a recommendation, coded from a verbatim quote.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``rec_id`` (Int64): Recommendation number (see recommendations).
        - ``actor_id`` (string): Who takes the position (see actors).
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``stance`` (category (ordered)): Coded stance (see stances and CODEBOOK.md).
        - ``quote`` (string): Verbatim passage that carries the stance.
        - ``note`` (string): Why it was coded so (ours).

    Source
    ------
    ``data/responses.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("responses", data_dir)


def load_commitments(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Commitments: Dated promises: the Government response's timescales and other actors' dated plans.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``commitment_id`` (string): Stable id: actor, recommendation, sequence.
        - ``rec_id`` (Int64): Recommendation number (see recommendations).
        - ``actor_id`` (string): Who made the promise (see actors).
        - ``description`` (string): What was promised (ours).
        - ``due_text`` (string): When, as the source words it.
        - ``due_date`` (datetime64[ns]): Last day of the stated period; empty where no date is
          given.
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.
        - ``promise`` (string): What kind of promise it is: ``deliver`` something, or ``decide``
          (consider, identify or decide), read from the quote's verb.

    Source
    ------
    ``data/commitments.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("commitments", data_dir)


def load_progress(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Progress: What later reports say happened: each status is the claim of the actor that reports it.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``progress_id`` (string): Stable id: source, recommendation, sequence.
        - ``rec_id`` (Int64): Recommendation number (see recommendations).
        - ``commitment_id`` (string): The commitment this answers, where it answers one (see
          commitments).
        - ``as_of`` (datetime64[ns]): Date of the report.
        - ``reported_by`` (string): Whose claim the status is (see actors).
        - ``scope`` (category): National or local progress: local is the reporter's own area
          unless place names another.
        - ``place`` (string): The area a local row is about, where it is not the reporter's own (a
          council's area, by name); empty for national rows and for the reporter's own area.
        - ``status`` (category (ordered)): Reported status.
        - ``event_date`` (datetime64[ns]): When it happened, where the source says.
        - ``detail`` (string): What happened (ours).
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/progress.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("progress", data_dir)


def load_lead_officers(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Lead officers: Local lead officers named for each recommendation.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``rec_id`` (Int64): Recommendation number (see recommendations).
        - ``actor_id`` (string): The council (see actors).
        - ``officer_name`` (string): Name of the officer.
        - ``officer_role`` (string): Post held.
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/lead_officers.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("lead_officers", data_dir)


def load_figures(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Key figures: Numbers the sources report: survey results, counts, money, workforce.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``figure_id`` (string): Stable id of the figure.
        - ``value`` (Float64): The number.
        - ``unit`` (string): Unit of the value (percent, count, gbp...).
        - ``denominator`` (Float64): What it is out of, where the source says.
        - ``description`` (string): What the number counts (ours).
        - ``topic`` (category): Area of the progress report it belongs to.
        - ``as_of`` (datetime64[ns]): Date the figure refers to, or the report date.
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/figures.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("figures", data_dir)


def load_verdicts(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Overall verdicts: Overall judgements on progress one year on.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``verdict_id`` (string): Stable id of the verdict.
        - ``actor_id`` (string): Whose judgement it is (see actors).
        - ``area`` (category): Area judged.
        - ``verdict`` (string): The judgement in one sentence (ours).
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/verdicts.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("verdicts", data_dir)


def load_further_recommendations(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Further recommendations: Recommendations made after the review's fifteen, in a later report.

    Munro's own, in her progress report of May 2012 (paragraph 6.10); none of the fifteen's
    tables holds them, as they are not among the recommendations the Government responded to.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``further_id`` (string): Stable id of the further recommendation.
        - ``actor_id`` (string): Who made the recommendation (see actors).
        - ``addressed_to`` (string): To whom it is made (see actors).
        - ``paragraph`` (string): Where in the source it is made: the paragraph number the source
          gives.
        - ``recommendation`` (string): The recommendation in one sentence (ours).
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/further_recommendations.csv``, described in ``data/datapackage.json``; each row cites a
    source.
    """
    return load_table("further_recommendations", data_dir)


def load_glossary(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Glossary: The abbreviations the pages use, each spelt out as a source spells it out.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``term`` (string): The abbreviation as the pages write it.
        - ``expansion`` (string): Its full form, as the quote gives it.
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source in which the full form appears.

    Source
    ------
    ``data/glossary.csv``, described in ``data/datapackage.json``; each row cites a source.
    """
    return load_table("glossary", data_dir)


def load_general_comments(data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """General comments: What an actor said of the review as a whole, beside its stance on each
    recommendation.

    Parameters
    ----------
    data_dir : path, optional
        The data folder (see :func:`resolve_data_dir`).

    Returns
    -------
    pandas.DataFrame
        - ``comment_id`` (string): Stable id: actor, "general", sequence.
        - ``actor_id`` (string): Whose comment it is (see actors).
        - ``summary`` (string): The comment in one sentence (ours).
        - ``source_id`` (string): The source the row comes from (see sources).
        - ``quote`` (string): Verbatim passage of the source that supports the row.

    Source
    ------
    ``data/general_comments.csv``, described in ``data/datapackage.json``; each row cites a
    source.
    """
    return load_table("general_comments", data_dir)
