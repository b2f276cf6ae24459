"""``python -m munro_data.site build|prepare|strip-cdn``: the website's build commands."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .. import DataValidationError
from .._package import resolve_data_dir
from ._config import PROJECT_DIR
from .build import BuildStopped, build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m munro_data.site")
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="validate, run changed notebooks, render the site")
    b.add_argument("--output", type=Path, help="site folder (default: _site)")
    b.add_argument("--data-dir", type=Path, help="data folder (default: $MUNRO_DATA_DIR or data/)")
    b.add_argument("--no-execute", action="store_true", help="render the stored outputs only")
    b.add_argument("--force", action="store_true", help="re-execute every notebook")
    b.add_argument(
        "--without-quarto", action="store_true", help="use nbconvert even if quarto exists"
    )
    commands.add_parser("prepare", help="(Quarto pre-render) copy plotly.js, write the downloads")
    commands.add_parser("vendor", help="(make install) fetch the pinned plotly.js and MiniSearch")
    s = commands.add_parser("strip-cdn", help="(Quarto post-render) drop CDN require.js/jQuery")
    s.add_argument("site_dir", nargs="?", type=Path)
    args = parser.parse_args(argv)
    # The build's progress, one plain line each, on stdout (a terminal also gets a bar on
    # stderr while notebooks run); its warnings the same way.
    # Only this package's lines: the libraries' own (nbclient's "Executing notebook ...") stay
    # at their warnings.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("munro_data")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    # The assets module is imported for these commands only: a build with nothing to do needs
    # none of it.
    if args.command == "vendor":
        from ._assets import install

        install()
        return 0  # Missing packages have fallbacks; install() said which.
    if args.command == "prepare":
        from ._assets import prepare

        prepare(PROJECT_DIR, resolve_data_dir())
        return 0
    if args.command == "strip-cdn":
        from ._assets import strip_cdn

        site_dir = args.site_dir or Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_site"))
        print(f"strip-cdn: {strip_cdn(site_dir)} page(s) cleaned in {site_dir}")
        return 0
    try:
        build(
            args.output,
            args.data_dir,
            execute=not args.no_execute,
            force=args.force,
            use_quarto=False if args.without_quarto else None,
        )
    except DataValidationError as error:
        print(f"The site was not built: {error}", file=sys.stderr)
        return 1
    except BuildStopped as error:
        print(f"The site was not built: {error}", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - a failed notebook is reported, not a traceback.
        print(f"The site was not built: {error.__class__.__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
