"""The synthetic national-scale data: valid, deterministic, never written into data/."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from synthetic import generate, main

import munro_data
from munro_data._package import REPO_DATA_DIR


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


def test_national_data_is_valid_under_the_same_schema(tmp_path: Path) -> None:
    out = generate(tmp_path / "national", authorities=152, seed=7)
    report = munro_data.validate(out)
    assert report.ok, report.problems[:5]
    data = report.frames()
    councils = data["actors"].query("kind == 'local_authority' and actor_id.str.startswith('la-')")
    assert len(councils) == 152
    recs = len(data["recommendations"])
    synthetic = data["responses"][data["responses"]["actor_id"].isin(councils["actor_id"])]
    assert len(synthetic) == 152 * recs
    updates = data["progress"][data["progress"]["reported_by"].isin(councils["actor_id"])]
    assert updates.groupby("reported_by")["as_of"].nunique().eq(3).all()


def test_same_seed_same_data_other_seed_other_data(tmp_path: Path) -> None:
    a = digest(generate(tmp_path / "a", authorities=5, seed=1))
    b = digest(generate(tmp_path / "b", authorities=5, seed=1))
    c = digest(generate(tmp_path / "c", authorities=5, seed=2))
    assert a == b
    assert a != c


def test_never_writes_into_the_real_data(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="refusing"):
        generate(REPO_DATA_DIR / "national")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    assert main([str(tmp_path / "full")]) == 1
