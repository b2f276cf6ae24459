"""Where the data lives and what ``datapackage.json`` says about it.

The Frictionless descriptor is the single place where tables, columns, types, enums and keys are
written down; everything else in the package reads them from here.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR_ENV = "MUNRO_DATA_DIR"
DESCRIPTOR = "datapackage.json"

# The repository's data/ folder, found from this file so the working directory never matters.
_CHECKOUT = Path(__file__).resolve().parents[2]
# The repository's data/ folder, found from this file so the working directory never matters;
# an installed package (not a checkout) uses the data/ of the folder it is run in.
REPO_DATA_DIR = (
    _CHECKOUT / "data" if (_CHECKOUT / "data" / DESCRIPTOR).is_file() else Path.cwd() / "data"
)


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """Return the data folder: the argument, else ``$MUNRO_DATA_DIR``, else the repository's."""
    if data_dir is None:
        data_dir = os.environ.get(DATA_DIR_ENV) or REPO_DATA_DIR
    return Path(data_dir).expanduser().resolve()


class PathRefused(ValueError):
    """A path the data names that may not be read; ``kind`` is the validator's problem kind."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


def resolve_inside(data_dir: Path, relative: object) -> Path:
    """The real path of a regular file that ``relative`` names inside ``data_dir``.

    Data may come from someone else, so a path it names must stay inside its folder: no
    absolute path, no ``..``, no symlink leading out, and only regular files (a FIFO would hang
    the reader, a device could be endless). Raises :class:`PathRefused` saying why; the reason
    never quotes the target's content.
    """
    if not isinstance(relative, str) or not relative.strip():
        raise PathRefused("path-error", "a relative path as text")
    if "\0" in relative or "\\" in relative:
        raise PathRefused("path-error", "a path with '/' between its parts (no NUL, no backslash)")
    if relative.startswith("/") or ":" in relative.split("/")[0]:
        raise PathRefused("path-error", "a path relative to the data folder, not an absolute one")
    if ".." in relative.split("/"):
        raise PathRefused("path-error", "a path inside the data folder (no '..')")
    root = Path(os.path.realpath(data_dir))
    target = Path(os.path.realpath(root / relative))
    if not target.is_relative_to(root):
        raise PathRefused(
            "path-error", "a path that stays inside the data folder (a symlink leads out)"
        )
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise PathRefused("missing-file", "an existing file") from None
    except OSError as error:
        raise PathRefused("path-error", f"a readable file ({error.strerror})") from None
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a special file (FIFO, socket or device)"
        raise PathRefused("path-error", f"a regular file, not {what}")
    return target


def read_inside(data_dir: Path, relative: object) -> bytes:
    """The bytes of a regular file inside ``data_dir`` (see :func:`resolve_inside`)."""
    target = resolve_inside(data_dir, relative)
    # O_NONBLOCK: if the file was swapped for a FIFO after the check, opening must not hang;
    # O_NOFOLLOW: nor may it have become a symlink. fstat then checks what was really opened.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags)
    except OSError as error:
        raise PathRefused("path-error", f"a readable file ({error.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise PathRefused("path-error", "a regular file")
        return f.read()


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


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            # json.loads would keep the last silently; a second "schema" is a mistake to report.
            raise ValueError(f"the key {key!r} twice in one object")
        seen[key] = value
    return seen


@cache
def _read_descriptor(path: Path, mtime_ns: int) -> tuple[str, dict]:
    # mtime is part of the cache key so an edited descriptor is read again.
    text = read_inside(path.parent, path.name).decode("utf-8-sig")
    _check_depth(text)
    return text, json.loads(text, object_pairs_hook=_no_duplicate_keys)


# A data package nests five levels deep (resources, schema, fields, constraints, enum); past
# this the descriptor is refused where it goes too deep, before the parser (which would recurse
# until Python's limit, 5,000 levels raising RecursionError) reads it.
MAX_DEPTH = 32
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(text: str) -> None:
    """Raise a located JSONDecodeError if arrays and objects nest deeper than MAX_DEPTH.

    >>> _check_depth("[" * 40 + "]" * 40)
    Traceback (most recent call last):
    ...
    json.decoder.JSONDecodeError: nested more than 32 levels deep: line 1 column 33 (char 32)
    """
    depth = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise json.JSONDecodeError(
                    f"nested more than {MAX_DEPTH} levels deep", text, match.start()
                )
        elif token in "]}":
            depth -= 1


def read_descriptor_text(data_dir: Path) -> tuple[str, dict]:
    """The text and parsed content of ``datapackage.json`` (raises PathRefused / ValueError)."""
    path = Path(data_dir) / DESCRIPTOR
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0  # read_inside says what is wrong.
    return _read_descriptor(path, mtime)


def read_descriptor(data_dir: Path) -> dict:
    """The parsed ``datapackage.json`` of a data folder (raises PathRefused / ValueError)."""
    return read_descriptor_text(data_dir)[1]


def read_tables(data_dir: Path) -> dict[str, Table]:
    """Every table the descriptor declares, by name, in the descriptor's order."""
    return {t.name: t for t in map(Table.from_descriptor, read_descriptor(data_dir)["resources"])}
