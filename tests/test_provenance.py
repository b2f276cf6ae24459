"""Provenance: the normalisation rules, and 100% of quotes found in their sources."""

from __future__ import annotations

from pathlib import Path

import pytest

import munro_data
from munro_data import provenance


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("child\u2010centred", "child-centred"),  # U+2010, as in the PDFs.
        ("child\u2011centred \u2013 and \u2014 so", "child-centred - and - so"),
        ("\u2018ensure\u2019 \u201csafety\u201d", "'ensure' \"safety\""),
        ("line\nbreak\t and   spaces", "line break and spaces"),
        ("***Recommendation 1:*** text", "Recommendation 1: text"),  # Case is kept.
        ("soft\u00adhyphen", "softhyphen"),
        ("\ufb01nal", "\ufb01nal"),  # A compatibility form is not folded (CODEBOOK.md).
    ],
)
def test_normalise(raw: str, normalised: str) -> None:
    assert provenance.normalise(raw) == normalised


def test_ellipsis_joins_fragments_in_order() -> None:
    source = "Alpha beta gamma delta. Epsilon zeta eta theta iota."
    assert provenance.find_quote("Alpha beta gamma delta ... zeta eta theta iota", source)
    assert provenance.find_quote("Alpha beta gamma delta … zeta eta theta iota", source)
    assert not provenance.find_quote("zeta eta theta iota ... Alpha beta gamma delta", source)


@pytest.mark.parametrize(
    "quote", ["a", ".", ".*", "   ", "...", "the ... the", "alpha beta gamma ... delta", "…"]
)
def test_trivial_quotes_are_not_found(quote: str) -> None:
    source = "Alpha beta gamma. Delta epsilon. The end .* of ... the text."
    assert provenance.too_short(quote) is not None
    assert not provenance.find_quote(quote, source)


def test_every_real_quote_is_long_enough() -> None:
    report = munro_data.validate()
    assert not [p for p in report.problems if p.kind == "quote-too-short"]


def test_nearest_passage_points_at_the_likely_original() -> None:
    source = provenance.normalise("Intro text. The Government accepts this recommendation. Outro.")
    nearest = provenance.nearest_passage("the government accept this recommendation", source)
    assert "The Government accepts this recommendation" in nearest


def test_a_long_wrong_quote_is_refused_fast_and_briefly(data_copy: Path) -> None:
    """32 KB of wrong quote (as long as a cell may be): rejected in well under a second, with a
    one-line message."""
    import time

    from conftest import read_rows, write_rows

    path = data_copy / "responses.csv"
    header, rows = read_rows(path)
    rows[0]["quote"] = " ".join(f"word{i % 997} different{i}" for i in range(6000))[:32_767]
    assert len(rows[0]["quote"]) == 32_767
    write_rows(path, header, rows)
    started = time.perf_counter()
    problems = munro_data.validate(data_copy).problems
    elapsed = time.perf_counter() - started
    assert [p.kind for p in problems] == ["quote-not-found"]
    assert elapsed < 1.0, elapsed
    assert len(str(problems[0])) < 400, str(problems[0])


def test_nearest_passage_is_linear() -> None:
    import time

    # 330 KB, twice our largest source.
    source = provenance.normalise("lorem ipsum dolor sit amet " * 12_000)
    started = time.perf_counter()
    nearest = provenance.nearest_passage("dolor sit amet consectetur " * 4000, source, width=80)
    assert time.perf_counter() - started < 1.0
    assert len(nearest) <= 80


def test_every_quote_is_found_in_its_source() -> None:
    report = munro_data.validate()
    assert report.problems == []
    verbatim_cells = sum(
        int(parsed.to_frame()[f.name].notna().sum())
        for parsed in report.tables.values()
        for f in parsed.table.fields
        if f.verbatim
    )
    assert report.quotes_checked == verbatim_cells > 150


def test_press_excerpts_keep_only_what_is_quoted() -> None:
    """The press article is copyright: its file holds the citation and the quoted passages."""
    data = munro_data.load_all()
    excerpt = munro_data.source_text("cypnow-2012")
    quotes = [
        q
        for frame in data.values()
        if "quote" in frame
        for q in frame.loc[frame["source_id"] == "cypnow-2012", "quote"]
    ]
    body = excerpt.split("\n\n", 1)[1]
    assert quotes
    assert sum(len(q) for q in quotes) >= 0.8 * len(provenance.normalise(body))


# The received copies, where this checkout sits beside them (as on the project's machines).
SEEDS = next(
    (
        p / "shared" / "seeds"
        for p in Path(__file__).resolve().parents
        if (p / "shared" / "seeds").is_dir()
    ),
    Path(__file__).resolve().parents[2] / "shared" / "seeds",
)
RECEIVED = {
    "adcs-2011": "000_0e64478f809a27c4.txt",
    "salford-2011": "001_d7026327912ba423.txt",
    "derby-2013": "002_720404e4720043f7.txt",
    "munro-2012": "003_6df86619dcfb9674.txt",
    "cypnow-2012": "004_33602170076fb409.txt",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the received source documents are not beside us")
@pytest.mark.parametrize("source_id", RECEIVED)
def test_sources_are_the_received_texts(source_id: str) -> None:
    received = (SEEDS / RECEIVED[source_id]).read_text(encoding="utf-8")
    kept = munro_data.source_text(source_id)
    if source_id == "cypnow-2012":
        # Only excerpts are kept: every quote must also be in the full article as received.
        data = munro_data.load_all()
        for frame in data.values():
            if "quote" in frame:
                for quote in frame.loc[frame["source_id"] == source_id, "quote"]:
                    assert provenance.find_quote(quote, received), quote
    else:
        assert kept == received, f"{source_id} differs from the document as received"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the received source documents are not beside us")
@pytest.mark.parametrize("source_id", RECEIVED)
def test_pinned_digests_are_those_of_the_received_texts(source_id: str) -> None:
    """sources.csv pins each text by SHA-256: the received document's own, or, for the one
    source kept as excerpts, the excerpts' (whose quotes the test above finds in the original)."""
    row = munro_data.load_sources().set_index("source_id").loc[source_id]
    kept = (munro_data.resolve_data_dir() / row["file"]).read_bytes()
    received = (SEEDS / RECEIVED[source_id]).read_bytes()
    assert row["sha256"] == provenance.digest(kept)
    if source_id != "cypnow-2012":
        assert row["sha256"] == provenance.digest(received)
