"""The checks of ``datapackage.json``: its structure, its references, the features it uses.

The validator never claims more than it checks: a Table Schema feature it does not implement
(a ``format``, an unknown constraint, a ``dialect``, ...) is an ``unsupported-feature`` problem,
never silently ignored. The tables are handed on only when the descriptor has no problem at all.
"""

from __future__ import annotations

import re
from pathlib import Path

from .._package import DESCRIPTOR, PathRefused, Table, read_descriptor_text
from . import limits
from .descriptor_terms import (
    CONSTRAINTS,
    DIALECT,
    FIELD_KEYS,
    NAME,
    PACKAGE_KEYS,
    RESOURCE_KEYS,
    SCHEMA_KEYS,
    TYPES,
    VERBATIM,
    Locator,
    constraint_value,
    field_names,
    key_names,
)
from .patterns import SafePattern, UnsafePattern
from .problems import Problem


def check_descriptor(data_dir: Path) -> tuple[dict[str, Table], list[Problem]]:
    """Every table the descriptor declares, or every problem with the descriptor.

    The tables are returned only when the descriptor has no problem at all: a schema that is
    wrong or not understood cannot be used to judge the data.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        what = "nothing" if not data_dir.exists() else "not a folder"
        return {}, [
            Problem(
                str(data_dir),
                None,
                None,
                what,
                f"a data folder holding {DESCRIPTOR} and the tables it lists",
                "missing-folder",
            )
        ]
    try:
        text, descriptor = read_descriptor_text(data_dir)
    except PathRefused as refused:
        if refused.kind == "missing-file":
            expected = f"a {DESCRIPTOR} in {data_dir}: the descriptor that lists the tables"
            return {}, [Problem(DESCRIPTOR, None, None, None, expected, "missing-descriptor")]
        return {}, [Problem(DESCRIPTOR, None, None, None, refused.reason, "path-error")]
    except UnicodeDecodeError as error:
        return {}, [
            Problem(DESCRIPTOR, None, None, f"byte at {error.start}", "UTF-8", "encoding-error")
        ]
    except ValueError as error:
        line = getattr(error, "lineno", None)
        found = getattr(error, "msg", None) or str(error)
        if getattr(error, "colno", None):
            found += f" at character {error.colno}"
        return {}, [Problem(DESCRIPTOR, line, None, found, "valid JSON", "descriptor-error")]
    # Keyed on the text (the parsed dict is equal whenever the text is): loaders ask many times.
    if text not in _CHECKED:
        problems = _DescriptorCheck(text).check(descriptor)
        tables = (
            {}
            if problems
            else {t.name: t for t in map(Table.from_descriptor, descriptor["resources"])}
        )
        _CHECKED[text] = (tables, problems)
    tables, problems = _CHECKED[text]
    return dict(tables), list(problems)


_CHECKED: dict[str, tuple[dict[str, Table], list[Problem]]] = {}


class _DescriptorCheck:
    """Every problem of a parsed descriptor: structure, references, unsupported features."""

    def __init__(self, text: str):
        self.where = Locator(text)
        self.problems: list[Problem] = []
        self.resources: object = None

    def add(
        self, kind: str, found: str, expected: str, resource=None, field_name=None, key=None
    ) -> None:
        column = field_name if isinstance(field_name, str) else None
        line = self.where.line(resource, field_name, key)
        self.problems.append(Problem(DESCRIPTOR, line, column, found, expected, kind))

    def unknown_keys(self, d: dict, allowed: set, what: str, resource=None, field_name=None):
        for key in d:
            if key not in allowed:
                self.add(
                    "unsupported-feature",
                    f"{what} key {key!r}",
                    "only features this validator checks: " + ", ".join(sorted(allowed)),
                    resource,
                    field_name,
                )

    def control_characters(self, value: object, where: str) -> None:
        """Descriptor text reaches the pages (titles, enum values, version): plain text only."""
        if isinstance(value, dict):
            for key, item in value.items():
                path = f"{where}.{key}" if where else str(key)
                if key in ("title", "description") and not isinstance(item, str):
                    # Titles and descriptions are printed on the pages: text, nothing else.
                    self.add("descriptor-error", f"{path} {str(item)[:40]}", "text", key=key)
                    continue
                self.control_characters(item, path)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.control_characters(item, f"{where}[{i}]")
        elif isinstance(value, str) and limits.CONTROL.search(value):
            bad = limits.CONTROL.search(value)
            assert bad is not None
            # Locate by the resource (and field) the text belongs to, where it belongs to one.
            place = re.match(r"resources\[(\d+)\](?:\.schema\.fields\[(\d+)\])?", where)
            resource = field_name = None
            if place and isinstance(self.resources, list):
                r = self.resources[int(place.group(1))]
                resource = r.get("name") if isinstance(r, dict) else None
                if place.group(2) is not None and isinstance(r, dict):
                    fields = (r.get("schema") or {}).get("fields") or []
                    f = fields[int(place.group(2))] if isinstance(fields, list) else None
                    field_name = f.get("name") if isinstance(f, dict) else None
            self.add(
                "control-character",
                f"U+{ord(bad.group()):04X} in {where}",
                "text without control characters (line breaks and tabs are fine)",
                resource,
                field_name,
                key=None if resource else where.split(".")[0].split("[")[0],
            )

    def check(self, d: object) -> list[Problem]:
        if not isinstance(d, dict):
            self.add("descriptor-error", type(d).__name__, "a JSON object")
            return self.problems
        self.unknown_keys(d, PACKAGE_KEYS, "package")
        self.resources = d.get("resources")
        self.control_characters(d, "")
        if d.get("profile", "tabular-data-package") not in ("tabular-data-package", "data-package"):
            self.add(
                "unsupported-feature",
                f"profile {str(d['profile'])[:40]!r}",
                "tabular-data-package",
                key="profile",
            )
        for key in ("name", "title", "version", "description"):
            if key in d and not isinstance(d[key], str):
                self.add("descriptor-error", f"{key} {d[key]!r}", f"{key} as text", key=key)
        if "lastModified" in d and not limits.is_date_text(d["lastModified"]):
            self.add(
                "descriptor-error",
                f"lastModified {str(d['lastModified'])[:40]!r}",
                f"a date as YYYY-MM-DD between {limits.DATE_MIN} and {limits.DATE_MAX}",
                key="lastModified",
            )
        resources = d.get("resources")
        if not isinstance(resources, list) or not resources:
            self.add("descriptor-error", "no resources list", "a list of table resources")
            return self.problems
        names: dict[str, dict] = {}
        paths: set[str] = set()
        for r in resources:
            if not isinstance(r, dict):
                self.add("descriptor-error", f"resource {str(r)[:40]!r}", "a JSON object")
                continue
            name = r.get("name")
            if not isinstance(name, str) or not NAME.fullmatch(name):
                self.add(
                    "descriptor-error",
                    f"resource name {str(name)[:40]!r}",
                    "a name of lowercase letters, digits, '.', '_' or '-'",
                )
                continue
            if name in names:
                self.add("descriptor-error", f"resource {name!r} twice", "unique names", name)
                continue
            names[name] = r
            self.resource(r, name, paths)
        for name, r in names.items():
            self.foreign_keys(r, name, names)
        self.verbatim(names)
        return self.problems

    def resource(self, r: dict, name: str, paths: set[str]) -> None:
        self.unknown_keys(r, RESOURCE_KEYS, "resource", name)
        path = r.get("path")
        if "data" in r or isinstance(path, list):
            self.add("unsupported-feature", "inline data or a multi-part path", "one path", name)
        elif not isinstance(path, str):
            self.add("descriptor-error", f"path {str(path)[:40]!r}", "a path to a CSV file", name)
        elif path in paths:
            self.add("descriptor-error", f"path {path!r} twice", "one file per resource", name)
        else:
            paths.add(path)
        for key, accepted in (
            ("profile", ("tabular-data-resource",)),
            ("format", ("csv",)),
            ("mediatype", ("text/csv",)),
            ("encoding", ("utf-8", "utf8")),
        ):
            value = r.get(key, accepted[0])
            if not isinstance(value, str) or value.lower() not in accepted:
                self.add("unsupported-feature", f"{key} {str(value)[:40]!r}", accepted[0], name)
        dialect = r.get("dialect", {})
        if not isinstance(dialect, dict) or any(
            DIALECT.get(k, object()) != v for k, v in dialect.items()
        ):
            self.add(
                "unsupported-feature",
                f"dialect {str(dialect)[:60]}",
                "the default CSV dialect (comma, double quote, one header row)",
                name,
            )
        schema = r.get("schema")
        if not isinstance(schema, dict):
            self.add("unsupported-feature", "no inline schema", "schema as an object", name)
            return
        self.unknown_keys(schema, SCHEMA_KEYS, "schema", name)
        if schema.get("missingValues", [""]) != [""]:
            self.add(
                "unsupported-feature",
                f"missingValues {str(schema['missingValues'])[:40]}",
                'missingValues [""] (only an empty cell is missing)',
                name,
            )
        fields = schema.get("fields")
        if not isinstance(fields, list) or not fields:
            self.add("descriptor-error", "no fields list", "a list of fields", name)
            return
        seen: set[str] = set()
        for f in fields:
            if not isinstance(f, dict):
                self.add("descriptor-error", f"field {str(f)[:40]!r}", "a JSON object", name)
                continue
            fname = f.get("name")
            if not isinstance(fname, str) or not fname or fname != fname.strip():
                self.add(
                    "descriptor-error",
                    f"field name {str(fname)[:40]!r}",
                    "a non-empty name without spaces around it",
                    name,
                )
                continue
            if limits.CONTROL.search(fname) or "\n" in fname or "\t" in fname:
                continue  # Reported by control_characters().
            if fname in seen:
                self.add("descriptor-error", f"field {fname!r} twice", "unique names", name, fname)
                continue
            seen.add(fname)
            self.field(f, name, fname)
        pk = key_names(schema.get("primaryKey", []))
        if pk is None or any(k not in seen for k in pk) or len(set(pk)) != len(pk):
            shown = str(schema.get("primaryKey"))[:60]
            self.add("descriptor-error", f"primaryKey {shown}", f"fields of {name}", name)

    def field(self, f: dict, resource: str, name: str) -> None:
        self.unknown_keys(f, FIELD_KEYS, "field", resource, name)
        ftype = f.get("type", "string")
        if ftype not in TYPES:
            self.add(
                "unsupported-feature",
                f"type {str(ftype)[:40]!r}",
                "one of the types " + ", ".join(TYPES),
                resource,
                name,
            )
            return
        if f.get("format", "default") != "default":
            self.add(
                "unsupported-feature",
                f"format {str(f['format'])[:40]!r}",
                "the default format of the type",
                resource,
                name,
            )
        for flag in ("verbatim", "categoriesOrdered"):
            if not isinstance(f.get(flag, False), bool):
                self.add("descriptor-error", f"{flag} {f[flag]!r}", "true or false", resource, name)
        if f.get("verbatim") and ftype != "string":
            self.add("descriptor-error", "verbatim on a " + ftype, "a string", resource, name)
        c = f.get("constraints", {})
        if not isinstance(c, dict):
            self.add("descriptor-error", f"constraints {c!r}", "an object", resource, name)
            return
        for key, value in c.items():
            if key not in CONSTRAINTS[ftype]:
                self.add(
                    "unsupported-feature",
                    f"constraint {key!r} on a {ftype} field",
                    "only " + ", ".join(sorted(CONSTRAINTS[ftype])),
                    resource,
                    name,
                )
            elif not constraint_value(ftype, key, value):
                self.add(
                    "descriptor-error",
                    f"{key} {str(value)[:60]!r}",
                    f"a {key} value a {ftype} field can use",
                    resource,
                    name,
                )
        if "pattern" in c and isinstance(c["pattern"], str):
            try:
                SafePattern(c["pattern"])
            except UnsafePattern as unsafe:
                self.add(
                    "unsupported-feature",
                    f"pattern {c['pattern'][:60]!r}",
                    f"a pattern without {unsafe}",
                    resource,
                    name,
                )
        if f.get("categoriesOrdered") and "enum" not in c:
            self.add(
                "descriptor-error", "categoriesOrdered without enum", "an enum", resource, name
            )

    def foreign_keys(self, r: dict, name: str, resources: dict[str, dict]) -> None:
        schema = r.get("schema")
        if not isinstance(schema, dict):
            return
        own = field_names(schema)
        fks = schema.get("foreignKeys", [])
        if not isinstance(fks, list):
            self.add("descriptor-error", "foreignKeys not a list", "a list", name)
            return
        for fk in fks:
            try:
                fields = fk["fields"]
                target = fk["reference"]["resource"]
                ref = fk["reference"]["fields"]
            except (TypeError, KeyError):
                self.add(
                    "descriptor-error", f"foreign key {str(fk)[:60]}", "fields, reference", name
                )
                continue
            fields, ref = key_names(fields), key_names(ref)
            if not isinstance(target, str) or target not in resources:
                self.add(
                    "descriptor-error",
                    f"a foreign key to resource {str(target)[:40]!r}",
                    "a resource of this package: " + ", ".join(resources),
                    name,
                )
                continue
            target_schema = resources[target].get("schema")
            if not isinstance(target_schema, dict) or not isinstance(
                target_schema.get("fields"), list
            ):
                continue  # The target's schema is reported on its own.
            theirs = field_names(target_schema)
            if (
                fields is None
                or ref is None
                or len(fields) != len(ref)
                or not fields
                or any(x not in own for x in fields)
                or any(x not in theirs for x in ref)
            ):
                self.add(
                    "descriptor-error",
                    f"foreign key {fields!r} -> {target}.{ref!r}",
                    "as many fields on each side, each a field of its table",
                    name,
                )

    def verbatim(self, resources: dict[str, dict]) -> None:
        """Quotes are checked only through source_id and the sources table: require both."""

        def columns_of(r: dict) -> set:
            return field_names(r.get("schema"))

        def has_verbatim(r: dict) -> bool:
            schema = r.get("schema")
            if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list):
                return False
            return any(isinstance(f, dict) and f.get("verbatim") for f in schema["fields"])

        sources_ok = "sources" in resources and {"source_id", "file"} <= columns_of(
            resources["sources"]
        )
        if sources_ok and "sha256" not in columns_of(resources["sources"]):
            self.add(
                "descriptor-error",
                "a sources resource without a sha256 column",
                "each source text pinned by its SHA-256 in a required sha256 column",
                "sources",
            )
        for name, r in resources.items():
            schema = r.get("schema") if isinstance(r.get("schema"), dict) else {}
            fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
            for f in fields:
                if not isinstance(f, dict) or f.get("verbatim"):
                    continue
                column = f.get("name")
                if column in VERBATIM.get(name, ()) or (
                    column == "quote" and "source_id" in columns_of(r)
                ):
                    self.add(
                        "descriptor-error",
                        f'column {column!r} without "verbatim": true',
                        "a verbatim quote, checked against its source: which columns are "
                        "quotes is the package's contract, not the descriptor's to switch off",
                        name,
                        column,
                    )
            if not has_verbatim(r):
                continue
            if "source_id" not in columns_of(r) or not sources_ok:
                self.add(
                    "descriptor-error",
                    "verbatim fields that cannot be checked",
                    "a source_id column, and a sources resource with source_id and file",
                    name,
                )
