"""Markdown from the data folder (CODEBOOK.md): parsed, sanitised, handed over as HTML.

Every attack the third adversarial round made on the codebook (issue 24) is run through the page
function that shows it, and the HTML it returns is read as a browser reads it: no script, no
event handler, no link but to the web, to mail or within the site, no image from another host,
and nothing a renderer would read as Markdown, a raw block or a shortcode. The codebook is
validated as part of the package, each problem located to its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import munro_data
from munro_data import DataValidationError
from munro_data.escape import SAFE_ATTRIBUTES, SAFE_TAGS, markdown_to_safe_html

# What the issue found live on a page, one attack each.
ATTACKS = {
    "code span across a blank line": (
        "`a\n\n<script>alert(1)</script> <img src=x onerror=alert(2)>`"
    ),
    "link across a line break": "[a](java\nscript:alert(3)) [b](<javascript:alert(4)>)",
    "nested brackets": "[[x](javascript:alert(5))](javascript:alert(6))",
    "blockquote": "> [q](vbscript:msgbox(7))\n> ![i](https://evil.example/i.png)",
    "list item": "- [l](JaVaScRiPt:alert(8))\n- ![i](http://evil.example/i.png)",
    "reference link": "[r]\n\n[r]: javascript:alert(9)",
    "entity in a scheme": "[e](&#106;avascript:alert(10)) [f](java&#09;script:alert(11))",
    "data URL": "![d](data:image/png;base64,iVBORw0KGgo=) [d](data:text/html,alert(12))",
    "protocol-relative image": "![p](//evil.example/p.png)",
    "raw html block": '<div onclick="alert(13)">\n<script>alert(14)</script>\n</div>',
    "html fence": "```{=html}\n<script>alert(15)</script>\n```",
    "raw inline": "`<script>alert(16)</script>`{=html}",
    "include shortcode": "{{< include ../../outside.txt >}}",
    "env shortcode": "{{< env PATH >}}",
    "meta shortcode in a table": "| c | d |\n|---|---|\n| {{< meta title >}} | $x$ |",
    "heading with markup": "## Rules <img src=x onerror=alert(17)> {#x onclick=alert(18)}",
}
SAFE_SCHEME = re.compile(r"(https?|mailto):|[^:]*$", re.I)


def live_markup(html: str) -> list[str]:
    """What a browser would act on in ``html``, or a renderer read as syntax."""
    found = []
    soup = BeautifulSoup(html, "html.parser")
    for el in soup.find_all(True):
        if el.name not in SAFE_TAGS:
            found.append(f"tag {el.name}")
        for name, value in el.attrs.items():
            # The page's own class on a table (its style) is the one attribute added after.
            if name not in SAFE_ATTRIBUTES.get(el.name, ()) and (el.name, name) != (
                "table",
                "class",
            ):
                found.append(f"attribute {name} on {el.name}")
            if name in ("href", "src") and not SAFE_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                found.append(f"{name} {value}")
            if name == "src" and (value.startswith("//") or ":" in value):
                found.append(f"image from another host: {value}")
    # Pandoc and Quarto syntax a renderer could still see in the text of the HTML.
    found += re.findall(r"\{\{<|```|\{=html\}|\$", html)
    return found


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_attacks_become_inert_html(attack: str) -> None:
    assert live_markup(markdown_to_safe_html(ATTACKS[attack])) == []


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_codebook_section_holds_no_live_markup(attack: str, data_copy: Path) -> None:
    from munro_data.pages import Html, Prose, data_and_method, load_context

    with (data_copy / "CODEBOOK.md").open("a", encoding="utf-8") as f:
        f.write(f"\n\n{ATTACKS[attack]}\n")
    sections = data_and_method.codebook(load_context(data_copy))
    for section in sections:
        if isinstance(section, Html):
            assert live_markup(section.markup) == [], attack
        else:
            # Only headings are Markdown: one line, its text escaped (no tag, no attributes).
            assert isinstance(section, Prose)
            assert re.fullmatch(r"#{2,6} (?:[^\n<{}\\]|\\.)*", section.text), section.text


def test_the_codebook_keeps_its_own_markdown_and_headings(data_copy: Path) -> None:
    from munro_data.pages import Html, Prose, data_and_method, load_context

    sections = data_and_method.codebook(load_context(data_copy))
    headings = [s.text for s in sections if isinstance(s, Prose)]
    text = (data_copy / "CODEBOOK.md").read_text(encoding="utf-8")
    # Each "## " heading of the codebook, one level down under this section's own heading.
    expected = [re.sub(r"[`*]", "", h) for h in re.findall(r"^## (.+)$", text, re.M)]
    assert [h.removeprefix("### ").replace("\\", "") for h in headings] == expected
    body = "".join(s.markup for s in sections if isinstance(s, Html))
    assert body.count("<table") == text.count("\n|---") and "<strong>" in body
    assert "<code>" in body and "<li>" in body
    # A link within the site and one to the web keep working.
    html = markdown_to_safe_html("[a](06-data-and-method.html#x) [b](https://example.org/)")
    assert 'href="06-data-and-method.html#x"' in html and 'href="https://example.org/"' in html


def test_an_image_on_the_site_stays_and_one_from_another_host_is_a_link() -> None:
    html = markdown_to_safe_html("![here](../assets/a.png) ![there](https://evil.example/b.png)")
    soup = BeautifulSoup(html, "html.parser")
    assert [i["src"] for i in soup.find_all("img")] == ["../assets/a.png"]
    assert [a["href"] for a in soup.find_all("a")] == ["https://evil.example/b.png"]


# -- The codebook is validated as part of the package ------------------------------------------


def codebook_kinds(data: Path) -> list[tuple[str, int | None, str]]:
    return [
        (p.file, p.line, p.kind)
        for p in munro_data.validate(data).problems
        if p.file == "CODEBOOK.md"
    ]


def test_a_codebook_not_in_utf8_is_located_by_validate(data_copy: Path) -> None:
    path = data_copy / "CODEBOOK.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] += " caf\xe9"
    path.write_bytes("\n".join(lines).encode("latin-1", errors="replace"))
    assert codebook_kinds(data_copy) == [("CODEBOOK.md", 5, "encoding-error")]
    with pytest.raises(DataValidationError):
        munro_data.codebook(data_copy)


def test_a_codebook_with_a_nul_byte_is_located_by_validate(data_copy: Path) -> None:
    path = data_copy / "CODEBOOK.md"
    path.write_text("# Rules\n\nok\nbad \x00 here\n", encoding="utf-8")
    assert codebook_kinds(data_copy) == [("CODEBOOK.md", 4, "control-character")]


def test_a_codebook_that_is_a_link_or_a_folder_or_too_large_is_refused(data_copy: Path) -> None:
    path = data_copy / "CODEBOOK.md"
    (data_copy / "rules.md").write_text("# Rules\n", encoding="utf-8")
    path.unlink()
    path.symlink_to("rules.md")  # Inside the folder, but not the codebook's own file.
    assert codebook_kinds(data_copy) == [("CODEBOOK.md", None, "path-error")]
    path.unlink()
    path.mkdir()
    assert codebook_kinds(data_copy) == [("CODEBOOK.md", None, "path-error")]
    path.rmdir()
    path.write_text("x" * (munro_data.validation.limits.CODEBOOK_MAX_BYTES + 1), encoding="utf-8")
    assert codebook_kinds(data_copy) == [("CODEBOOK.md", None, "limit-exceeded")]
    path.unlink()
    assert codebook_kinds(data_copy) == []  # A data folder need not have one.
