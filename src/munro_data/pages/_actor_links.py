"""Where an actor's page is, and its name linked to it: used by the actor pages themselves and
by every page that names an actor in a sentence or a list."""

from __future__ import annotations

from ..escape import md, slug
from ._context import Context


def page_name(actor_id: str) -> str:
    """An actor's page, beside the other pages under notebooks/."""
    return f"actor-{slug(actor_id)}.html"


def with_page(ctx: Context) -> list[str]:
    """The actors that have a page: every actor not counted with the pooled councils."""
    return [a for a in ctx.actors["actor_id"] if a not in set(ctx.pooled)]


def link(ctx: Context, actor_id: str, in_text: bool = False) -> str:
    """The actor's short name, linked to its page where it has one (Markdown); ``in_text``
    writes it as a sentence does, with "the" before the link ("the [Government](...)")."""
    name = ctx.actor_name.get(actor_id, actor_id)
    written = ctx.actor_name_in_text(actor_id) if in_text else name
    if actor_id not in with_page(ctx):
        return md(written)
    article = written[: len(written) - len(name)]
    return f"{article}[{md(name)}]({page_name(actor_id)})"
