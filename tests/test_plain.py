"""Pages that speak plainly: no curator's or developer's words in what a reader sees.

The scan reads the visible text of every built page (the text of ``<body>``, without scripts,
styles, and the citation block's BibTeX, which is for a reference manager, and its address,
which the browser fills in) and looks for:

- ids: every value of an id column in the data that a reader could not take for a word (it holds
  a hyphen, an underscore or a digit: ``government-r01-2``, ``munro-2012``, ``local_authorities``),
  and the short forms ``r10-6``;
- column names from ``datapackage.json`` that hold an underscore (``reported_by``), a table or
  column name written as code (``responses.stance``, ``reported_by = government``), and codes
  of the data's enumerations that hold an underscore (``strong_support``);
- the validator's problem kinds (``quote-too-short``);
- file names (``README.md``, ``responses.csv``); the Data and method page may name the
  downloads, as the text of their own links;
- the words "row" and "rows", "table entry", "the data holds";
- plural agreement: "1" or "one" before a plural noun ("1 authorities"), and a plural count
  followed by "its" ("5 commitments remained open after its due date").

A section whose heading starts "For analysts" (the codebook and the data dictionary on Data and
method) is not scanned: it is where an analyst reads the data's own terms.

``ALLOWED`` lists the findings still on the pages, each with who is to remove it; it may only
shrink (a test checks that each entry is still found, so an emptied one must go).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bs4 import BeautifulSoup

from munro_data import KINDS, list_tables, load_table
from munro_data._package import REPO_DATA_DIR
from munro_data.site._config import PROJECT_DIR, read_config

FILE_NAME = re.compile(r"\b[\w.-]+\.(?:csv|json|txt|md|py|ipynb|yml|xlsx|html)\b", re.I)
SHORT_ID = re.compile(r"\br\d{1,2}-\d+\b")
CODE_ASSIGNMENT = re.compile(r"\b[a-z]+(?:_[a-z]+)* ?= ?[a-z_]+\b")
WORDS = re.compile(r"\brows?\b|\btable entry\b|\bthe data holds\b", re.I)
# A plural noun, roughly: a word in -s that is not a verb or pronoun ending so.
_PLURAL = r"(?!(?:has|was|is|does|this|its|as|us|yes|always|perhaps)\b)[a-z]+(?:ies|[a-rtv-z]s)\b"
PLURAL_AFTER_ONE = re.compile(rf"\b(?:1|one) {_PLURAL}(?! (?:of|ago)\b)", re.I)
# A count of things, then "its" within the same clause (no comma): "5 commitments ... its".
PLURAL_ITS = re.compile(
    rf"\b(?:[2-9]|\d{{2,}}) (?!(?:days|weeks|months|years)\b){_PLURAL}(?: [a-z]+){{0,5}} its\b",
    re.I,
)
# The heading of a section that may use the data's own terms, clearly marked for analysts.
ANALYSTS = "for analysts"
# Downloads the Data and method page may name in their own links.
DOWNLOADS_PAGE = "notebooks/06-data-and-method.html"

# Findings still on the pages: (page, finding) -> whose area it is. May only shrink.
ALLOWED: dict[tuple[str, str], str] = {}


def vocabulary(data_dir: Path) -> dict[str, re.Pattern]:
    """The data's own words a reader's page must not show, by what they are."""
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    ids: set[str] = set()
    columns: set[str] = set()
    codes: set[str] = set()
    tables = list_tables(data_dir)
    for resource in package["resources"]:
        schema = resource["schema"]
        keys = set(schema.get("primaryKey", []))
        for fk in schema.get("foreignKeys", []):
            keys |= set(fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])
        frame = load_table(resource["name"], data_dir)
        for field in schema["fields"]:
            name = field["name"]
            if "_" in name:
                columns.add(name)
            codes |= {
                value for value in field.get("constraints", {}).get("enum", []) if "_" in value
            }
            if name in keys or name.endswith("_id"):
                ids |= {
                    str(v)
                    for v in frame[name].dropna().unique()
                    if re.search(r"[-_\d]", str(v)) and not str(v).isdigit()
                }

    def words(values: set[str]) -> re.Pattern:
        alternatives = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")

    dotted = "|".join(re.escape(t) for t in tables)
    return {
        "id": words(ids),
        "column": words(columns),
        "code": words(codes),
        "kind": words(set(KINDS)),
        "table": re.compile(rf"\b(?:{dotted})\.[a-z_]+\b|\b(?:{dotted}) table\b"),
    }


def visible_text(html: str, *, downloads_page: bool = False) -> list[str]:
    """The page's text as a reader sees it, one string per block of text."""
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    for junk in body.select(
        "script, style, noscript, template, .cite-bibtex, .cite-url, .anchor-link"
    ):
        junk.decompose()
    if downloads_page:
        for link in body.select("a[href*='downloads/']"):
            link.decompose()
    texts = [title.get_text(" ", strip=True) for title in soup.select("title")]
    for_analysts = False
    for block in body.find_all(["p", "li", "td", "th", "h1", "h2", "h3", "h4", "caption", "dd"]):
        text = " ".join(block.get_text(" ").split())
        if block.name in ("h1", "h2"):
            # A section headed "For analysts: ..." may speak of the data's own terms.
            for_analysts = text.lower().startswith(ANALYSTS)
        if not for_analysts and block.find(["p", "li", "td", "th"]) is None:
            texts.append(text)
    return [t for t in texts if t]


def findings(site: Path, data_dir: Path = REPO_DATA_DIR) -> list[tuple[str, str, str]]:
    """Every (page, what, found text) the rules above find on the built site."""
    patterns = vocabulary(data_dir) | {
        "short id": SHORT_ID,
        "file name": FILE_NAME,
        "code": CODE_ASSIGNMENT,
        "word": WORDS,
        "plural after one": PLURAL_AFTER_ONE,
        "plural with its": PLURAL_ITS,
    }
    found = []
    for page in read_config(PROJECT_DIR).pages:
        html = (site / page.output).read_text(encoding="utf-8")
        for text in visible_text(html, downloads_page=page.output == DOWNLOADS_PAGE):
            for what, pattern in patterns.items():
                for match in pattern.finditer(text):
                    found.append((page.output, what, match.group(0)))
    return sorted(set(found))


def test_the_scan_finds_what_it_looks_for() -> None:
    """Each rule catches the slips the issue quotes, and lets plain prose through."""
    patterns = vocabulary(REPO_DATA_DIR)
    assert patterns["id"].search("see government-r01-2 and munro-2012")
    assert patterns["column"].search("where reported_by is set")
    assert patterns["kind"].search("a quote-too-short problem")
    assert patterns["code"].search("strong_support")
    assert patterns["table"].search("Stances (responses.stance)")
    assert SHORT_ID.search("munro-2012-r10-5 and r10-6")
    assert FILE_NAME.search("(see README.md)")
    assert CODE_ASSIGNMENT.search("reported_by = government")
    assert WORDS.search("in the Government's rows") and WORDS.search("The shared table entry")
    assert PLURAL_AFTER_ONE.search("1 authorities") and PLURAL_AFTER_ONE.search("1 commitments")
    assert PLURAL_ITS.search("5 commitments remained open after its due date")
    for plain in (
        "1 authority",
        "one of the councils",
        "1 July 2012",
        "the Government's response",
        "2 commitments were due",
        "Munro's progress report (May 2012)",
        "one progress",
        "one status",
    ):
        hits = [name for name, p in patterns.items() if p.search(plain)]
        hits += [
            p.pattern
            for p in (SHORT_ID, FILE_NAME, CODE_ASSIGNMENT, WORDS, PLURAL_AFTER_ONE, PLURAL_ITS)
            if p.search(plain)
        ]
        assert not hits, (plain, hits)


def check(site: Path) -> None:
    found = findings(site)
    unexpected = [f for f in found if (f[0], f[2]) not in ALLOWED]
    assert not unexpected, "\n".join(f"{page}: {what}: {text!r}" for page, what, text in unexpected)
    gone = sorted(set(ALLOWED) - {(page, text) for page, _, text in found})
    assert not gone, f"no longer found, remove from ALLOWED: {gone}"


def test_pages_speak_plainly(plain_site: Path) -> None:
    check(plain_site)


def test_quarto_pages_speak_plainly(quarto_site: Path) -> None:
    check(quarto_site)


def test_glossary_full_forms_are_in_their_quotes() -> None:
    """Each full form is given in the passage quoted for it (the validator checks the passage
    is in its source), so the glossary never spells out a term its source does not."""
    glossary = load_table("glossary", REPO_DATA_DIR)
    missing = [r.term for r in glossary.itertuples() if r.expansion not in r.quote]
    assert not missing


_NOT_SPELT_OUT = ("a", "abbr", "button", "code", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "pre")


def check_reader_additions(site: Path) -> None:
    """Every page says how recent its evidence is, and spells out each abbreviation the first
    time its text uses one (outside links, headings, code and navigation)."""
    glossary = load_table("glossary", REPO_DATA_DIR)
    full = dict(zip(glossary["term"], glossary["expansion"], strict=True))
    term = re.compile(r"(?<![\w&#-])(" + "|".join(map(re.escape, full)) + r")s?(?![\w-])")
    dates = {
        " ".join(str(d).split(" (")[0].split()).lower()
        for d in load_table("sources", REPO_DATA_DIR)["date_text"]
    }
    spelt = 0
    for page in read_config(PROJECT_DIR).pages:
        soup = BeautifulSoup((site / page.output).read_text(encoding="utf-8"), "html.parser")
        line = soup.select(".evidence-date")
        assert len(line) == 1, page.output
        said = line[0].get_text(" ", strip=True).lower()
        quotes_none = said == "no source is quoted on this page."
        assert quotes_none or any(f"evidence up to {d}," in said for d in dates), said
        assert not quotes_none or not soup.select("main a[href*='src-']"), page.output
        main = soup.find("main")
        for junk in main.select("script, style, .cite-this"):
            junk.decompose()
        seen: set[str] = set()
        for node in main.find_all(string=True):
            parent = node.find_parent(_NOT_SPELT_OUT)
            for match in term.finditer(str(node)):
                if match.group(1) in seen:
                    continue
                abbr = node.find_parent("abbr")
                if parent is not None and parent.name != "abbr":
                    continue
                seen.add(match.group(1))
                assert abbr is not None and abbr.get("title") == full[match.group(1)], (
                    page.output,
                    match.group(0),
                )
                spelt += 1
    assert spelt > len(read_config(PROJECT_DIR).pages)  # Most pages use some.


def test_pages_say_how_recent_and_spell_out_abbreviations(plain_site: Path) -> None:
    check_reader_additions(plain_site)


def test_quarto_pages_say_how_recent_and_spell_out_abbreviations(quarto_site: Path) -> None:
    check_reader_additions(quarto_site)
