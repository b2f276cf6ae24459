"""Where the data lives and what ``datapackage.json`` says about it.

The Frictionless descriptor is the single place where tables, columns, types, enums and keys are
written down; everything else in the package reads them from here.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR_ENV = "MUNRO_DATA_DIR"
DESCRIPTOR = "datapackage.json"

# The repository's data/ folder, found from this file so the working directory never matters.
REPO_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data folder: the argument, else ``$MUNRO_DATA_DIR``, else the repository's."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV) or REPO_DATA_DIR
    return Path(data_dir).expanduser().resolve()


@dataclass(frozen=True)
class Field:
    """One column as the Table Schema describes it."""

    name: str
    type: str
    description: str
    required: bool
    enum: tuple[str, ...] | None
    ordered: bool
    verbatim: bool
    constraints: dict

    @classmethod
    def from_descriptor(cls, d: dict) -> Field:
        constraints = d.get("constraints", {})
        enum = constraints.get("enum")
        return cls(
            name=d["name"],
            type=d.get("type", "string"),
            description=d.get("description", ""),
            required=bool(constraints.get("required", False)),
            enum=tuple(enum) if enum else None,
            ordered=bool(d.get("categoriesOrdered", False)),
            verbatim=bool(d.get("verbatim", False)),
            constraints=constraints,
        )


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One resource of the data package: its file, columns and keys."""

    name: str
    path: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @classmethod
    def from_descriptor(cls, d: dict) -> Table:
        schema = d["schema"]
        pk = schema.get("primaryKey", [])
        fks = []
        for fk in schema.get("foreignKeys", []):
            fields = fk["fields"]
            ref = fk["reference"]["fields"]
            fks.append(
                ForeignKey(
                    fields=tuple([fields] if isinstance(fields, str) else fields),
                    resource=fk["reference"]["resource"],
                    reference_fields=tuple([ref] if isinstance(ref, str) else ref),
                )
            )
        return cls(
            name=d["name"],
            path=d["path"],
            title=d.get("title", d["name"]),
            description=d.get("description", ""),
            fields=tuple(Field.from_descriptor(f) for f in schema["fields"]),
            primary_key=tuple([pk] if isinstance(pk, str) else pk),
            foreign_keys=tuple(fks),
        )


@cache
def _read_descriptor(path: Path, mtime_ns: int) -> dict:
    # mtime is part of the cache key so an edited descriptor is read again.
    return json.loads(path.read_text(encoding="utf-8"))


def read_descriptor(data_dir: Path) -> dict:
    """The parsed ``datapackage.json`` of a data folder (raises OSError / ValueError)."""
    path = data_dir / DESCRIPTOR
    return _read_descriptor(path, path.stat().st_mtime_ns)


def read_tables(data_dir: Path) -> dict[str, Table]:
    """Every table the descriptor declares, by name, in the descriptor's order."""
    return {t.name: t for t in map(Table.from_descriptor, read_descriptor(data_dir)["resources"])}
