"""The page layer: each section's rules on our data and on data made to test them."""

from __future__ import annotations

import html
import inspect
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import read_rows, write_rows
from markupsafe import escape

from munro_data import analysis
from munro_data.escape import md
from munro_data.pages import (
    Chart,
    Html,
    Prose,
    _promises,
    data_and_method,
    home,
    load_context,
    local,
    one_year_on,
    recommendations,
    stances,
    timeline,
)
from munro_data.pages._further import FURTHER, FURTHER_ANCHOR
from munro_data.pages._parts import NUMBER_WORDS
from munro_data.provenance import digest
from munro_data.site._config import PROJECT_DIR, read_config

NOTEBOOKS = [PROJECT_DIR / p.source for p in read_config().pages]
# The notebooks whose prose is typed; the pages of recommendations and sources are made.
# Pages the build makes from the data (one per recommendation, source or actor) are not typed.
TYPED = [p for p in NOTEBOOKS if not p.name.startswith(("rec-", "src-", "actor-"))]


@pytest.fixture(scope="module")
def ctx():
    return load_context()


def test_notebooks_are_thin() -> None:
    """The pages' logic lives in the package: all notebooks together hold under 200 lines.

    The recommendations', sources' and actors' pages are made from templates, so they count
    once.
    """
    lines = 0
    rec_pages = [p for p in NOTEBOOKS if p.name.startswith("rec-")]
    source_pages = [p for p in NOTEBOOKS if p.name.startswith("src-")]
    actor_pages = [p for p in NOTEBOOKS if p.name.startswith("actor-")]
    for path in TYPED + rec_pages[:1] + source_pages[:1] + actor_pages[:1]:
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        lines += sum(1 for cell in code for line in cell.splitlines() if line.strip())
        assert all("def " not in cell and "for " not in cell for cell in code), path.name
    assert lines < 200


# Words that would state a fact of the data if typed into a notebook's own prose.
_DATA_FACTS = re.compile(
    r"\b(?:20\d\d|" + "|".join(NUMBER_WORDS[2:]) + r")\b|Salford|Derby|last report\b", re.I
)


@pytest.mark.parametrize("path", TYPED, ids=lambda p: p.name)
def test_typed_prose_states_no_count_date_or_source(path: Path) -> None:
    """Counts, dates, sources and councils are generated; the typed prose stays true of any data.

    The review itself (May 2011, its final report) is history, not data, and may be named.
    """
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            text = cell.source.replace("In May 2011", "").replace("Protection (2011)", "")
            assert not _DATA_FACTS.findall(text), (path.name, _DATA_FACTS.findall(text))


def test_home_headlines_count_the_governments_answers(ctx) -> None:
    text = home.headlines(ctx).text
    government = ctx.responses[ctx.responses["actor_id"] == "government"]
    support = (government["stance"].astype(str) == "support").sum()
    assert f"\u201cAccept\u201d to {NUMBER_WORDS[support]}" in text
    last = ctx.later_reports.iloc[-1]
    assert f"counted at {ctx.report_name(last['source_id'])}:" in text


def test_commitments_by_report_count_only_what_was_reported_by_then(ctx) -> None:
    frame = home.commitments_by_report_table(ctx)
    assert len(frame) == len(ctx.later_reports)
    dated = ctx.commitments[
        ctx.commitments["actor_id"].isin(ctx.national_actors) & ctx.commitments["due_date"].notna()
    ]
    assert (frame.drop(columns="report").sum(axis=1) == len(dated)).all()


def test_glance_has_a_row_per_recommendation_and_a_column_per_report(ctx) -> None:
    frame, columns, _ = home.glance_table(ctx)
    assert len(frame) == len(ctx.recommendations)
    assert len(columns) == len(ctx.later_reports)
    assert frame["rec_id"].tolist() == ctx.recs_in_theme_order


def test_every_stance_is_in_the_explorer(ctx) -> None:
    rows = recommendations.explorer_rows(ctx)
    assert len(rows) == ctx.responses["actor_id"].isin(ctx.responding).sum()
    markup = recommendations.explorer(ctx).markup
    assert markup.count("<tr data-theme") == len(rows)


def test_heatmap_cells_are_recommendations_by_actors(ctx) -> None:
    chart = stances.heatmap(ctx)
    z = chart.figure.data[0].z
    assert len(z) == len(ctx.recommendations)
    assert len(z[0]) == len(stances.columns(ctx))
    assert stances.rows_by_disagreement(ctx)[0] in set(ctx.recommendations["rec_id"])


def test_status_grid_has_a_column_per_snapshot(ctx) -> None:
    chart = timeline.status_grid(ctx)
    assert len(chart.figure.data[0].x) == ctx.snapshots["as_of"].nunique()


def test_commitment_chart_draws_every_dated_commitment(ctx) -> None:
    chart = timeline.commitments_chart(ctx)
    bars = sum(len(t.y) for t in chart.figure.data if t.type == "bar")
    assert bars == ctx.commitments["due_date"].notna().sum()


def test_one_year_on_follows_the_first_and_last_reports(ctx) -> None:
    first, last = ctx.later_reports.iloc[0], ctx.later_reports.iloc[-1]
    assert f"{first['as_of']:%B %Y}" in one_year_on.status_heading(ctx).text
    assert f"{last['as_of']:%B %Y}" in one_year_on.later_view(ctx).text.splitlines()[0]
    assert one_year_on.areas(ctx) and "general" not in one_year_on.areas(ctx)


def test_every_area_figure_is_charted_or_listed(ctx) -> None:
    for area in one_year_on.areas(ctx):
        here = ctx.figures[ctx.figures["topic"] == area]
        shown = len(one_year_on.charted_figures(ctx, area)) + len(
            one_year_on.listed_figures(ctx, area)
        )
        assert shown == len(here), area


def _drawn_text(fig) -> str:
    """Every word a chart draws: its labels, bar texts and axis titles, without markup."""
    parts = [a.text for a in fig.layout.annotations]
    parts += [str(v) for t in fig.data for v in (t.text if t.text is not None else [])]
    parts += [fig.layout.xaxis.title.text or ""]
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(parts)))


def test_area_charts_show_like_with_like_without_ids(ctx) -> None:
    """Issue 19: an area's chart holds counts out of one stated total, on an axis of that total;
    shares of other wholes are listed in the table; no chart draws an id."""
    charted_any = False
    for area in one_year_on.areas(ctx):
        charted = one_year_on.charted_figures(ctx, area)
        chart = one_year_on.area_chart(ctx, area)
        if charted.empty:
            assert chart is None
            continue
        charted_any = True
        assert len(charted) >= 2 and "percent" not in set(charted["unit"])
        assert charted["unit"].nunique() == 1 and charted["denominator"].nunique() == 1
        assert list(chart.figure.layout.xaxis.range) == [0, charted["denominator"].iloc[0]]
        drawn = _drawn_text(chart.figure) + chart.caption
        for figure_id in ctx.figures["figure_id"]:
            assert figure_id not in drawn, (area, figure_id)
    assert charted_any


def test_area_charts_spell_out_an_abbreviation_the_page_has_not_used(ctx) -> None:
    """A chart's words are drawn, out of reach of the page's <abbr> (site/_reader.py): a term
    the text before the charts has not used is spelled out in the chart itself."""
    terms = ctx.table("glossary")
    glossary = dict(zip(terms["term"], terms["expansion"], strict=True))
    before = " ".join(
        p.text
        for p in (
            one_year_on.intro(ctx),
            one_year_on.verdict(ctx),
            one_year_on.about_the_figures(ctx),
        )
        if p is not None
    )
    for area in one_year_on.areas(ctx):
        chart = one_year_on.area_chart(ctx, area)
        if chart is None:
            continue
        drawn = _drawn_text(chart.figure)
        for term, expansion in glossary.items():
            used = re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", drawn)
            if used and not re.search(rf"(?<![\w-]){re.escape(term)}", before):
                assert expansion.lower() in drawn[: used.end() + 2].lower(), (area, term)


def test_dictionary_lists_every_field(ctx) -> None:
    fields = sum(len(r["schema"]["fields"]) for r in ctx.descriptor["resources"])
    assert len(data_and_method.dictionary_table(ctx)) == fields


def test_sections_return_what_show_displays(ctx) -> None:
    assert isinstance(stances.legend(ctx), Html)
    assert isinstance(timeline.view_as_of(ctx), Chart)
    assert isinstance(local.intro(ctx), Prose)


def test_combine_statuses_follows_the_statuses_table(ctx) -> None:
    ranks = dict(zip(ctx.statuses["status"], ctx.statuses["rank"], strict=True))
    assert analysis.combine_statuses(["planned", "in_progress"], ranks) == "in_progress"


# Data made to test the rules ---------------------------------------------------------------


def _append(path: Path, row: dict) -> None:
    header, rows = read_rows(path)
    write_rows(path, header, [*rows, {k: row.get(k, "") for k in header}])


def test_a_missing_table_row_or_new_status_never_breaks_a_page(data_copy: Path) -> None:
    """An actor with no stances, a status the palette has not seen: pages still build."""
    _append(
        data_copy / "statuses.csv",
        {
            "status": "paused",
            "rank": "5",
            "label": "Paused",
            "description": "Work stopped for now.",
        },
    )
    header, rows = read_rows(data_copy / "progress.csv")
    rows[0]["status"] = "paused"
    write_rows(data_copy / "progress.csv", header, rows)
    header, rows = read_rows(data_copy / "lead_officers.csv")
    write_rows(data_copy / "lead_officers.csv", header, rows[:1])
    ctx = load_context(data_copy)
    assert local.positions(ctx)
    rec = int(read_rows(data_copy / "progress.csv")[1][0]["rec_id"])
    assert "**Paused.**" in recommendations.rec_page_progress(ctx, rec).text
    assert recommendations.recommendation_page(ctx, rec)
    for module in (home, recommendations, stances, timeline, one_year_on, local, data_and_method):
        for name in dir(module):
            function = getattr(module, name)
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                if list(function.__code__.co_varnames[:1]) == ["ctx"] and (
                    function.__code__.co_argcount == 1
                ):
                    function(ctx)


def _later_world(data_copy: Path) -> Path:
    """Our data plus a new council (with its own paper) and a later national report."""
    folder = data_copy
    text = "Newtown Borough Council agrees with the review and will act on every recommendation promptly."
    (folder / "sources" / "newtown-2014.txt").write_text(text + "\n", encoding="utf-8")
    _append(
        folder / "sources.csv",
        {
            "source_id": "newtown-2014",
            "title": "Newtown's progress on Munro",
            "author": "Newtown Borough Council",
            "publisher": "Newtown Borough Council",
            "date": "2014-06-30",
            "date_text": "30 June 2014",
            "kind": "local_authority_report",
            "file": "sources/newtown-2014.txt",
            "sha256": digest((folder / "sources" / "newtown-2014.txt").read_bytes()),
            "licence": "Test text.",
            "citation": "Newtown (2014).",
        },
    )
    _append(
        folder / "actors.csv",
        {
            "actor_id": "newtown",
            "name": "Newtown Borough Council",
            "short_name": "Newtown",
            "kind": "local_authority",
        },
    )
    header, _ = read_rows(folder / "actors.csv")
    for rec in range(1, 4):
        _append(
            folder / "responses.csv",
            {
                "response_id": f"newtown-r{rec:02d}",
                "rec_id": str(rec),
                "actor_id": "newtown",
                "source_id": "newtown-2014",
                "stance": "support",
                "quote": text,
            },
        )
        _append(
            folder / "progress.csv",
            {
                "progress_id": f"newtown-2014-r{rec:02d}",
                "rec_id": str(rec),
                "as_of": "2014-06-30",
                "reported_by": "newtown",
                "scope": "national",
                "status": "delivered",
                "detail": "Test row.",
                "source_id": "newtown-2014",
                "quote": text,
            },
        )
    return folder


def test_sentences_follow_new_data(data_copy: Path) -> None:
    """With a new council and a later report, no generated sentence keeps the old facts."""
    folder = _later_world(data_copy)
    report = __import__("munro_data").validate(folder)
    assert report.ok, [str(p) for p in report.problems][:5]
    ctx = load_context(folder)
    assert "one of six public documents" in home.sources_sentence(ctx).text
    assert "June 2014" in home.sources_sentence(ctx).text
    assert f"counted at {ctx.report_name('newtown-2014')}:" in home.headlines(ctx).text
    assert "June 2014" in ctx.report_name("newtown-2014")
    assert "Newtown" in home.guide(ctx).text
    assert "Three later reports" in timeline.intro(ctx).text
    assert ctx.voice("newtown-2014", "newtown") in timeline.intro(ctx).text
    assert one_year_on.later_view(ctx).text.startswith(
        f"## The view from {ctx.report_name('newtown-2014')}"
    )
    assert "Newtown" in local.intro(ctx).text and "Three council papers" in local.intro(ctx).text
    assert "six sources" in data_and_method.intro(ctx).text
    assert "Newtown" in json.dumps(home.glance_table(ctx)[1])


def test_a_recommendation_not_adopted_reads_so_everywhere(ctx) -> None:
    """Rec 10's duty was not adopted (December 2011): no later status may say otherwise."""
    not_adopted = {
        p.rec_id
        for p in ctx.progress.itertuples()
        if str(p.status) == "not_adopted" and pd.isna(p.commitment_id)
    }
    assert not_adopted, "the data records a recommendation that was not adopted"
    frame, columns, codes = home.glance_table(ctx)
    for rec in not_adopted:
        row = frame.index[frame["rec_id"] == rec][0]
        assert {codes.loc[row, c] for c in columns} == {"not_adopted"}
        assert analysis.status_now(ctx.snapshots).set_index("rec_id").loc[rec, "status"] == (
            "not_adopted"
        )


def test_not_mentioned_never_hides_an_earlier_status(ctx) -> None:
    frame, columns, codes = home.glance_table(ctx)
    known = ctx.snapshots[ctx.snapshots["mentioned"]]["rec_id"]
    for column in columns:
        shown = codes.loc[frame["rec_id"].isin(known), column]
        assert "not_reported" not in set(shown)
    grid = timeline.status_grid(ctx).figure.data[0].text
    assert not any(cell == "Not mentioned" for row in grid for cell in row)


def test_commitments_are_counted_as_they_stood_at_each_report(ctx) -> None:
    """At a report's date a promise still open past its due date is overdue, not "not yet due"."""
    for when in ctx.later_reports["as_of"]:
        then = analysis.commitment_outcomes(ctx.commitments, ctx.progress, ctx.sources, as_of=when)
        still_open = then[then["outcome"] == "open"]
        assert (still_open["due_date"] >= when).all()


def test_every_recommendation_has_its_page_notebook() -> None:
    from munro_data.site import _recpages

    made = sorted(PROJECT_DIR.glob(_recpages.PATTERN))
    assert [p.name for p in made] == [
        f"rec-{rec:02d}.ipynb" for rec in sorted(load_context().recommendations["rec_id"])
    ]
    for path in made:
        rec = int(path.stem.removeprefix("rec-"))
        tracked = nbformat.read(path, as_version=4)
        fresh = _recpages.recommendation_notebook(rec)
        assert [c.source for c in tracked.cells] == [c.source for c in fresh.cells]


def test_each_recommendation_page_answers_first(ctx) -> None:
    now = analysis.status_now(ctx.snapshots).set_index("rec_id")
    for rec in ctx.recommendations["rec_id"]:
        first = recommendations.recommendation_page(ctx, rec)[0].text.splitlines()
        assert first[0].startswith("## "), first
        answer = first[2]
        status = ctx.status_text(now.loc[rec, "status"])
        last = ctx.later_reports["as_of"].max()
        said = ctx.voice(now.loc[rec, "source_id"], now.loc[rec, "reported_by"])
        if now.loc[rec, "as_of"] == last:
            assert answer.startswith(f"**Status at the last report: {status}** ({said})")
        else:
            # Carried forward from an earlier report: it says so, and that nothing came since.
            assert answer.startswith(f"**Last reported: {status}** ({said}); not mentioned since")


def test_recommendation_pages_link_in_order(ctx) -> None:
    order = sorted(ctx.recommendations["rec_id"])
    links = recommendations.rec_page_links(ctx, order[1]).text
    assert recommendations.page_href(order[0]) in links
    assert recommendations.page_href(order[2]) in links
    assert (
        recommendations.page_href(order[0])
        not in recommendations.rec_page_links(ctx, order[0]).text
    )


def test_every_quote_is_highlighted_on_its_source_page(ctx) -> None:
    from bs4 import BeautifulSoup

    from munro_data.pages import sources
    from munro_data.provenance import fragments, normalise

    for source_id in ctx.sources["source_id"]:
        soup = BeautifulSoup(sources.source_page(ctx, source_id).markup, "html.parser")
        for quote in sources.quotes_of(ctx, source_id):
            target = soup.find(id=sources.passage_id(quote))
            assert target is not None, (source_id, quote[:60])
            if target.name != "mark":  # a second passage starting at the same word
                target = target.find_next("mark")
            # The mark starts the quote's first part (a passage that overlaps another is cut
            # where the other starts or ends, so the mark may hold only its beginning).
            marked = normalise(target.get_text())
            assert marked and fragments(quote)[0].startswith(marked), (source_id, quote[:60])


def test_a_citation_says_whose_words_they_are(ctx) -> None:
    government = ctx.responses[ctx.responses["actor_id"] == "government"].iloc[0]
    cited = ctx.cite(government["source_id"], "government")
    assert cited.startswith("Government, as given in ")
    own = ctx.responses[ctx.responses["actor_id"] == "adcs"].iloc[0]
    assert not ctx.cite(own["source_id"], "adcs").startswith("ADCS, as given in")


def test_the_footer_states_no_data_fact() -> None:
    """The footer is on every page of every build, whatever the data: it lists no sources."""
    import yaml

    config = yaml.safe_load((PROJECT_DIR / "_quarto.yml").read_text(encoding="utf-8"))
    footer = config["website"]["page-footer"]
    for text in (footer["left"], footer["right"].replace("(2026)", "")):
        assert not _DATA_FACTS.findall(text), text


def test_a_recommendations_progress_has_a_heading_per_report_and_every_claim(ctx) -> None:
    for rec in ctx.recommendations["rec_id"]:
        rows = ctx.progress[
            (ctx.progress["rec_id"] == rec) & ~ctx.progress["reported_by"].isin(ctx.pooled)
        ]
        text = recommendations.rec_page_progress(ctx, rec).text
        reports = rows.sort_values("as_of")[
            ["as_of", "source_id", "reported_by", "scope"]
        ].drop_duplicates()
        headings = [line for line in text.splitlines() if line.startswith("### ")]
        # One heading per report and voice, in date order, naming the report and whose words.
        assert len(headings) == len(reports), rec
        for heading, report in zip(headings, reports.itertuples(), strict=True):
            assert md(ctx.voice(report.source_id, report.reported_by)) in heading, (rec, heading)
        # Every claim is a bullet under its report's heading.
        assert text.count("\n- **") == len(rows), rec


def test_the_status_strip_shows_each_reported_status_in_order(ctx) -> None:
    from bs4 import BeautifulSoup

    for rec in ctx.recommendations["rec_id"]:
        snap = ctx.snapshots[(ctx.snapshots["rec_id"] == rec) & ctx.snapshots["mentioned"]]
        strip = BeautifulSoup(recommendations.status_strip(ctx, rec).markup, "html.parser")
        chips = [li.span.span.get_text() for li in strip.select("li")]
        expected = [ctx.status_text(s) for s in snap.sort_values("as_of")["status"]]
        assert chips == expected, rec


def _rec_of(label: str) -> int:
    """The recommendation a chart's row or hover title names ("12. Employer…" is 12)."""
    return int(re.sub(r"<[^>]+>", "", label).split(".")[0])


def test_heatmap_menu_reorders_the_data_with_its_labels(ctx) -> None:
    """Each menu item carries the rows in its order, every cell with its own score, text and
    link, so that plotly colours each label for the cell it is on."""
    chart = stances.heatmap(ctx)
    buttons = chart.figure.layout.updatemenus[0].buttons
    orders = [ctx.recs_in_theme_order, stances.rows_by_disagreement(ctx)]
    table = stances.scores(ctx)
    for button, order in zip(buttons, orders, strict=True):
        data, ticks = button.args
        assert [_rec_of(y) for y in data["y"][0]] == order
        assert ticks["yaxis.categoryarray"] == data["y"][0] == ticks["yaxis.tickvals"]
        for rec, z, text, custom in zip(
            order, data["z"][0], data["text"][0], data["customdata"][0], strict=True
        ):
            expected = table.loc[rec].tolist()
            assert [None if pd.isna(v) else v for v in expected] == z
            assert text == [stances._score_text(v) for v in expected]
            assert {c[-1] for c in custom} == {recommendations.page_href(rec)}
        links = ticks["yaxis.ticktext"]
        assert [re.search(r'href="([^"]+)"', t).group(1) for t in links] == [
            recommendations.page_href(rec) for rec in order
        ]


def test_chart_marks_link_to_their_recommendation(ctx) -> None:
    """Every cell and bar carries its recommendation's page last in customdata, and every row's
    name is a link to it (chart-behaviour.js opens it on a click)."""
    heat = stances.heatmap(ctx).figure
    grid = timeline.status_grid(ctx).figure
    for fig in (heat, grid):
        trace = fig.data[0]
        for y, row in zip(trace.y, trace.customdata, strict=True):
            assert {cell[-1] for cell in row} == {recommendations.page_href(_rec_of(y))}
        for value, text in zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext, strict=True):
            assert f'href="{recommendations.page_href(_rec_of(value))}"' in text
        assert fig.layout.meta["links"] is True
    promises = timeline.commitments_chart(ctx).figure
    # The reports' lines (on their own axis) are no promise's and link nowhere.
    for trace in [t for t in promises.data if t.yaxis != "y2"]:
        for y, custom in zip(trace.y, trace.customdata, strict=True):
            assert custom[-1] == recommendations.page_href(_rec_of(y))


def test_promise_names_are_whole_or_cut_after_a_whole_word_and_unique(ctx) -> None:
    """Issue 19: no promise's name is cut mid-word; a shortened one ends at a word of the full
    name, marked with an ellipsis, and no two rows read the same."""
    dated = timeline.dated_commitments(ctx)
    named = _promises.names(dated)
    rows = [_promises.row_label(named[c]) for c in dated["commitment_id"]]
    assert len(set(rows)) == len(rows) == len(dated)
    shortened = 0
    for c in dated.itertuples():
        lines = named[c.commitment_id]
        assert len(lines) <= _promises.NAME_LINES + 1  # a third only for a due date
        assert max(len(line) for line in lines) <= _promises.NAME_WIDTH + 1
        full = f"{c.rec_id}. {c.description}"
        shown = " ".join(lines[: _promises.NAME_LINES])
        if shown.endswith(_promises.ELLIPSIS):
            shortened += 1
            kept = shown.removesuffix(_promises.ELLIPSIS)
            assert full.startswith(kept) and not full[len(kept)].isalnum(), (kept, full)
        else:
            assert shown == full
    # The longest names in the data need shortening: the check above is not vacuous.
    assert shortened > 0


def test_every_line_and_mark_of_the_promises_chart_is_in_its_legend(ctx) -> None:
    fig = timeline.commitments_chart(ctx).figure
    for trace in fig.data:
        assert trace.name and trace.showlegend is not False, trace.name
    lines = [t for t in fig.data if t.yaxis == "y2"]
    assert [t.name for t in lines] == [
        html.escape(n, quote=False) for _, n in _promises.report_lines(ctx)
    ]
    assert len({t.line.dash for t in lines}) == len(lines)
    # On a phone the names sit above their bars on white, so the reports' lines pass behind.
    above = fig.layout.meta["narrow"]["layout"]["annotations"]
    assert all(a["bgcolor"] == "white" for a in above)


def test_phone_layouts_fit_a_phone(ctx) -> None:
    """The narrow layouts' labels are short enough for a 375 px screen, and each undoes to the
    wide one."""
    grid = timeline.status_grid(ctx).figure
    narrow, wide = grid.layout.meta["narrow"], grid.layout.meta["wide"]
    assert set(narrow["layout"]) == set(wide["layout"])
    words = [w for row in narrow["data"]["text"][0] for w in row]
    assert len(words) == sum(len(row) for row in grid.data[0].z)
    lines = [line for w in words for line in html.unescape(w).split("<br>")]
    assert max(len(line) for line in lines) <= 14, words
    # One name per status at every width: a phone's cell is the label itself, in short lines.
    names = set(ctx.status_label.values())
    for word in words:
        whole = html.unescape(word).replace("<br>", " ").strip("()")
        assert whole in names, word
    for name in narrow["layout"]["yaxis.ticktext"]:
        lines = [re.sub(r"<[^>]+>", "", line) for line in name.split("<br>")]
        assert len(lines) <= 2 and max(len(html.unescape(line)) for line in lines) <= 21, lines
    promises = timeline.commitments_chart(ctx).figure
    above = promises.layout.meta["narrow"]["layout"]["annotations"]
    assert len(above) == len(timeline.dated_commitments(ctx))
    assert set(promises.layout.meta["narrow"]["layout"]) == set(
        promises.layout.meta["wide"]["layout"]
    )


def test_charts_run_their_behaviour_script(ctx) -> None:
    for chart in (
        stances.heatmap(ctx),
        timeline.status_grid(ctx),
        timeline.commitments_chart(ctx),
        timeline.view_as_of(ctx),
    ):
        html_ = chart.html()
        assert "window.MUNRO_CHART" in html_ and f'MUNRO_CHART("{chart.div_id}")' in html_


def test_further_recommendations_are_given_with_their_words(ctx) -> None:
    # Issue 21: Munro's own recommendation of May 2012 (paragraph 6.10), on One year on and
    # linked from the Recommendations page.
    rows = ctx.table("further_recommendations")
    assert len(rows)
    text = one_year_on.further_recommendations(ctx).text
    assert f"{{#{FURTHER_ANCHOR}}}" in text
    for row in rows.itertuples():
        assert row.recommendation in text
        assert row.quote in text
        assert f"paragraph {row.paragraph}" in text
        assert ctx.actor_full_name[row.addressed_to] in text
    link = recommendations.further_link(ctx).text
    assert f"04-one-year-on.html#{FURTHER_ANCHOR}" in link
    assert ctx.actor_full_name[rows["actor_id"].iloc[0]] in link


def test_a_folder_without_further_recommendations_still_builds(data_copy: Path) -> None:
    from munro_data.pages import sources

    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != FURTHER]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    (data_copy / "further_recommendations.csv").unlink()
    ctx = load_context(data_copy)
    assert one_year_on.further_recommendations(ctx) is None
    assert recommendations.further_link(ctx) is None
    assert sources.quotes_of(ctx, "munro-2012")


def test_a_local_row_about_another_place_names_it(ctx) -> None:
    placed = ctx.progress[ctx.progress["place"].notna()]
    assert len(placed), "the data has a local row about another place (Cornwall)"
    for row in placed.itertuples():
        assert row.scope == "local"
        text = recommendations.rec_page_progress(ctx, row.rec_id).text
        assert f"local work in {row.place}" in text
    unplaced = ctx.progress[ctx.progress["place"].isna()].iloc[0]
    assert recommendations.scope_text(unplaced["scope"], unplaced["place"]) in (
        "the national position",
        "local work",
    )


# One counting rule ----------------------------------------------------------------------------


def _stated_count_texts(ctx) -> dict[str, str]:
    """Every text the pages generate that may count promises: sentences, captions, headers."""
    from munro_data.pages import _parts

    texts = {
        "home.headlines": home.headlines(ctx).text,
        "home.commitments_by_report": home.commitments_by_report(ctx).as_raw_html(),
        "timeline.summary": timeline.slippage_summary(ctx).text,
        "timeline.chart": timeline.commitments_chart(ctx).summary,
        "one_year_on": "\n".join(
            p.text for p in [one_year_on.intro(ctx), one_year_on.later_view(ctx)] if p
        ),
        "local": local.intro(ctx).text,
    }
    for rec in ctx.recommendations["rec_id"]:
        texts[f"rec-{rec}"] = "\n".join(
            p.text if isinstance(p, _parts.Prose) else p.markup
            for p in recommendations.recommendation_page(ctx, rec)
        )
    return {name: html.unescape(text) for name, text in texts.items()}


def test_every_stated_count_of_promises_is_the_counting_functions(ctx) -> None:
    """Each count of promises on any page equals :func:`_counting.tally` for its scope and date.

    The sentences are found by their shape, so a page that counted another way ("31 dated
    commitments", "still open") would either fail to match (and the phrase checks below catch
    it) or match with other numbers.
    """
    from munro_data.pages import _counting

    labels = "|".join(re.escape(v.lower()) for v in analysis.OUTCOME_LABELS.values())
    item = rf"(\d+) ({labels})"
    sentence = re.compile(
        r"Of the (\d+) (dated promises? made by .+?), counted at (.+?): "
        rf"((?:{item})(?:, {item})*)(?:\.| \(see)"
    )
    scopes = {
        _counting.tally(ctx, scope).scope_words: scope
        for scope in (_counting.NATIONAL, _counting.LOCAL)
    }
    reports = ctx.later_reports
    by_label = {v.lower(): k for k, v in analysis.OUTCOME_LABELS.items()}
    found = {}
    for name, text in _stated_count_texts(ctx).items():
        assert not re.search(r"\d+ (?:dated )?commitments? (?:were|remained)", text), name
        assert "still open" not in text.lower(), name
        for match in sentence.finditer(text):
            total, words, when, listed = match.group(1, 2, 3, 4)
            scope = scopes[words]
            named = [r for r in reports.itertuples() if ctx.report_name(r.source_id) in when]
            assert len(named) == 1, (name, when)
            counted = _counting.tally(ctx, scope, named[0].as_of)
            stated = {by_label[label]: int(n) for n, label in re.findall(item, listed)}
            assert int(total) == counted.total, (name, match.group(0))
            assert stated == {k: v for k, v in counted.counts.items() if v}, (name, stated)
            # And the function's total is the data's: the scope's promises that name a date.
            made = ctx.commitments[
                ctx.commitments["actor_id"].isin(_counting.scope_actors(ctx, scope))
            ]
            assert counted.total == made["due_date"].notna().sum() == sum(stated.values())
            found[name] = found.get(name, 0) + 1
        # A bare total of a scope ("The 28 dated promises made by ...") is the function's too.
        for words, scope in scopes.items():
            for n in re.findall(rf"(\d+) {re.escape(words)}", text):
                assert int(n) == _counting.tally(ctx, scope).total, (name, words)
    assert found.get("home.headlines") == 1
    assert found.get("timeline.summary") == 2
    frame = home.commitments_by_report_table(ctx)
    for report, row in zip(reports.itertuples(), frame.to_dict("records"), strict=True):
        counts = _counting.tally(ctx, _counting.NATIONAL, report.as_of).counts
        assert {k: row[k] for k in counts} == counts


def test_no_promise_is_not_yet_due_once_its_date_has_passed(ctx) -> None:
    """At every report's date, and at the latest, "not yet due" holds only before the due date;
    a promise open past its date is "reported open" only if a report after the date said so."""
    dates = [None, *sorted(ctx.progress["as_of"].unique())]
    for when in dates:
        then = analysis.commitment_outcomes(ctx.commitments, ctx.progress, ctx.sources, as_of=when)
        at = then["counted_at"]
        passed = then["due_date"].notna() & (then["due_date"] < at)
        assert not (passed & (then["outcome"] == "open")).any(), when
        overdue = then[then["outcome"] == "open_overdue"]
        assert (overdue["last_report"] > overdue["due_date"]).all(), when
        silent = then[then["outcome"] == "not_reported_since"]
        assert (silent["last_report"] <= silent["due_date"]).all(), when
        assert (silent["due_date"] < silent["counted_at"]).all(), when


def test_due_dates_follow_the_codebook_rule(ctx) -> None:
    """Every row's due date is the last day its words name (the codebook's rule)."""
    from munro_data.pages._counting import due_from_text

    made = ctx.commitments["source_id"].map(ctx.sources.set_index("source_id")["date"])
    for row, made_on in zip(ctx.commitments.itertuples(), made, strict=True):
        expected = due_from_text(row.due_text, made_on)
        assert (pd.isna(expected) and pd.isna(row.due_date)) or expected == row.due_date, (
            row.commitment_id,
            row.due_text,
            row.due_date,
            expected,
        )


def test_differing_readings_are_said_and_quoted(ctx) -> None:
    """Where a recommendation's readings differ (a fall, or two voices at one date), its page
    says so in one sentence and quotes each; every page gives its evidence."""
    differing = 0
    for rec in ctx.recommendations["rec_id"]:
        text = recommendations.recommendation_page(ctx, rec)[0].text
        assert "*Evidence: " in text
        said = recommendations.readings(ctx, rec)
        if said["status"].nunique() > 1:
            differing += 1
            assert "**The reports differ.**" in text, rec
            for quote in said["quote"]:
                assert md(quote) in text, (rec, quote)
        else:
            assert "The reports differ" not in text, rec
    assert differing, "the data holds a recommendation whose readings differ"


def test_local_work_is_counted_as_pieces_of_work_on_recommendations(ctx) -> None:
    """A council's claims are counted as claims, its recommendations as recommendations."""
    assert local.authorities(1) == "1 local authority"
    assert local.authorities(3) == "3 local authorities"
    rows = local.local_progress_rows(ctx)
    texts = [p.text for p in local.local_progress(ctx) if isinstance(p, Prose)]
    for council, mine in rows[rows["reported_by"].isin(local.shown_councils(ctx))].groupby(
        "reported_by"
    ):
        said = [t for t in texts if f"{{#local-{council}}}" in t]
        assert said, council
        pieces = "piece" if len(mine) == 1 else "pieces"
        recs = mine["rec_id"].nunique()
        assert f"{len(mine)} {pieces} of local work on {recs} recommendation" in said[0]


def test_a_promise_to_decide_reads_as_a_decision(ctx) -> None:
    """Every promise to decide is labelled so; once kept, its outcome says what was decided."""
    decide = ctx.outcomes[ctx.outcomes["promise"] == "decide"]
    assert len(decide), "the data holds promises to decide"
    for rec, mine in decide.groupby("rec_id"):
        text = recommendations.rec_page_commitments(ctx, rec).text
        for c in mine.itertuples():
            line = next(x for x in text.splitlines() if md(c.description) in x)
            assert line.startswith("- Promise to decide"), line
            assert "**Delivered" not in line, line
            if c.outcome in ("on_time", "late", "delivered_undated"):
                assert "**Decided" in line, line


def test_every_fall_in_status_is_explained_where_it_is_shown(ctx) -> None:
    """A status lower than the one before it, in the glance table or the grid, is listed with
    its explanation beside them and on its recommendation's page."""
    ranks = dict(zip(ctx.statuses["status"], ctx.statuses["rank"], strict=True))
    later = ctx.snapshots[
        (ctx.snapshots["report"] != analysis.BASELINE) & ctx.snapshots["mentioned"]
    ].sort_values(["rec_id", "as_of"])
    falls = set()
    for rec, snaps in later.groupby("rec_id"):
        codes = [ranks.get(s, -1) for s in snaps["status"]]
        if any(b < a for a, b in zip(codes, codes[1:], strict=False)):
            falls.add(rec)
    assert falls, "the data holds a status that falls"
    for text in (home.status_falls(ctx).text, timeline.status_falls(ctx).text):
        listed = {int(n) for n in re.findall(r"rec-(\d+)\.html#summary", text)}
        assert listed == falls
        assert text.count("not a report by") + text.count("The same reporter") == len(falls)
    for rec in falls:
        assert "**The reports differ.**" in recommendations.recommendation_page(ctx, rec)[0].text
    # One year on lists what changed between its two reports: each fall there is explained too.
    for line in one_year_on.later_view(ctx).text.splitlines():
        found = re.search(r"rec-(\d+)\.html#summary", line)
        if found and int(found.group(1)) in falls:
            assert "not a report by" in line or "The same reporter" in line, line


def test_a_count_says_kept_and_what_kept_means_while_a_promise_says_how(ctx) -> None:
    """A count names kept promises "kept" (delivered, or decided where the promise was to
    decide) and says so where some were decided; one promise's line says which it was."""
    from munro_data.pages import _counting

    counted = _counting.tally(ctx, _counting.NATIONAL)
    kept = counted.frame[counted.frame["outcome"].isin(list(_counting.DECIDED))]
    decided = int((kept["promise"] == "decide").sum())
    sentence = counted.sentence("counted at the latest report")
    if decided:
        noun = "promise" if decided == 1 else "promises"
        assert sentence.endswith(f"for {decided} {noun} to consider or decide, decided.")
    else:
        assert "Kept means" not in sentence
    for row in ctx.outcomes.to_dict("records"):
        text = _counting.outcome_text(ctx, row)
        assert not text.startswith("Kept"), (row["commitment_id"], text)
        if row["outcome"] in _counting.DECIDED:
            verb = "Decided" if _counting.promise_kind(row) == "decide" else "Delivered"
            assert text.startswith(verb), (row["commitment_id"], text)
    # Without a promise to decide among them, no definition is needed.
    only_delivered = counted.frame.assign(promise="deliver")
    plain = _counting.Tally(counted.scope, counted.makers, counted.at, only_delivered)
    assert "Kept means" not in plain.sentence("counted at the latest report")


def test_makers_of_a_count_are_those_of_the_dated_promises(ctx) -> None:
    """A body whose promises are all undated is not named as a maker of dated promises."""
    from munro_data.pages import _counting

    for scope in (_counting.NATIONAL, _counting.LOCAL):
        counted = _counting.tally(ctx, scope)
        dated_makers = set(counted.frame["actor_id"])
        for actor in _counting.scope_actors(ctx, scope):
            named = ctx.actor_name_in_text(actor) in counted.makers
            assert named == (actor in dated_makers), (scope, actor, counted.makers)


def test_actors_named_on_a_recommendation_page_link_to_their_pages(ctx) -> None:
    """Each stance and each promise names its actor with a link to the actor's page."""
    from munro_data.pages._actor_links import page_name, with_page

    for rec_id in ctx.recommendations["rec_id"]:
        stances = recommendations.rec_page_stances(ctx, rec_id).text
        promises = recommendations.rec_page_commitments(ctx, rec_id).text
        for actor in ctx.responses.loc[ctx.responses["rec_id"] == rec_id, "actor_id"]:
            if actor in with_page(ctx):
                assert f"- **[{md(ctx.actor_name[actor])}]({page_name(actor)}):" in stances
        for actor in ctx.commitments.loc[ctx.commitments["rec_id"] == rec_id, "actor_id"]:
            if actor in with_page(ctx):
                assert f"[{md(ctx.actor_name[actor])}]({page_name(actor)}):" in promises, actor


# Every chart says what it shows -----------------------------------------------------------------


def _chart_sections(ctx) -> list[Chart]:
    charts = [one_year_on.status_chart(ctx)]
    charts += [one_year_on.area_chart(ctx, area) for area in one_year_on.areas(ctx)]
    charts += [timeline.status_grid(ctx), timeline.view_as_of(ctx)]
    charts += [timeline.commitments_chart(ctx), stances.heatmap(ctx)]
    return [c for c in charts if c is not None]


def _furthest(ctx) -> tuple[set[str], str]:
    """The two statuses of highest rank and their labels, read from the statuses table here."""
    top = ctx.statuses.sort_values("rank").tail(2)
    return set(top["status"]), f"{top['label'].iloc[1].lower()} or {top['label'].iloc[0].lower()}"


def _expected_status_titles(ctx) -> dict[str, str]:
    """The findings of the status charts, counted here from the snapshots themselves."""
    codes, words = _furthest(ctx)
    snap = ctx.snapshots
    first_report = ctx.later_reports.iloc[0]
    at_first = snap[
        (snap["as_of"] == first_report["as_of"]) & (snap["source_id"] == first_report["source_id"])
    ]
    first_done = at_first["status"].isin(codes).sum()
    first, last = snap["as_of"].min(), snap["as_of"].max()
    now = snap.loc[snap["as_of"] == last, "known_status"].isin(codes).sum()
    then = snap.loc[snap["as_of"] == first, "known_status"].isin(codes).sum()
    total = snap["rec_id"].nunique()
    verb = {1: "was"}
    column = timeline.snapshot_columns(ctx).drop_duplicates("as_of").set_index("as_of")["column"]
    return {
        "status-first-report": f"By {first_report['as_of']:%B %Y}, {first_done} of {total}"
        f" recommendations {verb.get(first_done, 'were')} {words}",
        "status-by-report": f"At the latest report ({column[last]}), {now} of {total}"
        f" recommendations {verb.get(now, 'were')} {words}, against {then} at the"
        f" {column[first]}",
    }


def test_each_chart_states_its_finding_from_the_data(ctx) -> None:
    """Each chart's title is its main fact, counted here from the tables the chart draws on."""
    frames = {c.frame.name: c.frame for c in _chart_sections(ctx)}
    for name, title in _expected_status_titles(ctx).items():
        assert frames[name].title == title
    # The commitments: the national bodies' promises delivered (on time, late, date not stated)
    # and on time, by the one counting rule.
    outcomes = ctx.outcomes[
        ctx.outcomes["actor_id"].isin(ctx.national_actors) & ctx.outcomes["due_date"].notna()
    ]
    delivered = outcomes["outcome"].isin(["on_time", "late", "delivered_undated"]).sum()
    on_time = (outcomes["outcome"] == "on_time").sum()
    assert frames["commitments"].title.startswith(
        f"{delivered} of the {len(outcomes)} dated promises made by"
    )
    assert (
        f", {on_time} of them on time, counted at the latest report" in frames["commitments"].title
    )
    # The stances: whose average score was highest and lowest, from the responses.
    scored = ctx.responses.drop_duplicates(["rec_id", "actor_id"])
    scored = scored[scored["actor_id"].isin(ctx.responding)]
    mean = scored["stance"].astype(str).map(ctx.stance_score).groupby(scored["actor_id"]).mean()
    top, bottom = mean.round(1).idxmax(), mean.round(1).idxmin()
    title = frames["stances"].title
    assert title.startswith(f"{ctx.actor_name[top]} took the most positive stance on average")
    assert f"{ctx.actor_name[bottom]} the least ({mean.round(1).min():+.1f})" in title
    # Each area's chart: its largest count, in the report's own words, out of the one total
    # every count of the chart shares.
    for area in one_year_on.areas(ctx):
        charted = one_year_on.charted_figures(ctx, area)
        if charted.empty:
            continue
        assert charted["denominator"].nunique() == 1 and charted["unit"].nunique() == 1
        title = frames[f"area-{area.replace('_', '-')}"].title
        top = charted.loc[charted["value"].astype(float).idxmax()]
        assert title.startswith(str(top["description"]).rstrip("."))
        assert title.endswith(f"the largest of the {len(charted)} counts")


def test_chart_findings_follow_changed_data(data_copy) -> None:
    """A status moved to the furthest status changes the counts in the findings, by one."""
    before = load_context(data_copy)
    codes, _ = _furthest(before)
    header, rows = read_rows(data_copy / "progress.csv")
    first = before.later_reports.iloc[0]
    moved = next(
        r
        for r in rows
        if r["source_id"] == first["source_id"]
        and r["reported_by"] == first["reported_by"]
        and r["status"] not in codes
        and r["scope"] == "national"
    )
    rec = moved["rec_id"]
    for r in rows:
        if r["rec_id"] == rec and r["source_id"] == first["source_id"]:
            r["status"] = before.statuses.sort_values("rank")["status"].iloc[-1]
    write_rows(data_copy / "progress.csv", header, rows)
    after = load_context(data_copy)
    expected = _expected_status_titles(after)
    assert expected != _expected_status_titles(before)
    assert one_year_on.status_chart_frame(after).title == expected["status-first-report"]
    assert timeline.status_grid_frame(after).title == expected["status-by-report"]
    assert (
        one_year_on.status_chart_frame(after).title != one_year_on.status_chart_frame(before).title
    )


def test_each_chart_has_a_subtitle_a_source_and_a_short_text_alternative(ctx) -> None:
    names = ctx.sources["source_id"].map(ctx.report_name)
    for chart in _chart_sections(ctx):
        frame = chart.frame
        assert frame is not None, chart.div_id
        assert frame.subtitle.endswith(".") and frame.title and not frame.title.endswith(".")
        # The source line names reports as every page names them.
        assert any(name in frame.source for name in names), (chart.div_id, frame.source)
        # The text alternative is the finding and what is counted, not every value.
        assert chart.summary == f"{frame.title}. {frame.subtitle}"
        assert len(chart.summary) < 500, chart.div_id
        html_out = chart.html()
        assert f'id="{chart.div_id}-caption"' in html_out
        assert str(escape(frame.title)) in html_out


def _drawn_rows(chart: Chart) -> int:
    """How many values the chart draws: cells of a heatmap, non-empty bars, or bars and rows."""
    total = 0
    for trace in chart.figure.data:
        if trace.type == "heatmap":
            total += sum(v is not None and v == v for row in trace.z for v in row)
        elif trace.type == "bar":
            total += sum(1 for x in trace.x if x)
    return total


def test_each_chart_table_holds_exactly_the_charts_data(ctx) -> None:
    """The table view and the CSV hold a row (or a cell) for each value the chart draws."""
    for chart in _chart_sections(ctx):
        table, drawn = chart.frame.table, _drawn_rows(chart)
        if chart.div_id in ("fig-status-first", "fig-view-as-of"):
            # A row per theme and status, counting the recommendations a bar draws.
            assert len(table) == drawn, chart.div_id
            bars = sum(sum(t.x) for t in chart.figure.data if t.type == "bar")
            assert table["Recommendations"].sum() == bars, chart.div_id
        elif chart.div_id in ("fig-status-by-report", "fig-stance-heatmap"):
            # A row per recommendation, a column per report or actor: a cell per coloured cell.
            cells = table.drop(columns="Recommendation")
            assert (cells != "").to_numpy().sum() == drawn, chart.div_id
            assert len(table) == len(chart.figure.data[0].y), chart.div_id
        elif chart.div_id == "fig-commitments":
            assert len(table) == drawn == len(timeline.dated_commitments(ctx))
        else:
            assert len(table) == drawn, chart.div_id
            assert table["Count"].tolist() == [float(x) for x in chart.figure.data[0].x]
        rendered = chart.html()
        assert rendered.count("<tr>") == len(table) + 1, chart.div_id  # and the header row
        assert "<caption>" in rendered and f"chart-{chart.frame.name}.csv" in rendered


def test_chart_csv_has_a_header_and_never_a_formula(ctx) -> None:
    import csv
    import io

    from munro_data.pages import ChartFrame
    from munro_data.pages._charts import chart_frames

    frames = chart_frames(ctx)
    assert sorted(f.name for f in frames) == sorted(c.frame.name for c in _chart_sections(ctx))
    assert len({f.csv_name for f in frames}) == len(frames)
    for frame in frames:
        rows = list(csv.reader(io.StringIO(frame.csv_bytes().decode("utf-8"))))
        assert rows[0] == list(frame.table.columns)
        assert len(rows) == len(frame.table) + 1
    bad = ChartFrame("x", "t", "s.", "src", pd.DataFrame({"a": ["fine", " =HYPERLINK(1)"]}))
    with pytest.raises(ValueError, match=r"chart-x\.csv.*row 2, column 'a'"):
        bad.csv_bytes()
