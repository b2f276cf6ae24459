"""What ``_quarto.yml`` says about the website: its pages, navigation and footer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from .._package import REPO_DATA_DIR

# The website project: the checkout this package lives in, or, for an installed package, the
# folder it is run in (which holds _quarto.yml, the notebooks and data/).
PROJECT_DIR = REPO_DATA_DIR.parent


@dataclass(frozen=True)
class Page:
    source: str  # Notebook path relative to the project, e.g. "notebooks/02-stances.ipynb".
    nav_text: str

    @property
    def output(self) -> str:
        """The page's URL path inside the site, as Quarto names it."""
        return str(Path(self.source).with_suffix(".html"))

    @property
    def root(self) -> str:
        """Relative path from the page back to the site root ("" or "../")."""
        return "../" * (len(Path(self.source).parts) - 1)


@dataclass(frozen=True)
class SiteConfig:
    project_dir: Path
    title: str
    description: str
    pages: tuple[Page, ...]  # Every page, in the render list's order (globs expanded).
    nav: tuple[Page, ...]  # The pages in the navbar, in its order.
    footer_left: str
    footer_right: str
    resources: tuple[str, ...]


def read_config(project_dir: Path = PROJECT_DIR, notebook_root: Path | None = None) -> SiteConfig:
    """The website as ``_quarto.yml`` describes it.

    A render entry with a ``*`` (the recommendations' pages) is expanded against the folder
    that holds the notebooks (``notebook_root``, by default the project), as Quarto does.
    """
    config = yaml.safe_load((project_dir / "_quarto.yml").read_text(encoding="utf-8"))
    website = config["website"]
    nav = {item["href"]: item.get("text", item["href"]) for item in website["navbar"]["left"]}
    render = config["project"].get("render") or list(nav)
    footer = website.get("page-footer", {})
    return SiteConfig(
        project_dir=project_dir,
        title=website["title"],
        description=website.get("description", ""),
        pages=tuple(
            Page(source, nav.get(source, source))
            for entry in render
            for source in _expand(entry, notebook_root or project_dir)
        ),
        nav=tuple(Page(source, text) for source, text in nav.items()),
        footer_left=footer.get("left", ""),
        footer_right=footer.get("right", ""),
        resources=tuple(config["project"].get("resources", [])),
    )


def _expand(entry: str, root: Path) -> list[str]:
    """A render-list entry as Quarto reads it: a glob anchored at the project with "/" (an
    unanchored one also matches the executed copies under build/).

    >>> _expand("/notebooks/rec-*.ipynb", Path(__file__).parents[3])[:1]
    ['notebooks/rec-01.ipynb']
    """
    entry = entry.removeprefix("/")
    if "*" not in entry:
        return [entry]
    return sorted(str(p.relative_to(root)) for p in root.glob(entry))


def front_matter(nb: nbformat.NotebookNode) -> dict:
    """The YAML front matter of a notebook's first raw cell, as Quarto reads it."""
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith("---"):
            return yaml.safe_load(cell.source.strip().strip("-")) or {}
        if cell.cell_type != "raw":
            break
    return {}
