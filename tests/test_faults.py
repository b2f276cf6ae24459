"""A failed, killed or concurrent build changes nothing, or finishes: never half a build.

A project copy (with its data inside, so that its notebooks are the "tracked" ones) is built
once to an old state and once to a new one (the codebook gains a line: one notebook re-runs,
its page and the downloads change). Each test starts from the old state, makes the same
change, and builds in a subprocess killed (SIGKILL) at one step of the build. Then:

- right after the kill, ``_site/`` is complete, the old site or the new one (old before the
  swap, new after), except between the two renames of the fallback swap, where it is missing
  and the old site is beside it;
- after the recovery the next build starts with, the site, the notebooks, the downloads and
  the assets are all exactly old or all exactly new, agreeing with the site;
- a normal build then gives exactly the new state and leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project

from munro_data._package import REPO_DATA_DIR
from munro_data.site import _render
from munro_data.site import _transaction as transaction
from munro_data.site import _uptodate as uptodate
from munro_data.site.build import build

# SIGKILL and flock: the faults are those of a POSIX system.
fcntl = pytest.importorskip("fcntl")

# Run in a subprocess so that it can be killed: a build of the project copy in argv[1].
# Its log goes to stdout, as the command line's does.
RUN = (
    "import logging, sys; from pathlib import Path; from munro_data.site.build import build;"
    " logging.basicConfig(level=logging.INFO, format='%(message)s', stream=sys.stdout);"
    " p = Path(sys.argv[1]); build(None, p / 'data', project_dir=p, use_quarto=False)"
)
# Each step's fault, and which site is in place right after a kill there.
KILLS = {
    "executed": "old",
    "prepared": "old",
    "rendered": "old",
    "swap": "old",
    "swapped": "new",
    "committed": "new",
}


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def state(project: Path) -> dict[str, dict[str, bytes]]:
    """Everything a build may write: the site, the executed notebooks, downloads and assets."""
    notebooks = [*project.glob("*.ipynb"), *project.glob("notebooks/*.ipynb")]
    return {
        "site": files(project / "_site"),
        "notebooks": {str(p.relative_to(project)): p.read_bytes() for p in sorted(notebooks)},
        "downloads": files(project / "downloads"),
        "assets": files(project / "assets"),
    }


def leftovers(project: Path) -> list[str]:
    """Staging folders, old sites, journals: anything but the lock and the stamp a finished
    build leaves."""
    kept = {".site.lock", uptodate.STAMP.name}
    found = [p.name for p in project.iterdir() if p.name.startswith((".site-build-", "._site-"))]
    found += [p.name for p in (project / "build").iterdir() if p.name not in kept]
    return found


def change(project: Path) -> None:
    """The change from the old state to the new: the codebook (a download) gains a rule, so the
    page that shows it is executed and rendered again."""
    codebook = project / "data" / "CODEBOOK.md"
    codebook.write_text(codebook.read_text(encoding="utf-8") + "\nA new rule.\n", "utf-8")


class States:
    def __init__(self, root: Path) -> None:
        # Every test builds at this same path: the downloads' stamp names the data folder.
        self.work = root / "work"
        self.template = root / "old"
        project = copy_project(self.work)
        shutil.copytree(REPO_DATA_DIR, project / "data")
        for path in (project / "data").rglob("*"):
            path.chmod(0o644 if path.is_file() else 0o755)
        build(None, project / "data", project_dir=project, use_quarto=False)
        shutil.copytree(project, self.template, symlinks=True)
        self.old = state(project)
        change(project)
        build(None, project / "data", project_dir=project, use_quarto=False)
        self.new = state(project)
        assert self.old["notebooks"] != self.new["notebooks"]
        assert self.old["downloads"] != self.new["downloads"]
        assert self.old["site"] != self.new["site"]

    def fresh(self, changed: bool = True) -> Path:
        """The work project in the old state, with the change made (not yet built)."""
        shutil.rmtree(self.work)
        shutil.copytree(self.template, self.work, symlinks=True)
        if changed:
            change(self.work)
        return self.work

    def which(self, now: dict) -> str:
        """ "old" or "new" if every part is exactly that state's; fails naming the parts."""
        for name, expected in (("old", self.old), ("new", self.new)):
            if now == expected:
                return name
        mixed = {
            part: [n for n, s in (("old", self.old), ("new", self.new)) if s[part] == now[part]]
            for part in now
        }
        raise AssertionError(f"neither old nor new: parts match {mixed}")

    def site(self, project: Path) -> str:
        now = files(project / "_site")
        assert now in (self.old["site"], self.new["site"]), "a site that is neither"
        return "old" if now == self.old["site"] else "new"


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> States:
    return States(tmp_path_factory.mktemp("faults"))


def run(project: Path, **env: str) -> subprocess.Popen:
    inherited = (transaction.FAULT_ENV, transaction.LOCK_TIMEOUT_ENV)
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment |= {"PYTHONUNBUFFERED": "1"} | env
    return subprocess.Popen(
        [sys.executable, "-c", RUN, str(project)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def recover(project: Path) -> None:
    """What the next build does first, on its own, so that its result can be checked."""
    with transaction.lock(project):
        transaction.recover(project, project / "_site")


def finish(states: States, project: Path) -> None:
    """A normal build after the fault gives the new state and leaves nothing behind."""
    build(None, project / "data", project_dir=project, use_quarto=False)
    assert states.which(state(project)) == "new"
    assert leftovers(project) == []


@pytest.mark.parametrize("step", KILLS)
def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_build(
    states: States, step: str
) -> None:
    project = states.fresh()
    process = run(project, **{transaction.FAULT_ENV: step})
    output, _ = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, output

    assert states.site(project) == KILLS[step]
    recover(project)
    assert states.which(state(project)) == KILLS[step]
    assert leftovers(project) == []
    finish(states, project)


def test_a_build_killed_between_the_fallback_renames_is_repaired(states: States) -> None:
    project = states.fresh()
    process = run(project, **{transaction.FAULT_ENV: "between-renames"})
    output, _ = process.communicate(timeout=300)
    assert process.returncode == -signal.SIGKILL, output

    assert not (project / "_site").exists()
    (old,) = project.glob("._site-old-*")
    assert files(old) == states.old["site"]
    recover(project)
    assert states.which(state(project)) == "old"
    assert leftovers(project) == []
    finish(states, project)


def test_the_fallback_swap_builds_the_same_site(states: States, monkeypatch) -> None:
    project = states.fresh()
    monkeypatch.setattr(transaction, "_exchange", lambda a, b: False)
    finish(states, project)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_exchange_is_atomic_here(tmp_path: Path) -> None:
    """This system has renameat2's exchange, so the tests above took the atomic way."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "from-a").touch()
    assert transaction._exchange(a, b)
    assert [p.name for p in b.iterdir()] == ["from-a"] and not list(a.iterdir())


def test_a_render_that_raises_changes_nothing(states: States, monkeypatch) -> None:
    project = states.fresh()

    def broken(*args, **kwargs):
        raise RuntimeError("the renderer failed")

    monkeypatch.setattr(_render, "render_pages", broken)
    with pytest.raises(RuntimeError, match="the renderer failed"):
        build(None, project / "data", project_dir=project, use_quarto=False)
    assert states.which(state(project)) == "old"
    assert leftovers(project) == []


def test_a_second_build_waits_for_the_first(states: States) -> None:
    project = states.fresh()
    lock_file = project / transaction.LOCK
    # The first build holds the lock a while after rendering; the second starts meanwhile.
    first = run(project, **{transaction.FAULT_ENV: "rendered=4"})
    deadline = time.monotonic() + 120
    while not (lock_file.is_file() and lock_file.read_text().strip() == str(first.pid)):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()[0]
        time.sleep(0.05)
    second = run(project)
    first_output, _ = first.communicate(timeout=300)
    second_output, _ = second.communicate(timeout=300)

    assert first.returncode == 0, first_output
    assert second.returncode == 0, second_output
    message = f"another build (pid {first.pid}) is running; waiting for it to finish"
    assert message in second_output
    assert states.which(state(project)) == "new"
    assert leftovers(project) == []


def test_a_build_that_cannot_get_the_lock_stops_and_changes_nothing(states: States) -> None:
    project = states.fresh()
    before = state(project)
    lock_file = project / transaction.LOCK
    with lock_file.open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        second = run(project, **{transaction.LOCK_TIMEOUT_ENV: "0.5"})
        output, _ = second.communicate(timeout=300)
    assert second.returncode != 0
    assert "another build (pid 4242) still holds" in output
    assert "MUNRO_BUILD_LOCK_TIMEOUT" in output
    assert state(project) == before
    assert leftovers(project) == []
