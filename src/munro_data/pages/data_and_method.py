"""The Data and method page: the codebook, who reported each status, the data dictionary, the
sources and the downloads."""

from __future__ import annotations

import pandas as pd
from great_tables import GT

from .. import codebook as read_codebook
from .. import list_tables
from ..escape import markdown_sections, md
from ._context import Context
from ._parts import Html, Prose, gt_table, number_word, plural
from .sources import page_name


def intro(ctx: Context) -> Prose:
    return Prose(
        "This page says how the tracker's data was made and lets you take it away. Every table"
        " is a CSV file described in a [Frictionless](https://frictionlessdata.io) data package,"
        f" and every statement in it carries a verbatim quote from one of the"
        f" {number_word(len(ctx.sources))} sources listed below; the project's tests check that"
        " each quote occurs in its source."
    )


def codebook(ctx: Context) -> list[Prose | Html]:
    """The codebook, its own first heading replaced by this section's.

    The codebook is Markdown the data folder holds: it is parsed and sanitised into finished
    HTML (see :func:`munro_data.escape.markdown_sections`), so no renderer reads its text as
    Markdown. Only its headings, as escaped text, are Markdown, a level below this section's,
    so that the page's list of contents holds them.
    """
    text = read_codebook(ctx.data_dir)
    if not text:
        return [Prose("This data folder has no CODEBOOK.md.")]
    sections = markdown_sections(text)
    out: list[Prose | Html] = []
    for index, (level, heading, body) in enumerate(sections):
        if level and not (index == 0 and level == 1):
            out.append(Prose(f"{'#' * min(level + 1, 6)} {md(heading)}"))
        if body.strip():
            # The sanitiser leaves tables bare; the site's own class styles them as the others.
            out.append(Html(body.replace("<table>", '<table class="table">')))
    return out


def reporters_table(ctx: Context) -> pd.DataFrame:
    """Progress rows counted by who made the claim, in which source, at what date."""
    pool = plural(len(ctx.pooled), "local authority", "local authorities")
    progress = ctx.progress.assign(
        source_id=lambda d: d["source_id"].where(
            ~d["reported_by"].isin(ctx.pooled), "their own reports"
        ),
        reporter=lambda d: d["reported_by"].map(
            lambda a: pool if a in ctx.pooled else ctx.actor_name[a]
        ),
    )
    who = (
        progress.groupby(["as_of", "source_id", "reporter", "scope"], observed=True)
        .agg(rows=("progress_id", "size"), recommendations=("rec_id", "nunique"))
        .reset_index()
    )
    # A reader knows a report by its title, not by the data's id for it.
    titles = dict(zip(ctx.sources["source_id"], ctx.sources["title"], strict=True))
    who["source_id"] = who["source_id"].map(lambda s: titles.get(s, s))
    who["as_of"] = who["as_of"].dt.strftime("%d %B %Y")
    return who


def reporters(ctx: Context) -> GT:
    return gt_table(reporters_table(ctx), "tbl-reporters").cols_label(
        as_of="As of",
        source_id="Source",
        reporter="Reported by",
        scope="Scope",
        rows="Statuses reported",
        recommendations="Recommendations covered",
    )


def dictionary_table(ctx: Context) -> pd.DataFrame:
    rows = []
    for resource in ctx.descriptor.get("resources", []):
        name = str(resource.get("name"))
        schema = resource.get("schema", {})
        key = schema.get("primaryKey", [])
        size = len(ctx.table(name))
        for field in schema.get("fields", []):
            constraints = field.get("constraints", {})
            notes = []
            if field.get("name") in key:
                notes.append("key")
            if constraints.get("required"):
                notes.append("required")
            if "enum" in constraints:
                notes.append("one of: " + ", ".join(map(str, constraints["enum"])))
            for fk in schema.get("foreignKeys", []):
                if fk.get("fields") == [field.get("name")]:
                    notes.append(f"a {fk['reference']['resource']} code")
            if field.get("verbatim"):
                notes.append("verbatim from the source")
            rows.append(
                {
                    "table": f"{name} ({plural(size, 'row')})",
                    "column": str(field.get("name")),
                    "type": str(field.get("type", "string")),
                    "description": str(field.get("description", "")),
                    "notes": "; ".join(notes),
                }
            )
    return pd.DataFrame(rows)


def dictionary(ctx: Context) -> GT:
    table = gt_table(dictionary_table(ctx), "tbl-dictionary", groupname_col="table")
    return table.cols_label(
        column="Column", type="Type", description="Meaning", notes="Constraints"
    )


def sources_table(ctx: Context) -> pd.DataFrame:
    names = [n for n in list_tables(ctx.data_dir) if n != "sources"]
    frames = [ctx.table(n) for n in names]
    used = pd.concat([f[["source_id"]] for f in frames if "source_id" in f], ignore_index=True)[
        "source_id"
    ].value_counts()
    listing = ctx.sources.assign(rows=ctx.sources["source_id"].map(used).fillna(0).astype(int))
    listing = listing[["source_id", "citation", "date_text", "kind", "licence", "rows"]].copy()
    listing["kind"] = listing["kind"].astype(str).str.replace("_", " ")
    # Each source links to its page, where every passage the data quotes is highlighted; the
    # link reads as the document's title, not the data's id for it.
    listing["source_id"] = [
        f"[{md(title)}]({page_name(s)})"
        for s, title in zip(listing["source_id"], ctx.sources["title"], strict=True)
    ]
    return listing


def sources(ctx: Context) -> GT:
    return (
        gt_table(sources_table(ctx), "tbl-sources")
        .fmt_markdown(columns="source_id")
        .cols_label(
            source_id="Document",
            citation="Citation",
            date_text="Date",
            kind="Kind",
            licence="Terms",
            rows="Statements quoting it",
        )
    )


def downloads(ctx: Context) -> Prose:
    descriptor = ctx.descriptor
    version = md(descriptor.get("version", "not recorded"))
    changed = pd.to_datetime(descriptor.get("lastModified"), errors="coerce")
    lines = [
        f"Data package version {version}"
        + (f", data last changed {changed:%d %B %Y}." if pd.notna(changed) else "."),
        "",
        "- [Every table in one Excel workbook](../downloads/munro-review-tracker.xlsx), a sheet"
        " per table",
        "- [datapackage.json](../downloads/datapackage.json), the schema of every table"
        " (Frictionless)",
    ]
    for name in list_tables(ctx.data_dir):
        lines.append(
            f"- [{md(name)}.csv](../downloads/{md(name)}.csv):"
            f" {plural(len(ctx.table(name)), 'entry', 'entries')}"
        )
    lines += [
        "",
        "The data is licensed CC BY 4.0; the source texts keep their own terms (see above).",
    ]
    return Prose("\n".join(lines))
