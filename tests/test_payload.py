"""Inert by construction: a data folder full of markup builds a site that shows it as text.

:func:`make_payload_copy` copies the data and appends payloads (script tags, event-handler
attributes with and without quotes, ``javascript:`` links, template braces, Markdown and table
syntax, a frame and an image from another host) to every text cell of every table, every enum
value (renamed wherever it occurs, the scale tables' keys included), every text of the
descriptor, ``CODEBOOK.md`` and every source text; each quote that gets a payload is added to
its source as a new paragraph, and a source file's name carries one too, so the copy still
validates. Where the validator refuses a payload in a column, the cell keeps its value and the
refusal is recorded: a refused payload is inert too. The ids' pattern refuses every payload,
which :func:`id_refusals` shows cell by cell; no other column refuses one.

Two copies: the one built and toured keeps the few codes the page code gives a meaning to
(:data:`CODE_KEYED`), so that every section has data to show; the one with every enum value
renamed is checked section by section in-process, the notebooks' code run with ``show``
collecting what the pages would display.

The site is built from the first copy once per renderer (nbconvert always, Quarto where it is on the
PATH), and every page is opened in Chromium: every chart drawn and every mark hovered, the
heatmap's menu used, the explorer's filters tried with every option, the site search asked for
a payload word and a plain one. Any dialog, any request to another host (or to a file outside
the site), or any markup from the data interpreted as markup fails the test. Markup interpreted
means: an element with an event-handler attribute that the data wrote, a ``javascript:`` link, a
frame, an image from anywhere but the site, a script holding a payload's code, or a payload's
Markdown (``**bold**``, ``| a | b |``) made into bold text or a table where the data is plain
text (a source text and CODEBOOK.md are Markdown: their own bold is bold). The literal text ``<script>`` on a page is the inert outcome, and each payload must be
shown so somewhere.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup
from conftest import (
    _require_browser,
    copy_data,
    copy_project,
    read_rows,
    require_quarto,
    write_rows,
)
from test_browser import _serve
from test_codebook import ATTACKS as CODEBOOK_ATTACKS
from test_codebook import live_markup
from test_hostile import place_edge_values

import munro_data
from munro_data.provenance import digest
from munro_data.site.build import build

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    '" onmouseover="alert(3)',
    "' onfocus='alert(4)' autofocus='",
    "[link](javascript:alert(5))",
    '<a href="javascript:alert(6)">x</a>',
    "{{7*7}}",
    "{% raw %}",
    "${alert(8)}",
    "| a | b |",
    "**bold**",
    "<svg onload=alert(9)>",
    "</textarea><iframe src=//evil.example>",
    "<img src=https://evil.example/x.png>",
)
# Quarto's Markdown reader prints typographic quotes: a payload shown as text may have them.
# Codes the page code gives a meaning to (``kind == "local_authority"``, ``scope ==
# "national"``, the statuses' order in munro_data.analysis). Renamed, the data is valid but the
# site no longer recognises councils, national reports or delivery, and the pages drop the
# sections that show the most data. So the copy that is built and toured in the browser keeps
# these codes (their labels, descriptions and every other enum value still carry payloads), and
# the copy with every enum value renamed is checked section by section in-process
# (test_every_section_of_every_page_is_inert_with_every_code_renamed).
CODE_KEYED = frozenset(
    {
        "local_authority",
        "press_article",
        "progress_report",
        "national",
        "local",
        "general",
        "overall",
        "not_adopted",
        "planned",
        "in_progress",
        "partly_delivered",
        "delivered",
    }
)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})


@dataclass
class PayloadCopy:
    """A payload copy of the data folder and what carries a payload in it."""

    path: Path
    cells: int = 0
    enum_values: dict[str, str] = field(default_factory=dict)
    descriptor_texts: int = 0
    # (file, column) -> payloads the validator refused there (the cells kept their values).
    refused: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    # Id columns: a pattern allows only [a-z0-9_-], so the validator refuses every payload.
    refused_ids: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # Codes kept as they are (CODE_KEYED).
    # The edge values validation accepts, by type, placed in their slots (test_hostile.SLOTS).
    edges: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"payloads in {self.cells} text cells, {len(self.enum_values)} enum and status"
            f" values renamed ({', '.join(self.kept) or 'none'} kept),"
            f" {self.descriptor_texts} descriptor texts, CODEBOOK.md and"
            " every source text",
            "refused by the validator (cells keep their values): "
            + "; ".join(
                f"{f} {c}: {len(p)} payload(s)" for (f, c), p in sorted(self.refused.items())
            ),
            "id columns refusing every payload (pattern [a-z0-9][a-z0-9_-]*): "
            + ", ".join(self.refused_ids),
        ]
        return "\n".join(lines)


def _row_lines(path: Path) -> list[int]:
    """The CSV line on which each data row starts (fields may span lines)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        starts, start = [], reader.line_num + 1
        for _ in reader:
            starts.append(start)
            start = reader.line_num + 1
    return starts


def _key_fields(schema: dict) -> set[str]:
    keys = set(schema.get("primaryKey", []))
    for fk in schema.get("foreignKeys", []):
        keys |= set(fk["fields"])
    return keys


def make_payload_copy(target: Path, keep: frozenset[str] = frozenset()) -> PayloadCopy:
    """Copy the data into ``target`` with a payload in every text the data holds (see above).

    Enum values and status codes in ``keep`` keep their names (see :data:`CODE_KEYED`).
    """
    copy = PayloadCopy(copy_data(target))
    payload = itertools.cycle(PAYLOADS)
    descriptor_path = target / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}

    # Enum values, and the status codes (a key of the status scale, with no enum), renamed
    # everywhere: in the descriptor's enums and in every cell of every column holding them.
    coded: dict[str, set[str]] = defaultdict(set)  # resource -> columns holding codes
    for name, r in resources.items():
        for f in r["schema"]["fields"]:
            values = f.get("constraints", {}).get("enum")
            if values and f.get("type", "string") == "string":
                coded[name].add(f["name"])
                for value in values:
                    if value not in keep:
                        copy.enum_values.setdefault(value, f"{value} {next(payload)}")
    coded["statuses"].add("status")
    coded["progress"].add("status")
    for status in read_rows(target / "statuses.csv")[1]:
        if status["status"] not in keep:
            copy.enum_values.setdefault(status["status"], f"{status['status']} {next(payload)}")
    for r in resources.values():
        for f in r["schema"]["fields"]:
            constraints = f.get("constraints", {})
            if "enum" in constraints:
                constraints["enum"] = [copy.enum_values.get(v, v) for v in constraints["enum"]]

    # Every other text cell: the payload appended, and a quote also added to its source.
    changed: dict[
        tuple[str, int, str], tuple[str, str]
    ] = {}  # (table, row, column) -> old, payload
    added_quotes: dict[str, list[str]] = defaultdict(list)  # source_id -> new quotes
    for name, r in resources.items():
        schema = r["schema"]
        keys = _key_fields(schema)
        path = target / r["path"]
        header, rows = read_rows(path)
        for f in schema["fields"]:
            column = f["name"]
            if column in coded[name]:
                for row in rows:
                    if row[column]:
                        row[column] = copy.enum_values.get(row[column], row[column])
                continue
            if f.get("type", "string") != "string" or column in keys:
                continue  # Ids are tried apart, in id_refusals().
            for i, row in enumerate(rows):
                if not row[column]:
                    continue  # An empty optional cell stays empty: "none" is its meaning.
                text = next(payload)
                if column == "file":
                    # A source's file name carries the payload too (a "/" would name a folder).
                    while "/" in text:
                        text = next(payload)
                    (target / row[column]).rename(target / f"{row[column]} {text}")
                changed[(name, i, column)] = (row[column], text)
                row[column] = f"{row[column]} {text}"
                copy.cells += 1
                if f.get("verbatim"):
                    added_quotes[row["source_id"]].append(row[column])
        write_rows(path, header, rows)

    # Every text of the descriptor.
    def add(d: dict, key: str) -> None:
        if isinstance(d.get(key), str):
            d[key] = f"{d[key]} {next(payload)}"
            copy.descriptor_texts += 1

    for key in ("title", "description", "version"):
        add(descriptor, key)
    for licence in descriptor.get("licenses", []):
        add(licence, "title")
    for r in resources.values():
        add(r, "title")
        add(r, "description")
        for f in r["schema"]["fields"]:
            add(f, "title")
            add(f, "description")
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    # CODEBOOK.md (Markdown, so a heading, a list and a table of payloads) and the sources.
    every = " ".join(PAYLOADS)
    codebook = target / "CODEBOOK.md"
    codebook.write_text(
        codebook.read_text(encoding="utf-8")
        + f"\n## Payloads {PAYLOADS[1]}\n\n"
        + "".join(f"- {p}\n" for p in PAYLOADS)
        + f"\n{every}\n\n| code | rule |\n|---|---|\n| {PAYLOADS[0]} | {PAYLOADS[5]} |\n"
        # Every attack on Markdown the third adversarial round made (issue 24).
        + "\n## Attacks on Markdown\n\n"
        + "\n\n".join(CODEBOOK_ATTACKS.values())
        + "\n",
        encoding="utf-8",
    )
    for source in read_rows(target / "sources.csv")[1]:
        text = target / source["file"]
        paragraphs = [every, *added_quotes[source["source_id"]]]
        text.write_text(
            text.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n\n".join(paragraphs) + "\n",
            encoding="utf-8",
        )
    # The texts changed, so their pinned digests are brought up to date (a digest is no text).
    header, sources = read_rows(target / "sources.csv")
    for source in sources:
        source["sha256"] = digest((target / source["file"]).read_bytes())
    write_rows(target / "sources.csv", header, sources)

    # What the validator refuses keeps its value, and is recorded.
    for _ in range(3):
        munro_data.validation.descriptor._CHECKED.clear()
        report = munro_data.validate(target)
        if report.ok:
            break
        reverts: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
        for problem in report.problems:
            name = problem.file.removesuffix(".csv")
            lines = _row_lines(target / problem.file) if problem.file.endswith(".csv") else []
            row = lines.index(problem.line) if problem.line in lines else None
            if (name, row, problem.column) not in changed:
                pytest.fail(f"the payload copy fails validation where no payload is: {problem}")
            reverts[name][row].append(problem.column)
        for name, rows_to_revert in reverts.items():
            path = target / resources[name]["path"]
            header, rows = read_rows(path)
            for row, columns in rows_to_revert.items():
                for column in columns:
                    old, text = changed.pop((name, row, column))
                    if column == "file":
                        (target / rows[row][column]).rename(target / old)
                    rows[row][column] = old
                    copy.cells -= 1
                    copy.refused[(resources[name]["path"], column)].add(text)
            write_rows(path, header, rows)
    munro_data.validation.descriptor._CHECKED.clear()
    assert munro_data.validate(target).ok, munro_data.validate(target).problems
    copy.refused_ids = id_refusals(descriptor)
    codes = {
        v
        for r in resources.values()
        for f in r["schema"]["fields"]
        for v in f.get("constraints", {}).get("enum", [])
    }
    codes |= {r["status"] for r in read_rows(target / "statuses.csv")[1]}
    copy.kept = sorted(codes & keep)
    return copy


def id_refusals(descriptor: dict) -> list[str]:
    """Every id column whose pattern refuses every payload: tried in a scratch copy, each cell
    with a payload appended, and each such cell must be reported as a constraint error."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        data = copy_data(Path(scratch) / "data")
        expected = set()
        for r in descriptor["resources"]:
            path = data / r["path"]
            header, rows = read_rows(path)
            lines = _row_lines(path)
            for f in r["schema"]["fields"]:
                if "pattern" not in f.get("constraints", {}):
                    continue
                for i, (row, text) in enumerate(zip(rows, itertools.cycle(PAYLOADS))):
                    if i < len(PAYLOADS):  # Every payload once per column is enough.
                        row[f["name"]] = f"{row[f['name']]} {text}"
                        expected.add((r["path"], lines[i], f["name"]))
            write_rows(path, header, rows)
        munro_data.validation.descriptor._CHECKED.clear()
        problems = munro_data.validate(data).problems
        refused = {(p.file, p.line, p.column) for p in problems if p.kind == "constraint-error"}
        munro_data.validation.descriptor._CHECKED.clear()
    assert expected <= refused, sorted(expected - refused)
    return sorted({f"{file} {column}" for file, _, column in expected})


# -- The copy --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def payload_data(tmp_path_factory) -> PayloadCopy:
    copy = make_payload_copy(tmp_path_factory.mktemp("payload") / "data", keep=CODE_KEYED)
    # The edge values validation accepts go into the same copy, so that one build on other data
    # (the payload build) proves that they build too (tests/test_hostile.py).
    copy.edges = place_edge_values(copy.path)
    print("\n" + copy.summary())
    return copy


@pytest.fixture(scope="module")
def every_code_renamed(tmp_path_factory) -> PayloadCopy:
    copy = make_payload_copy(tmp_path_factory.mktemp("payload-all") / "data")
    print("\n" + copy.summary())
    return copy


def test_the_payload_copy_validates_with_payloads_everywhere(payload_data: PayloadCopy) -> None:
    assert munro_data.validate(payload_data.path).ok
    assert payload_data.cells > 500 and payload_data.descriptor_texts > 50
    frames = munro_data.load_all(payload_data.path)
    # Every payload reached a cell, and every enum value carries one.
    cells = " ".join(
        str(v) for frame in frames.values() for c in frame.columns for v in frame[c].astype(str)
    )
    assert all(p in cells for p in PAYLOADS)
    assert all(" " in new for new in payload_data.enum_values.values())
    # Every enum value of the descriptor and every status code was either renamed or kept
    # (counted from the data itself, so a new enum column is counted with it).
    data = munro_data.resolve_data_dir(None)
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    codes = {
        value
        for resource in descriptor["resources"]
        for fld in resource["schema"]["fields"]
        for value in fld.get("constraints", {}).get("enum", [])
    } | {row["status"] for row in read_rows(data / "statuses.csv")[1]}
    assert len(payload_data.enum_values) + len(payload_data.kept) == len(codes)
    assert payload_data.refused_ids, "the id columns must be tried"
    # No text column refuses a payload appended to its text: the formula rule reads a cell's
    # first character, and no payload holds a control character. (Were one refused, the cell
    # would keep its value and the refusal be listed here.)
    assert dict(payload_data.refused) == {}


# -- The builds ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def payload_project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("payload-project") / "project")


@pytest.fixture(scope="module")
def payload_site(payload_data: PayloadCopy, payload_project: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("payload-site") / "tracker"
    return build(out, payload_data.path, project_dir=payload_project, use_quarto=False)


@pytest.fixture(scope="module")
def payload_quarto_site(request, tmp_path_factory) -> Path:
    require_quarto()  # Before the other build, which would be wasted on a skip.
    # The notebooks are executed once, by the other build; Quarto renders their stored outputs.
    request.getfixturevalue("payload_site")
    data, project = (request.getfixturevalue(f) for f in ("payload_data", "payload_project"))
    out = tmp_path_factory.mktemp("payload-quarto") / "tracker"
    return build(out, data.path, project_dir=project, use_quarto=True)


def test_what_validates_builds(payload_data: PayloadCopy, payload_site: Path) -> None:
    """The edge values validation accepts (and the payloads) build the whole site, and no page
    shows a missing value for them."""
    from test_site import missing_values

    assert all(payload_data.edges.values()), payload_data.edges
    pages = list(payload_site.rglob("*.html"))
    assert len(pages) > 20
    shown = {page.name: missing_values(page.read_text(encoding="utf-8")) for page in pages}
    assert not any(shown.values()), shown


# -- The page layer: each hole the browser test found, as a unit test ------------------------

MARKUP = '<b onclick="alert(1)">x</b> [y](javascript:alert(2))'


def _raw_markup(markdown: str) -> list[str]:
    """Raw HTML, or a link to a script, in generated Markdown (a backslash makes either text)."""
    return re.findall(r"(?<!\\)<[a-z/!?]|(?<!\\)\]\(\s*javascript:", markdown, re.I)


@pytest.fixture
def labelled(data_copy: Path):
    """A context whose stance and status labels hold markup."""
    from munro_data.pages import load_context

    for table, column in (("stances", "label"), ("statuses", "label")):
        header, rows = read_rows(data_copy / f"{table}.csv")
        for row in rows:
            row[column] = f"{row[column]} {MARKUP}"
        write_rows(data_copy / f"{table}.csv", header, rows)
    return load_context(data_copy)


def _sections(*items) -> list:
    """The sections page functions returned, lists flattened and empty ones left out."""
    flat = []
    for item in items:
        if isinstance(item, list | tuple):
            flat += _sections(*item)
        elif item is not None:
            flat.append(item)
    return flat


def test_labels_in_table_cells_are_text(labelled) -> None:
    """great-tables puts what a ``fmt`` function returns into the cell as HTML."""
    from great_tables import GT

    from munro_data.pages import local, recommendations

    sections = _sections(
        recommendations.stances_by_theme(labelled),
        local.positions(labelled),
        local.local_progress(labelled),
    )
    tables = [s.as_raw_html() for s in sections if isinstance(s, GT)]
    assert len(tables) > 2
    assert not any('<b onclick="alert(1)">' in t for t in tables)


def test_labels_counted_in_prose_are_escaped(labelled) -> None:
    """Counts by label ("3 support, 1 concern") in Markdown go through escape.md."""
    from munro_data.pages import Prose, home, local, one_year_on, recommendations, stances

    sections = _sections(
        stances.differences(labelled),
        home.headlines(labelled),
        one_year_on.later_view(labelled),
        local.positions(labelled),
        local.local_progress(labelled),
        *(recommendations.recommendation_page(labelled, r) for r in range(1, 16)),
    )
    texts = [s.text for s in sections if isinstance(s, Prose)]
    assert len(texts) > 10
    assert [m for t in texts for m in _raw_markup(t)] == []


def test_the_codebook_is_sanitised_html_with_its_headings_as_text(data_copy: Path) -> None:
    from munro_data.pages import Html, Prose, data_and_method, load_context

    with (data_copy / "CODEBOOK.md").open("a", encoding="utf-8") as f:
        f.write(f"\n{MARKUP} ![i](https://evil.example/x.png) [z]{{onclick=alert(3)}}\n")
    sections = data_and_method.codebook(load_context(data_copy))
    assert [m for s in sections if isinstance(s, Prose) for m in _raw_markup(s.text)] == []
    html = "".join(s.markup for s in sections if isinstance(s, Html))
    assert live_markup(html.replace('<table class="table">', "<table>")) == []


# Slow (the payload build executes every notebook): its fixtures are asked for by name, so the
# tiers in conftest.py cannot see them.
@pytest.mark.slow
@pytest.mark.parametrize("renderer", ["nbconvert", "quarto"])
def test_shortcodes_and_raw_blocks_in_the_codebook_are_shown_as_typed(
    request, renderer: str
) -> None:
    """Neither renderer reads the codebook's text: Quarto's shortcodes and Pandoc's raw blocks
    are on the page as the text they are, and no file or variable they name is."""
    site = request.getfixturevalue(
        "payload_site" if renderer == "nbconvert" else "payload_quarto_site"
    )
    page = (site / "notebooks" / "06-data-and-method.html").read_text(encoding="utf-8")
    text = BeautifulSoup(page, "html.parser").get_text()
    for typed in ("{{< include ../../outside.txt >}}", "{{< env PATH >}}"):
        assert typed in text, typed
    assert os.environ["PATH"] not in text
    # The fenced raw block is a code block: its script is shown as text, never run.
    assert "<script>alert(15)</script>" not in page and "<script>alert(15)</script>" in text


def test_every_markdown_output_of_the_payload_build_is_inert(
    payload_site: Path, payload_data: PayloadCopy, payload_project: Path
) -> None:
    from munro_data.site.build import executed_root

    root = executed_root(payload_project, payload_data.path)
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("data", {}).get("text/markdown", ""))
                found += [f"{path.name}: {m}" for m in _raw_markup(text)]
    assert found == []


def test_quartos_search_index_holds_its_text_as_html(payload_quarto_site: Path) -> None:
    """Quarto's search script shows an entry's text as HTML: the index escapes it."""
    index = json.loads((payload_quarto_site / "search.json").read_text(encoding="utf-8"))
    assert any("&lt;script>alert(1)&lt;/script>" in e["text"] for e in index)
    assert not any("<" in e["text"] for e in index)


# Plotly draws a few tags in its labels; a label from the data has every "<" escaped, so any
# other tag in a figure's text came from the data. The charts' own links to a recommendation's
# page (pages._interact) are the one tag the code adds around a label, always to rec-NN.html.
_PLOTLY_TAG = re.compile(
    r'<(?!/?(?:br|b|i|extra)>|a href="rec-\d+\.html" target="_self">|/a>)', re.I
)


def _markup_in_html(html: str) -> list[str]:
    """What INTERPRETED finds in the browser, found in a section's HTML before any script ran."""
    from bs4 import BeautifulSoup

    bad = []
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.find_all(True):
        for name, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.startswith("on") and "alert" in value or name == "autofocus":
                bad.append(f"attribute {name}: {str(el)[:120]}")
            if re.match(r"\s*javascript:", value, re.I):
                bad.append(f"javascript: URL: {str(el)[:120]}")
        if el.name in ("iframe", "frame", "object", "embed", "textarea"):
            bad.append(f"element: {str(el)[:120]}")
        if el.name in ("img", "image") and re.search(r"^x$|evil\.example", el.get("src", "")):
            bad.append(f"image: {str(el)[:120]}")
        if el.name == "script" and re.fullmatch(r"\s*alert\(\d\)\s*", el.get_text()):
            bad.append(f"script: {str(el)[:120]}")
        # A source text is shown as the document it is, its own Markdown rendered (bold too),
        # as CODEBOOK.md is; raw HTML in it stays text (the checks above).
        in_source = el.find_parent(class_="source-text") is not None
        if el.name in ("strong", "b") and el.get_text(strip=True) == "bold" and not in_source:
            bad.append(f"bold: {str(el)[:120]}")
    return bad


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def page_sections(data: Path, monkeypatch) -> dict[str, list]:
    """Every section every page shows for ``data``: the notebooks' code run in this process,
    with ``show`` collecting what it is given (much faster than executing the notebooks)."""
    import nbformat

    import munro_data.pages
    from munro_data.site import _recpages
    from munro_data.site._config import PROJECT_DIR

    notebooks = {
        p.name: nbformat.read(p, as_version=4)
        for p in [PROJECT_DIR / "index.ipynb", *sorted((PROJECT_DIR / "notebooks").glob("0*"))]
    }
    for rec in munro_data.load_recommendations(data)["rec_id"]:
        notebooks[f"rec-{rec}"] = _recpages.recommendation_notebook(rec)
    for source in munro_data.load_sources(data)["source_id"]:
        notebooks[f"src-{source}"] = _recpages.source_notebook(source)
    monkeypatch.setenv("MUNRO_DATA_DIR", str(data))
    sections: dict[str, list] = {}
    for name, nb in notebooks.items():
        shown = sections.setdefault(name, [])
        monkeypatch.setattr(
            munro_data.pages, "show", lambda *items, shown=shown: shown.extend(_sections(*items))
        )
        namespace: dict = {}
        for cell in nb.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, name, "exec"), namespace)
    return sections


def test_every_section_of_every_page_is_inert_with_every_code_renamed(
    every_code_renamed: PayloadCopy, monkeypatch
) -> None:
    from great_tables import GT

    from munro_data.pages import Chart, Html, Prose

    found, counted = [], 0
    for page, sections in page_sections(every_code_renamed.path, monkeypatch).items():
        for section in sections:
            counted += 1
            if isinstance(section, Prose):
                found += [f"{page}: Markdown {m}" for m in _raw_markup(section.text)]
            elif isinstance(section, GT):
                found += [f"{page}: {m}" for m in _markup_in_html(section.as_raw_html())]
            elif isinstance(section, Html):
                found += [f"{page}: {m}" for m in _markup_in_html(section.markup)]
            elif isinstance(section, Chart):
                figure = section.figure.to_plotly_json()
                found += [
                    f"{page}: {section.div_id} label {text[:80]!r}"
                    for text in _strings([figure["data"], figure["layout"]])
                    if _PLOTLY_TAG.search(text)
                ]
                found += [f"{page}: caption {m}" for m in _markup_in_html(section.html())]
            else:
                found.append(f"{page}: a section of an unknown type {type(section)}")
    print(f"\n{counted} sections checked with every code renamed")
    assert counted > 100
    # CODEBOOK.md is Markdown, so its own **bold** is bold: twice (a list item, a paragraph), as
    # the browser tour allows on the page that shows it.
    codebook_bold = [f for f in found if f.startswith("06-data-and-method.ipynb: bold:")]
    found = [f for f in found if f not in codebook_bold]
    assert len(codebook_bold) <= 2
    assert found == [], "\n".join(found)


# -- In the browser --------------------------------------------------------------------------

# Markup from the data interpreted as markup: what a payload would leave in the DOM had it
# become elements or attributes rather than text. The site's own markup has none of these.
INTERPRETED = r"""() => {
  const bad = [];
  const show = el => el.outerHTML.slice(0, 160);
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on") && /alert/.test(a.value)) bad.push("handler: " + show(el));
      if (name === "autofocus") bad.push("autofocus: " + show(el));
      if (/^\s*javascript:/i.test(a.value)) bad.push("javascript: URL: " + show(el));
    }
  }
  // Ids and the attributes naming them: slugs (or great-tables' and nbconvert's own), never
  // text that could close the attribute or start a tag.
  for (const el of document.querySelectorAll("[id], [for], [headers], [aria-labelledby]"))
    for (const name of ["id", "for", "headers", "aria-labelledby"])
      if (el.hasAttribute(name) && !/^[\w:.= -]*$/.test(el.getAttribute(name)))
        bad.push("id: " + show(el));
  for (const el of document.querySelectorAll("iframe, frame, object, embed, textarea"))
    bad.push("element: " + show(el));
  for (const el of document.querySelectorAll("img, image, source, video, audio")) {
    const src = el.getAttribute("src") || el.getAttribute("href") || "";
    if (src === "x" || /evil\.example/.test(src)) bad.push("image: " + show(el));
  }
  for (const el of document.querySelectorAll("script"))
    if (/^\s*alert\(\d\)\s*$/.test(el.textContent)) bad.push("script: " + show(el));
  for (const el of document.querySelectorAll("svg"))
    if (el.hasAttribute("onload")) bad.push("svg: " + show(el));
  // Markdown made markup: **bold** as bold text, | a | b | as a table's row.
  const bold = Array.from(document.querySelectorAll("strong, b"))
    .filter(el => el.textContent.trim() === "bold" && !el.closest(".source-text")).length;
  for (const el of document.querySelectorAll("td, th"))
    if (el.textContent.trim() === "a" && el.nextElementSibling
        && el.nextElementSibling.textContent.trim() === "b") bad.push("table: " + show(el.parentNode));
  return {bad, bold};
}"""

# Every mark a chart draws (as test_browser counts them), with its centre in the viewport.
MARKS = """chart => Array.from(chart.querySelectorAll(
    ".heatmaplayer .heatmap-label, .barlayer .point, .scatterlayer .point"))
  .map(m => m.getBoundingClientRect())
  .filter(r => r.width > 0 || r.height > 0)
  .map(r => [r.left + Math.min(r.width / 2, 20), r.top + r.height / 2])"""

VIEWPORT = {"width": 1280, "height": 1400}


@dataclass
class Tour:
    """What a reader's tour of a site met that it must not have."""

    site: Path
    origin: str
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    interpreted: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # Text the pages showed, for the literal check.
    hovered: int = 0
    menu_choices: int = 0  # Choices made in the charts' menus ("Rows by ...").
    filter_choices: int = 0  # Options chosen and words typed in the explorer's filters.
    pages: int = 0

    def allowed(self, url: str) -> bool:
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about"):
            return True
        if parsed.scheme == "file":
            return Path(parsed.path).resolve().is_relative_to(self.site.resolve())
        return parsed.scheme == "http" and parsed.netloc == self.origin

    def route(self, route) -> None:
        if self.allowed(route.request.url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()


def _new_tour(browser, site: Path, base: str):  # noqa: F811
    tour = Tour(site, urlparse(base).netloc)
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", tour.route)
    page = context.new_page()
    page.on("dialog", lambda d: (tour.dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
    page.on("request", lambda r: tour.allowed(r.url) or tour.foreign.append(r.url))
    return tour, context, page


def _check_dom(tour: Tour, page, where: str, codebook_bold: int = 0) -> None:
    found = page.evaluate(INTERPRETED)
    tour.interpreted += [f"{where}: {b}" for b in found["bad"]]
    # CODEBOOK.md is Markdown, so its own **bold** is bold: twice (a list item, a paragraph),
    # on the page that shows it.
    if found["bold"] > codebook_bold:
        tour.interpreted.append(f"{where}: {found['bold']} **bold** shown as bold")
    tour.shown.append(page.evaluate("() => document.body.innerText"))


def _hover_every_mark(tour: Tour, page) -> None:
    charts = page.query_selector_all(".js-plotly-plot, .plotly-graph-div")
    for chart in charts:
        chart.scroll_into_view_if_needed()
        chart.wait_for_selector(".main-svg", state="attached", timeout=15_000)
    for chart in page.query_selector_all(".plotly-graph-div"):
        chart.evaluate("c => { c.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }")
        page.wait_for_timeout(50)
        points = chart.evaluate(MARKS)
        for x, y in points:
            if not 60 <= y <= VIEWPORT["height"] - 10:
                page.evaluate(f"() => window.scrollBy(0, {y - VIEWPORT['height'] / 2})")
                points_now = chart.evaluate(MARKS)
                x, y = points_now[points.index([x, y])]
            page.mouse.move(x, y)
            page.wait_for_timeout(15)
            tour.hovered += 1
            tour.shown.append(chart.evaluate("c => c.querySelector('.hoverlayer').textContent"))
        # The heatmap's menu ("Rows by ..."): every choice.
        buttons = ".updatemenu-dropdown-button, .updatemenu-button"
        for header in chart.query_selector_all(".updatemenu-header-group"):
            header.click()  # A dropdown makes its buttons when it opens.
            for i in range(len(chart.query_selector_all(buttons))):
                if i:
                    header.click()
                chart.query_selector_all(buttons)[i].click()
                tour.menu_choices += 1
                page.wait_for_timeout(100)
    # A click on a heatmap's cell, as a reader might, last: it opens the recommendation's page,
    # which must be on the site; then back, for the filters and the checks of this page.
    heatmap = page.query_selector(".plotly-graph-div .heatmaplayer")
    if heatmap is not None:
        chart = page.query_selector(".plotly-graph-div:has(.heatmaplayer)")
        chart.evaluate("c => { c.scrollIntoView({block: 'start'}); window.scrollBy(0, -90); }")
        x, y = chart.evaluate(MARKS)[0]
        before = page.url
        page.mouse.click(x, y)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        if page.url != before:
            if not tour.allowed(page.url):
                tour.foreign.append(page.url)
            page.go_back(wait_until="load")


def _use_filters(tour: Tour, page) -> None:
    """Every option of every explorer filter, then a payload word and a plain one typed."""
    for select in page.query_selector_all(".munro-explorer select[data-filter]"):
        values = select.evaluate("s => Array.from(s.options).map(o => o.value)")
        for value in [*values, ""]:
            select.select_option(value=value)
            tour.filter_choices += 1
    for box in page.query_selector_all(".munro-explorer input[data-filter]"):
        for text in ("<script>", "alert", "Ofsted", ""):
            box.fill(text)
            tour.filter_choices += 1


def _search(page, renderer: str) -> None:
    """The site search, for a payload's word and a plain one, every result listed."""
    box, results = (
        ("#quarto-search input.aa-Input", ".aa-Panel .aa-Item a")
        if renderer == "quarto"
        else ("#search-input", ".search-results li a")
    )
    for query in ("alert", "onerror", "script", "Ofsted"):
        page.fill(box, query)
        page.wait_for_selector(results, timeout=10_000)
        more = page.query_selector(".search-more")
        if more is not None:
            more.click()
        page.wait_for_timeout(300)


def tour_site(browser, site: Path, base: str, renderer: str) -> Tour:  # noqa: F811
    tour, context, page = _new_tour(browser, site, base)
    try:
        pages = sorted(
            p.relative_to(site).as_posix()
            for p in site.rglob("*.html")
            if "site_libs" not in p.parts
        )
        for name in pages:
            page.goto(base + name, wait_until="load")
            _hover_every_mark(tour, page)
            _use_filters(tour, page)
            _check_dom(tour, page, f"{renderer} {name}", codebook_bold=2 * int("data-and" in name))
            tour.pages += 1
        page.goto(base + "notebooks/02-stances.html", wait_until="load")
        _search(page, renderer)
        _check_dom(tour, page, f"{renderer} search")
        # The first result for a payload's word, opened.
        page.fill(
            "#quarto-search input.aa-Input" if renderer == "quarto" else "#search-input", "alert"
        )
        first = ".aa-Panel .aa-Item a" if renderer == "quarto" else ".search-results li a"
        page.wait_for_selector(first)
        page.click(first)
        page.wait_for_load_state("load")
        _check_dom(tour, page, f"{renderer} search result {page.url}")
    finally:
        context.close()
    return tour


def served_tour(browser, site: Path, renderer: str) -> Tour:  # noqa: F811
    server = _serve(site)
    try:
        return tour_site(browser, site, next(server), renderer)
    finally:
        next(server, None)  # Shuts the server down.


def _assert_inert(tour: Tour) -> None:
    print(
        f"\n{tour.pages} pages, {tour.hovered} marks hovered, {tour.menu_choices} chart menu"
        f" choices, {tour.filter_choices} filter choices"
    )
    print("\n".join(["dialogs:", *tour.dialogs, "other hosts:", *tour.foreign]))
    print("\n".join(["interpreted:", *tour.interpreted]))
    assert tour.pages >= 27
    assert tour.hovered > 100
    assert tour.menu_choices >= 2 and tour.filter_choices > 10
    assert tour.dialogs == [], tour.dialogs
    assert tour.foreign == [], tour.foreign
    assert tour.interpreted == [], "\n".join(tour.interpreted)
    # Shown as text: every payload, as typed, somewhere on the site.
    text = " ".join(" ".join(t.split()) for t in tour.shown).translate(_QUOTES)
    missing = [p for p in PAYLOADS if " ".join(p.split()) not in text]
    assert missing == [], f"payloads never shown as text: {missing}"


def test_payloads_stay_inert_without_quarto(browser, payload_site: Path) -> None:  # noqa: F811
    _require_browser()
    _assert_inert(served_tour(browser, payload_site, "nbconvert"))


def test_payloads_stay_inert_with_quarto(browser, payload_quarto_site: Path) -> None:  # noqa: F811
    _require_browser()
    _assert_inert(served_tour(browser, payload_quarto_site, "quarto"))
