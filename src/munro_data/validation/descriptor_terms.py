"""What a ``datapackage.json`` may say, as this validator reads it, and where it says it.

The keys, types, constraints and CSV dialect the validator checks (anything else is an
``unsupported-feature`` problem, never silently ignored), the columns that are verbatim quotes
by the package's contract, and a locator that finds the line of a resource or field for
messages.
"""

from __future__ import annotations

import json
import math
import re

from . import limits

# The columns that are verbatim quotes, by the package's contract: the descriptor must mark them
# ``"verbatim": true`` (and so may not switch their check off), as must any ``quote`` column of
# a table with a ``source_id``.
VERBATIM = {
    "themes": ("quote",),
    "recommendations": ("text", "munro_argument"),
    "responses": ("quote",),
    "commitments": ("quote",),
    "progress": ("quote",),
    "lead_officers": ("quote",),
    "figures": ("quote",),
    "verdicts": ("quote",),
}


TYPES = ("string", "integer", "number", "date")
# Keys that describe without constraining: accepted anywhere they appear, never checked.
METADATA = {"title", "description", "$schema", "homepage", "keywords", "sources", "licenses"}
PACKAGE_KEYS = METADATA | {
    "profile",
    "name",
    "id",
    "version",
    "lastModified",
    "created",
    "contributors",
    "image",
    "resources",
}
RESOURCE_KEYS = METADATA | {
    "name",
    "path",
    "profile",
    "format",
    "mediatype",
    "encoding",
    "schema",
    "dialect",
}
SCHEMA_KEYS = METADATA | {"fields", "primaryKey", "foreignKeys", "missingValues"}
FIELD_KEYS = METADATA | {
    "name",
    "type",
    "format",
    "example",
    "constraints",
    "categoriesOrdered",
    "verbatim",
}
CONSTRAINTS = {
    "string": {"required", "unique", "enum", "pattern", "minLength", "maxLength"},
    "integer": {"required", "unique", "minimum", "maximum"},
    "number": {"required", "unique", "minimum", "maximum"},
    "date": {"required", "unique", "minimum", "maximum"},
}
# The CSV dialect every table is read with; a descriptor may restate it, not change it.
DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
    "headerRow": 1,
    "lineTerminator": "\r\n",
    "skipInitialSpace": False,
}
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*", re.ASCII)


class Locator:
    """Finds the line of a resource or field in the descriptor's text, for messages."""

    def __init__(self, text: str):
        self.text = text

    def line(
        self, resource: object = None, field_name: object = None, key: str | None = None
    ) -> int | None:
        if resource is None and key is not None:
            found = re.search(re.escape(_json_string(key)) + r"\s*:", self.text)
            return self.text.count("\n", 0, found.start()) + 1 if found else None
        start = self.text.find('"resources"')
        if start < 0 or not isinstance(resource, str):
            return None
        hit = self._name(resource, start)
        if hit is None:
            return None
        if isinstance(field_name, str):
            hit = self._name(field_name, hit) or hit
        return self.text.count("\n", 0, hit) + 1

    def _name(self, name: str, after: int) -> int | None:
        found = re.compile(r'"name"\s*:\s*' + re.escape(_json_string(name))).search(
            self.text, after
        )
        return found.start() if found else None


def _json_string(value: str) -> str:
    return json.dumps(value)


def constraint_value(ftype: str, key: str, value: object) -> bool:
    """Whether ``value`` is a value the constraint ``key`` can take on a field of ``ftype``.

    >>> constraint_value("date", "minimum", "2011-05-10"), constraint_value("integer", "enum", [])
    (True, False)
    """
    if key in ("required", "unique"):
        return isinstance(value, bool)
    if key == "enum":
        return (
            isinstance(value, list)
            and bool(value)
            and all(isinstance(v, str) and v for v in value)
            and len(set(value)) == len(value)
        )
    if key == "pattern":
        return isinstance(value, str)
    if key in ("minLength", "maxLength"):
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    # minimum and maximum: of the field's own type.
    if ftype == "date":
        return limits.is_date_text(value)
    if isinstance(value, bool):
        return False
    if ftype == "integer":
        return isinstance(value, int) and limits.INT_MIN <= value <= limits.INT_MAX
    return isinstance(value, int | float) and math.isfinite(value)


def key_names(value: object) -> list[str] | None:
    """A key's field names (one name or a list of names), or None if it is neither."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def field_names(schema: object) -> set[str]:
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
        return set()
    return {
        f["name"]
        for f in schema["fields"]
        if isinstance(f, dict) and isinstance(f.get("name"), str)
    }
