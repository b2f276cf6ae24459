"""Synthetic national-scale data: every English local authority's positions and progress.

``python benchmarks/synthetic.py OUT_DIR [--authorities 152] [--seed 2011]`` copies the real data
package to ``OUT_DIR`` (never into ``data/``) and adds, for each of 152 invented local
authorities, a source document, a stance on every recommendation and three progress updates
covering every recommendation. The result is valid under the same schema, quotes included,
so it exercises the whole build at the size a national picture would have. It is the same for
the same seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
from pathlib import Path

from munro_data._package import REPO_DATA_DIR, read_tables, resolve_data_dir
from munro_data.provenance import digest

STANCE_WORDS = {
    "strong_support": "strongly supports",
    "support": "supports",
    "qualified_support": "supports in principle, subject to resources,",
    "undecided": "has not yet taken a position on",
    "concern": "has serious concerns about",
    "oppose": "does not support",
}
STANCE_WEIGHTS = [12, 40, 30, 10, 6, 2]
STATUS_PATH = ["planned", "in_progress", "partly_delivered", "delivered"]
UPDATES = [
    ("2012-03-31", "March 2012"),
    ("2012-09-30", "September 2012"),
    ("2013-03-31", "March 2013"),
]


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def _append(path: Path, rows: list[dict]) -> None:
    header, existing = _rows(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing + rows)


def generate(
    out_dir: Path, authorities: int = 152, seed: int = 2011, data_dir: Path | None = None
) -> Path:
    """Write the real data plus ``authorities`` synthetic councils to ``out_dir``."""
    source_dir = resolve_data_dir(data_dir)
    out_dir = Path(out_dir).resolve()
    if out_dir == REPO_DATA_DIR or REPO_DATA_DIR in out_dir.parents:
        raise ValueError(f"refusing to write synthetic data into the real data folder {out_dir}")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValueError(f"{out_dir} is not empty; give a new folder")
    shutil.copytree(source_dir, out_dir, dirs_exist_ok=True)
    for path in out_dir.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)

    rng = random.Random(seed)
    _, recs = _rows(out_dir / read_tables(out_dir)["recommendations"].path)
    rec_ids = [int(r["rec_id"]) for r in recs]
    actors, sources, responses, progress = [], [], [], []
    for n in range(1, authorities + 1):
        actor_id, source_id = f"la-{n:03d}", f"synthetic-la-{n:03d}"
        name = f"Synthetic Borough Council {n:03d}"
        actors.append(
            {
                "actor_id": actor_id,
                "name": name,
                "short_name": f"LA {n:03d}",
                "kind": "local_authority",
            }
        )
        lines = [f"{name}: response to the Munro Review and progress updates (synthetic)."]
        for rec_id in rec_ids:
            stance = rng.choices(list(STANCE_WORDS), weights=STANCE_WEIGHTS)[0]
            sentence = f"{name} {STANCE_WORDS[stance]} recommendation {rec_id}."
            lines.append(sentence)
            responses.append(
                {
                    "rec_id": rec_id,
                    "actor_id": actor_id,
                    "source_id": source_id,
                    "stance": stance,
                    "quote": sentence,
                    "note": "Synthetic row for scale testing.",
                }
            )
            step = 0
            for u, (as_of, words) in enumerate(UPDATES, start=1):
                step = min(step + rng.choice([0, 1, 1, 2]), len(STATUS_PATH) - 1)
                status = STATUS_PATH[step]
                update = (
                    f"Update {u} of {name}, {words}: work on recommendation {rec_id} is "
                    f"{status.replace('_', ' ')}."
                )
                lines.append(update)
                progress.append(
                    {
                        "progress_id": f"{source_id}-r{rec_id:02d}-{u}",
                        "rec_id": rec_id,
                        "commitment_id": "",
                        "as_of": as_of,
                        "reported_by": actor_id,
                        "scope": "local",
                        "status": status,
                        "event_date": "",
                        "detail": f"Synthetic update {u}: {status.replace('_', ' ')}.",
                        "source_id": source_id,
                        "quote": update,
                    }
                )
        text_path = out_dir / "sources" / f"{source_id}.txt"
        text_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sources.append(
            {
                "source_id": source_id,
                "title": f"{name}: Munro Review response (synthetic)",
                "author": name,
                "publisher": name,
                "date": UPDATES[-1][0],
                "date_text": UPDATES[-1][1],
                "kind": "local_authority_report",
                "file": f"sources/{source_id}.txt",
                "sha256": digest(text_path.read_bytes()),
                "licence": "Synthetic data for testing; describes no real council.",
                "citation": f"{name} (synthetic test data, seed {seed}).",
            }
        )
    tables = read_tables(out_dir)
    _append(out_dir / tables["actors"].path, actors)
    _append(out_dir / tables["sources"].path, sources)
    _append(out_dir / tables["responses"].path, responses)
    _append(out_dir / tables["progress"].path, progress)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python benchmarks/synthetic.py", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="a new folder (never data/)")
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args(argv)
    try:
        out = generate(args.out_dir, args.authorities, args.seed)
    except ValueError as error:
        print(f"synthetic.py: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.authorities} synthetic authorities to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
