"""Pages made from the data: a short notebook for each recommendation and for each source.

The notebooks are made, not written: each holds the same two cells for its own number. For the
project's own data they are tracked (with their outputs, which nbval checks); for other data
they are made in the build folder beside the other executed notebooks, so a recommendation or
a source an analyst adds gets its page too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_raw_cell

from .. import analysis, load_actors, load_recommendations, load_responses, load_sources
from ..escape import md, slug

PATTERN = "notebooks/rec-*.ipynb"
SOURCE_PATTERN = "notebooks/src-*.ipynb"
ACTOR_PATTERN = "notebooks/actor-*.ipynb"


def notebook_path(root: Path, rec_id: int) -> Path:
    return root / "notebooks" / f"rec-{int(rec_id):02d}.ipynb"


def source_path(root: Path, source_id: str) -> Path:
    return root / "notebooks" / f"src-{slug(source_id)}.ipynb"


def source_title(title: str, date_text: str) -> str:
    """A source page's title: the document's own title and its date, as Markdown (Quarto reads
    a title as Markdown; the build without Quarto undoes the escapes).

    >>> source_title("A <b>review</b>", "May 2012 (status table as at 22 May 2012)")
    'A &lt;b&gt;review&lt;/b&gt; (May 2012)'
    """
    date = str(date_text).split(" (")[0].strip()
    return md(f"{title} ({date})" if date else title)


def source_notebook(source_id: str, title: str | None = None) -> nbformat.NotebookNode:
    # The id is data: it reaches the code cell only as a string literal (JSON's quoting, which
    # is Python's too and what the formatter writes). The title reaches the front matter
    # escaped for Markdown, then quoted for YAML by JSON's rules (JSON is YAML).
    return _notebook(
        title or f"Source: {slug(source_id)}",
        "from munro_data.pages import load_context, show\n"
        "from munro_data.pages import sources as page\n\n"
        f"show(page.source_page(load_context(), {json.dumps(source_id)}))",
    )


def recommendation_notebook(rec_id: int) -> nbformat.NotebookNode:
    return _notebook(
        f"Recommendation {int(rec_id)}",
        "from munro_data.pages import actors, load_context, show\n"
        "from munro_data.pages import recommendations as page\n\n"
        "ctx = load_context()\n"
        f"show(page.recommendation_page(ctx, {int(rec_id)}))\n"
        f"show(actors.on_recommendation(ctx, {int(rec_id)}))",
    )


def actor_path(root: Path, actor_id: str) -> Path:
    return root / "notebooks" / f"actor-{slug(actor_id)}.ipynb"


def actor_notebook(actor_id: str, name: str) -> nbformat.NotebookNode:
    # As for a source: the id reaches the code only as a string literal, the name the title
    # only escaped for Markdown.
    return _notebook(
        md(name),
        "from munro_data.pages import actors as page\n"
        "from munro_data.pages import load_context, show\n\n"
        f"show(page.actor_page(load_context(), {json.dumps(actor_id)}))",
    )


def _notebook(title: str, code: str) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nb.cells = [
        new_raw_cell(f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---"),
        new_code_cell(code),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    return nb


def sync(root: Path, data_dir: Path) -> list[Path]:
    """Make the page notebook of every recommendation and source in ``data_dir`` that lacks one
    under ``root``, and remove those no longer in it; return them in order."""
    wanted = (
        {
            notebook_path(root, rec): recommendation_notebook(rec)
            for rec in load_recommendations(data_dir)["rec_id"]
        }
        | {
            actor_path(root, actor): actor_notebook(actor, name)
            for actor, name in _actors_with_page(data_dir)
        }
        | {
            source_path(root, source): source_notebook(source, source_title(title, date))
            for source, title, date in load_sources(data_dir)[
                ["source_id", "title", "date_text"]
            ].itertuples(index=False)
        }
    )
    for path in [*root.glob(PATTERN), *root.glob(SOURCE_PATTERN), *root.glob(ACTOR_PATTERN)]:
        if path not in wanted:
            path.unlink()
    for path, fresh in wanted.items():
        if not path.is_file() or _cells(nbformat.read(path, as_version=4)) != _cells(fresh):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".ipynb.tmp")
            nbformat.write(fresh, tmp)
            os.replace(tmp, path)
    return sorted(wanted)


def _actors_with_page(data_dir: Path) -> list[tuple[str, str]]:
    """Every actor but the councils counted together (see munro_data.pages.actors)."""
    actors = load_actors(data_dir)
    pooled = set(analysis.split_actors(actors, load_responses(data_dir))[1])
    return [
        (a, n) for a, n in zip(actors["actor_id"], actors["name"], strict=True) if a not in pooled
    ]


def _cells(nb: nbformat.NotebookNode) -> list:
    return [[c.cell_type, c.source] for c in nb.cells]
