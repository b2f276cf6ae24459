"""A Content-Security-Policy on every page, written last by both builds.

Data text is sanitised before it reaches a page (``munro_data.markdown``); the policy is the
second wall: should markup ever get past the sanitiser, the browser runs no script the build
did not write. Scripts come from the site itself ('self') or are the page's own inline scripts,
allowed one by one by their SHA-256 hash, computed from the page as it is finally written; no
'unsafe-inline' and no 'unsafe-eval' for scripts, and no other host for anything. Styles may be
inline, since plotly.js and great_tables set them.

The policy goes in a ``<meta http-equiv>`` so that it holds wherever the site is put (a static
host, or a folder opened from ``file://``). Run it after every other step that changes pages:
a page kept from the last site gets its policy recomputed, so a stale hash never survives.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

# An inline script: no src attribute. Its text is what the browser hashes, byte for byte.
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_SRC = re.compile(r"""\ssrc\s*=""", re.I)
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">\n?', re.I)
_HEAD = re.compile(r"<head\b[^>]*>\s*(<meta charset=[^>]*>\s*)?", re.I)

# Everything but the scripts' hashes.
_FIXED = (
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    # Quarto's heading anchors (anchor.js) bring their icon font as a data: URL.
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)


def inline_scripts(page_html: str) -> list[str]:
    """The text of each inline script of a page, in order (scripts with a ``src`` left out).

    >>> inline_scripts('<script src="a.js"></script><script>f()</script><script>\\n</script>')
    ['f()', '\\n']
    """
    return [
        body for attrs, body in _SCRIPT.findall(_META.sub("", page_html)) if not _SRC.search(attrs)
    ]


def script_hash(text: str) -> str:
    """A CSP source for one inline script: the SHA-256 of its UTF-8 text, as the browser sees it.

    >>> script_hash("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    # The HTML parser turns every CR LF and lone CR into LF before the browser hashes.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy(page_html: str) -> str:
    """The page's policy: the fixed directives, and scripts from the site or hashed inline."""
    hashes = dict.fromkeys(script_hash(s) for s in inline_scripts(page_html))
    scripts = " ".join(["script-src 'self'", *hashes])
    return "; ".join([_FIXED[0], scripts, *_FIXED[1:]])


def with_policy(page_html: str) -> str:
    """The page with its policy first in its head (after the character set), replacing one
    already there; a page without a ``<head>`` is returned as it is.

    >>> page = with_policy('<html><head><meta charset="utf-8">\\n<script>f()</script></head>')
    >>> page.count("Content-Security-Policy"), with_policy(page) == page
    (1, True)
    >>> "'unsafe-inline'" in policy(page).split(";")[1]
    False
    """
    without = _META.sub("", page_html)
    head = _HEAD.search(without)
    if head is None:
        return without
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(without)}">\n'
    return without[: head.end()] + meta + without[head.end() :]


def apply(site_dir: Path) -> int:
    """The policy on every HTML page of a built site; returns how many pages changed."""
    changed = 0
    for path in sorted(Path(site_dir).rglob("*.html")):
        page_html = path.read_text(encoding="utf-8")
        updated = with_policy(page_html)
        if updated != page_html:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    return changed
