"""One page per recommendation: a short notebook for each recommendation in the data.

The notebooks are made, not written: each holds the same two cells for its own number. For the
project's own data they are tracked (with their outputs, which nbval checks); for other data
they are made in the build folder beside the other executed notebooks, so a recommendation an
analyst adds gets its page too.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_raw_cell

from .. import load_recommendations

PATTERN = "notebooks/rec-*.ipynb"


def notebook_path(root: Path, rec_id: int) -> Path:
    return root / "notebooks" / f"rec-{int(rec_id):02d}.ipynb"


def recommendation_notebook(rec_id: int) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.cells = [
        new_raw_cell(f'---\ntitle: "Recommendation {int(rec_id)}"\n---'),
        new_code_cell(
            "from munro_data.pages import load_context, show\n"
            "from munro_data.pages import recommendations as page\n\n"
            f"show(page.recommendation_page(load_context(), {int(rec_id)}))"
        ),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def sync(root: Path, data_dir: Path) -> list[Path]:
    """Make the page notebook of every recommendation in ``data_dir`` that lacks one under
    ``root``, and remove those of recommendations no longer in it; return them in order."""
    wanted = {notebook_path(root, rec): rec for rec in load_recommendations(data_dir)["rec_id"]}
    for path in root.glob(PATTERN):
        if path not in wanted:
            path.unlink()
    for path, rec in wanted.items():
        fresh = recommendation_notebook(rec)
        if not path.is_file() or _cells(nbformat.read(path, as_version=4)) != _cells(fresh):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".ipynb.tmp")
            nbformat.write(fresh, tmp)
            os.replace(tmp, path)
    return sorted(wanted)


def _cells(nb: nbformat.NotebookNode) -> list:
    return [[c.cell_type, c.source] for c in nb.cells]
