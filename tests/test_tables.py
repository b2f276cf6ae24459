"""The table contract: columns, types, keys, enums and the coverage the tracker promises."""

from __future__ import annotations

import inspect
import re

import pandas as pd
import pytest

import munro_data
from munro_data._package import read_tables, resolve_data_dir
from munro_data.pages._parts import NUMBER_WORDS

TABLES = read_tables(resolve_data_dir())
EXPECTED_DTYPES = {"integer": "Int64", "number": "Float64", "string": "string"}
ALL_RECS = set(range(1, 16))
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return munro_data.load_all()


def test_list_tables_matches_the_descriptor(data_copy) -> None:
    """list_tables() follows the descriptor's resources, read here without the package."""
    import json

    path = data_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    names = [r["name"] for r in descriptor["resources"]]
    assert munro_data.list_tables(data_copy) == names
    assert names[:3] == ["sources", "themes", "actors"]
    # Reordered in the descriptor, reordered in the list.
    descriptor["resources"].reverse()
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert munro_data.list_tables(data_copy) == names[::-1]


@pytest.mark.parametrize("name", TABLES)
def test_each_table_has_a_documented_loader(name: str) -> None:
    loader = getattr(munro_data, f"load_{name}")
    assert f"load_{name}" in munro_data.__all__
    documented = re.findall(r"- ``(\w+)`` \(", inspect.getdoc(loader))
    assert documented == TABLES[name].field_names, "the docstring must list the schema's columns"


@pytest.mark.parametrize("name", TABLES)
def test_columns_and_types_come_from_the_schema(name: str, data) -> None:
    frame = data[name]
    table = TABLES[name]
    assert list(frame.columns) == table.field_names
    assert len(frame) > 0
    for f in table.fields:
        dtype = frame[f.name].dtype
        if f.enum:
            assert isinstance(dtype, pd.CategoricalDtype), f.name
            assert list(dtype.categories) == list(f.enum)
            assert dtype.ordered == f.ordered
        elif f.type == "date":
            assert pd.api.types.is_datetime64_any_dtype(dtype), f.name
        else:
            assert str(dtype) == EXPECTED_DTYPES[f.type], f.name
        if f.required:
            assert frame[f.name].notna().all(), f"{name}.{f.name} has empty cells"


@pytest.mark.parametrize("name", TABLES)
def test_primary_keys_are_unique(name: str, data) -> None:
    key = list(TABLES[name].primary_key)
    assert key, f"{name} declares no primary key"
    assert not data[name].duplicated(key).any()


@pytest.mark.parametrize(
    ("name", "fk"),
    [(t.name, fk) for t in TABLES.values() for fk in t.foreign_keys],
    ids=lambda v: v if isinstance(v, str) else ",".join(v.fields),
)
def test_foreign_keys_resolve(name: str, fk, data) -> None:
    child = data[name][list(fk.fields)].dropna().astype(str).drop_duplicates()
    parent = data[fk.resource][list(fk.reference_fields)].astype(str)
    parent.columns = list(fk.fields)
    missing = child.merge(parent, how="left", indicator=True).query("_merge == 'left_only'")
    assert missing.empty, missing


def test_stance_scale_is_defined_once_and_ordered(data) -> None:
    stances = data["stances"]
    assert dict(zip(stances["stance"].astype(str), stances["score"], strict=True)) == {
        "strong_support": 3,
        "support": 2,
        "qualified_support": 1,
        "undecided": 0,
        "concern": -1,
        "oppose": -2,
    }
    # The enum order (used for sorting and legends) must follow the scores.
    ordered = list(data["responses"]["stance"].dtype.categories)
    assert ordered == list(stances.sort_values("score", ascending=False)["stance"].astype(str))


# -- Coverage ------------------------------------------------------------------------------


def test_all_fifteen_recommendations_with_text_and_argument(data) -> None:
    recs = data["recommendations"]
    assert set(recs["rec_id"]) == ALL_RECS
    assert recs["theme_id"].nunique() == len(data["themes"]) == 4
    assert (recs["text"].str.len() > 60).all() and (recs["munro_argument"].str.len() > 60).all()


@pytest.mark.parametrize("actor", ["government", "adcs", "salford"])
def test_three_actors_take_a_stance_on_every_recommendation(actor: str, data) -> None:
    responses = data["responses"]
    assert set(responses.loc[responses["actor_id"] == actor, "rec_id"]) == ALL_RECS


def test_government_stance_follows_its_headline(data) -> None:
    """Accept = support, Accept in principle = qualified support, Consider further = undecided."""
    coding = {
        "accept in principle": "qualified_support",
        "consider further": "undecided",
        "accept": "support",
    }
    government = data["responses"].query("actor_id == 'government'")
    for quote, stance in zip(government["quote"], government["stance"].astype(str), strict=True):
        headline = re.search(
            r"government response\W+(accept in principle|consider further|accept)",
            munro_data.normalise(quote).lower(),  # Quotes keep their case; this reads it.
        )
        assert headline, f"the quote must carry the Government's headline: {quote[:80]}"
        assert coding[headline.group(1)] == stance, quote[:80]


def test_all_five_sources_are_used(data) -> None:
    used = set()
    for name, frame in data.items():
        if "source_id" in frame and name != "sources":
            used |= set(frame["source_id"])
    assert used == set(data["sources"]["source_id"])


def test_commitment_dates_match_their_wording(data) -> None:
    commitments = data["commitments"]
    assert (commitments["actor_id"].isin(["government", "ofsted"])).sum() >= 15
    for _, row in commitments.iterrows():
        due_text = row["due_text"] if pd.notna(row["due_text"]) else ""
        years = {int(y) for y in re.findall(r"\b(20\d\d)\b", due_text)}
        years |= {2000 + int(y) for y in re.findall(r"\b20\d\d[-–]\s?(\d\d)\b", due_text)}
        if pd.isna(row["due_date"]):
            assert not years, f"{row['commitment_id']}: a dated promise needs a due_date"
            continue
        due = row["due_date"]
        assert due == due + pd.offsets.MonthEnd(0), (
            f"{row['commitment_id']}: use the month's last day"
        )
        if years:
            assert due.year in years, f"{row['commitment_id']}: {due.date()} vs {row['due_text']!r}"


def test_status_of_every_recommendation_as_at_may_2012(data) -> None:
    progress = data["progress"]
    appendix = progress[
        (progress["source_id"] == "munro-2012") & (progress["as_of"] == pd.Timestamp("2012-05-22"))
    ]
    assert set(appendix["rec_id"]) == ALL_RECS


def test_derby_reports_national_and_local_progress(data) -> None:
    derby = data["progress"].query("source_id == 'derby-2013'")
    assert set(derby["scope"]) == {"national", "local"}
    assert (derby["as_of"] == pd.Timestamp("2013-03-19")).all()


def test_progress_is_dated_no_earlier_than_its_source(data) -> None:
    progress = data["progress"].merge(data["sources"][["source_id", "date"]], on="source_id")
    assert (progress["as_of"] <= progress["date"]).all()
    assert (
        progress["event_date"].isna()
        | (progress["event_date"] <= progress["as_of"] + pd.offsets.MonthEnd(0))
    ).all()


def test_salford_lead_officers(data) -> None:
    """Salford names a lead officer under most recommendations (none under 4, 5, 6, 7, 15)."""
    officers = data["lead_officers"]
    assert set(officers["actor_id"]) == {"salford"}
    assert set(officers["rec_id"]) == ALL_RECS - {4, 5, 6, 7, 15}
    for row in officers.itertuples():
        assert munro_data.normalise(row.officer_name) in munro_data.normalise(row.quote)


def test_key_figures_appear_in_their_quotes(data) -> None:
    """A figure's value must be legible in its quote (as digits, or as a fraction in words)."""
    figures = data["figures"]
    assert len(figures) >= 20
    words = {"half": 50, "a third": 33.3, "two thirds": 66.7, "a quarter": 25, "three quarters": 75}
    counting = list(NUMBER_WORDS[1:13])  # one to twelve
    for _, row in figures.iterrows():
        quote = munro_data.normalise(row["quote"]).replace(",", "")
        numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", quote)}
        numbers |= {v for w, v in words.items() if w in quote}
        numbers |= {n for n, w in enumerate(counting, start=1) if re.search(rf"\b{w}\b", quote)}
        for tens, unit in re.findall(
            rf"\b({'|'.join(TENS)})(?:[ -]({'|'.join(counting[:9])}))?\b", quote
        ):
            numbers.add(10 * (TENS.index(tens) + 2) + (counting.index(unit) + 1 if unit else 0))
        numbers |= {1000 * n for n, w in enumerate(counting, start=1) if f"{w} thousand" in quote}
        value = float(row["value"])
        assert any(
            abs(value - n) < 0.06 or abs(value - n * 1e6) < 1 or abs(value - n * 1e9) < 1
            for n in numbers
        ), f"{row['figure_id']}: {value} not in {row['quote'][:90]!r}"


def test_last_modified_date_follows_the_data() -> None:
    """datapackage.json's lastModified (shown on the Data page) is not older than the data."""
    import json
    import shutil
    import subprocess

    folder = resolve_data_dir()
    if shutil.which("git") is None or not (folder.parent / ".git").exists():
        pytest.skip("not a git checkout")
    last_commit = subprocess.run(
        ["git", "log", "-1", "--format=%cs", "--", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    declared = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))["lastModified"]
    assert not last_commit or declared >= last_commit, "update lastModified in datapackage.json"
