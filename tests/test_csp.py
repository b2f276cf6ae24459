"""The Content-Security-Policy of every page of both builds (``munro_data.site._csp``).

Each page must carry one policy, before any script, that allows exactly the inline scripts the
page holds as built (by their SHA-256 hashes), never 'unsafe-inline' or 'unsafe-eval' for scripts,
and no other host. That the browser then refuses a script the build did not write is checked in
``test_browser.py`` (``test_a_script_past_the_sanitiser_is_refused``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from munro_data.site import _csp

_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _sha256(text: str) -> str:
    """The hash as the CSP spec defines it, computed here apart from the module under test."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def check_site(site: Path) -> int:
    """Assert the policy of every page of ``site``; return how many pages were checked."""
    pages = sorted(site.rglob("*.html"))
    assert pages, f"no page in {site}"
    for path in pages:
        html = path.read_text(encoding="utf-8")
        name = path.relative_to(site).as_posix()
        metas = _META.findall(html)
        assert len(metas) == 1, f"{name}: {len(metas)} policies"
        assert html.index("Content-Security-Policy") < html.lower().index("<script"), name
        directives = {d.split()[0]: d.split()[1:] for d in metas[0].split("; ")}
        assert directives["default-src"] == ["'self'"], name
        scripts = directives["script-src"]
        assert scripts[0] == "'self'", name
        assert not {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"} & set(scripts), name
        # A real HTML parser finds the inline scripts, not the module's pattern.
        soup = BeautifulSoup(html, "html.parser")
        inline = [s.string or "" for s in soup.find_all("script") if not s.has_attr("src")]
        assert inline, f"{name}: no inline script, so this check proves nothing"
        assert set(scripts[1:]) == {_sha256(s) for s in inline}, f"{name}: hashes differ"
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == directives["form-action"] == ["'self'"], name
        # Nothing from another host: only 'self', hashes, data: images and inline styles.
        allowed = {"'self'", "'none'", "'unsafe-inline'", "data:"}
        for name_, sources in directives.items():
            others = [s for s in sources if s not in allowed and not s.startswith("'sha256-")]
            assert others == [], f"{name}: {name_} allows {others}"
        assert directives["font-src"] == directives["img-src"] == ["'self'", "data:"], name
        assert directives["style-src"] == ["'self'", "'unsafe-inline'"], name
        # No inline event handler: the policy would block it, and a reader would lose it.
        handlers = [(t.name, a) for t in soup.find_all(True) for a in t.attrs if a.startswith("on")]
        assert handlers == [], f"{name}: inline event handlers {handlers}"
    return len(pages)


def test_every_page_without_quarto_allows_exactly_its_own_scripts(site: Path) -> None:
    assert check_site(site) == len(list(site.rglob("*.html")))


def test_every_page_with_quarto_allows_exactly_its_own_scripts(quarto_site: Path) -> None:
    assert check_site(quarto_site) == len(list(quarto_site.rglob("*.html")))


def test_a_page_changed_after_its_policy_gets_a_new_one(site: Path, tmp_path: Path) -> None:
    """A page rewritten after its policy (a kept page whose citation block is replaced) gets the
    hashes of its new scripts, and the old hash is gone."""
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    html = (site / "index.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</main>", "<script>var later = 1;</script></main>", 1))
    with pytest.raises(AssertionError, match="hashes differ"):
        check_site(page.parent)
    assert _csp.apply(page.parent) == 1
    assert check_site(page.parent) == 1
    assert _csp.apply(page.parent) == 0  # Already right: the page is not rewritten.
