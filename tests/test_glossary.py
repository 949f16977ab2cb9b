"""Nothing used before it is taught: the glossary (``labkit/glossary.yaml``) says where each term is
introduced; every chapter's prose and printed output is read in the chapters' order.

A use is *early* in a chapter before the introducing one, or in the introducing chapter above its section
(the chapter's opening cell excepted: it says what the chapter will teach). An early use is allowed when it
points the learner there: a markdown cell that links to the introducing chapter (or, inside it, to the
section), or, for an output, an HTML link in the output itself or the nearest markdown cell above it. The
table of contents in 00 links every chapter; the myths chapter (08) and exam prep (09) come after every
introduction and review.

``python tests/test_glossary.py [NOTEBOOKS_FOLDER]`` prints every early use, one a line.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
GLOSSARY = ROOT / "labkit" / "glossary.yaml"
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)


@dataclass(frozen=True)
class Term:
    term: str
    pattern: re.Pattern
    chapter: str
    section: str


@dataclass(frozen=True)
class Cell:
    chapter: str
    index: int
    kind: str  # "markdown" or "output"
    text: str
    links: frozenset  # targets linked from this cell, or for an output also from the nearest markdown above


def load_glossary(path: Path = GLOSSARY) -> list[Term]:
    return [Term(e["term"], re.compile(e["pattern"]), e["chapter"], e["section"])
            for e in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _links(markdown: str) -> frozenset:
    """Every link target of a markdown cell: ``[text](target)`` and ``href="target"``."""
    found = re.findall(r"\]\(\s*<?([^)\s>]+)", markdown) + re.findall(r"href=[\"']([^\"']+)", markdown)
    return frozenset(target.removeprefix("./") for target in found)


def _output_text(output: dict) -> str:
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    parts = ["".join(data.get(k, "")) for k in ("text/plain", "text/markdown") if k in data]
    if "text/html" in data:
        parts.append(_plain("".join(data["text/html"])))
    return "\n".join(parts)


def chapter_cells(path: Path) -> tuple[list[Cell], list[str]]:
    """What a learner reads in a chapter (markdown, and code cells' printed outputs), and each cell's markdown
    ("" for a code cell: its comments are no headings)."""
    cells, sources, links = [], [], frozenset()
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        sources.append(source if cell["cell_type"] == "markdown" else "")
        if cell["cell_type"] == "markdown":
            links = _links(source)
            cells.append(Cell(path.name, index, "markdown", source, links))
        elif cell["cell_type"] == "code":
            outputs = cell.get("outputs", [])
            text = "\n".join(_output_text(o) for o in outputs)
            own = _links("".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs))
            if text.strip():
                cells.append(Cell(path.name, index, "output", text, links | own))
    return cells, sources


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", html.unescape(re.sub(r"<[^>]+>", "", text)).lower())


def find_section(sources: list[str], section: str) -> list[int]:
    """The cells whose heading contains ``section`` (case ignored): where a term is introduced."""
    return [i for i, s in enumerate(sources)
            if any(section.lower() in _plain(m.group(2)).lower() for m in HEADING.finditer(s))]


def _points_to(cell: Cell, term: Term, heading: str | None) -> bool:
    for target in cell.links:
        file, _, anchor = target.partition("#")
        if file == term.chapter or (not file and cell.chapter == term.chapter and heading
                                    and _anchor(anchor) == _anchor(heading)):
            return True
    return False


def early_uses(glossary: list[Term], notebooks: Path = NOTEBOOKS) -> list[str]:
    """Every use of a term before it is taught and without a link there: 'term | chapter | cell N (kind): …'."""
    order = sorted(p.name for p in notebooks.glob("*.ipynb"))
    read = {name: chapter_cells(notebooks / name) for name in order}
    found = []
    for term in glossary:
        _, sources = read[term.chapter]
        [start] = find_section(sources, term.section) or [None]
        heading = None if start is None else _plain(HEADING.search(sources[start]).group(2))
        for name in order[:order.index(term.chapter) + 1]:
            for cell in read[name][0]:
                if name == term.chapter and (start is None or cell.index >= start or cell.index == 0):
                    continue
                match = term.pattern.search(cell.text)
                if match and not _points_to(cell, term, heading):
                    context = re.sub(r"\s+", " ", cell.text[max(0, match.start() - 40):match.end() + 40])
                    found.append(f"{term.term} | {name} | cell {cell.index} ({cell.kind}) | "
                                 f"taught in {term.chapter} § {term.section} | …{context}…")
    return found


def misplaced(glossary: list[Term], notebooks: Path = NOTEBOOKS) -> list[str]:
    """Entries whose introducing section is missing, ambiguous, or does not show the term (in its prose,
    code or output)."""
    found = []
    for term in glossary:
        path = notebooks / term.chapter
        if not path.exists():
            found.append(f"{term.term}: no chapter {term.chapter}")
            continue
        cells, sources = chapter_cells(path)
        starts = find_section(sources, term.section)
        if len(starts) != 1:
            found.append(f"{term.term}: {len(starts)} headings in {term.chapter} contain {term.section!r}")
            continue
        level = len(HEADING.search(sources[starts[0]]).group(1))
        end = next((i for i in range(starts[0] + 1, len(sources))
                    if any(len(m.group(1)) <= level for m in HEADING.finditer(sources[i]))), len(sources))
        code = [c["source"] for c in json.loads(path.read_text(encoding="utf-8"))["cells"][starts[0]:end]
                if c["cell_type"] == "code"]
        section = ["".join(c) for c in code] + [c.text for c in cells if starts[0] <= c.index < end]
        if not term.pattern.search("\n".join(section)):
            found.append(f"{term.term}: {term.chapter} § {term.section} does not mention it")
    return found


def test_every_term_is_introduced_where_the_glossary_says():
    assert misplaced(load_glossary()) == []


def test_no_chapter_uses_a_term_before_it_is_taught():
    early = early_uses(load_glossary())
    assert early == [], f"{len(early)} uses before the term is taught:\n" + "\n".join(early)


# The checker itself, on chapters made for it.
def _notebook(*cells: tuple[str, str, str]) -> dict:
    made = []
    for kind, source, output in cells:
        cell = {"cell_type": kind, "metadata": {}, "source": source}
        if kind == "code":
            cell.update(execution_count=1, outputs=[{"output_type": "stream", "name": "stdout", "text": output}])
        made.append(cell)
    return {"cells": made, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def course(tmp_path):
    def write(**chapters):
        for name, cells in chapters.items():
            (tmp_path / f"{name}.ipynb").write_text(json.dumps(_notebook(*cells)))
        return tmp_path
    return write


WCU = Term("WCU", re.compile(r"\bWCUs?\b"), "02_b.ipynb", "Capacity")


def test_the_checker_finds_a_term_in_prose_and_output_before_its_chapter(course):
    notebooks = course(
        a_00=[("markdown", "# A\nEach write costs 1 WCU.", ""), ("code", "x", "billed: 1 WCU\n")],
        b_01=[("markdown", "# B\nnothing", "")],
        **{"02_b": [("markdown", "# C\nopening", ""), ("markdown", "## Capacity\nA WCU is...", "")]})
    (notebooks / "a_00.ipynb").rename(notebooks / "00_a.ipynb")
    (notebooks / "b_01.ipynb").rename(notebooks / "01_b.ipynb")
    early = early_uses([WCU], notebooks)
    assert [e.split(" | ")[1:3] for e in early] == [
        ["00_a.ipynb", "cell 0 (markdown)"], ["00_a.ipynb", "cell 1 (output)"]]
    assert misplaced([WCU], notebooks) == []


def test_a_link_to_the_introducing_chapter_allows_an_early_use(course):
    notebooks = course(**{
        "00_a": [("markdown", "# A\n1 [WCU](02_b.ipynb#Capacity) per write", ""), ("code", "x", "1 WCU\n"),
                 ("markdown", "no link here, WCU", ""), ("markdown", "a link [elsewhere](01_c.ipynb), WCU", "")],
        "02_b": [("markdown", "# C\nopening: WCU", ""), ("code", "x", "1 WCU\n"),
                 ("markdown", "[see below](#Capacity)", ""), ("code", "x", "1 WCU\n"),
                 ("markdown", "## Capacity\nWCU", "")]})
    early = early_uses([WCU], notebooks)
    # the output under the linking cell and the chapter's opening pass; the unlinked cell, the cell linking
    # to another chapter and the output above the section, under an opening with no link, do not
    assert [e.split(" | ")[1:3] for e in early] == [
        ["00_a.ipynb", "cell 2 (markdown)"], ["00_a.ipynb", "cell 3 (markdown)"], ["02_b.ipynb", "cell 1 (output)"]]


def test_an_output_that_links_to_the_introducing_section_allows_its_own_use(course):
    def html_output(link):
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/plain": "<race>", "text/html": f"<div>1 WCU, which {link} defines</div>"}}
    notebooks = course(**{"02_b": [("markdown", "# C", ""), ("markdown", "## Capacity\nWCU", "")]})
    chapter = _notebook(("markdown", "# A", ""), ("code", "x", ""), ("code", "x", ""))
    chapter["cells"][1]["outputs"] = [html_output('<a href="02_b.ipynb#Capacity">B</a>')]
    chapter["cells"][2]["outputs"] = [html_output("chapter B")]
    (notebooks / "00_a.ipynb").write_text(json.dumps(chapter))
    assert [e.split(" | ")[1:3] for e in early_uses([WCU], notebooks)] == [["00_a.ipynb", "cell 2 (output)"]]


def test_a_glossary_entry_that_points_wrong_is_reported(course):
    notebooks = course(**{"02_b": [("markdown", "# C\n## Capacity\nnothing about it", ""),
                                   ("markdown", "## Capacity again", "")]})
    assert misplaced([WCU], notebooks) == ["WCU: 2 headings in 02_b.ipynb contain 'Capacity'"]
    assert misplaced([Term("WCU", WCU.pattern, "02_b.ipynb", "again")], notebooks) == [
        "WCU: 02_b.ipynb § again does not mention it"]



def test_code_comments_are_no_headings_and_an_output_can_show_the_term(course):
    notebooks = course(**{"02_b": [("markdown", "# C\n## Capacity\nwhat it costs", ""),
                                   ("code", "# Capacity of the table\nprint(cost)", "1 WCU\n"),
                                   ("markdown", "## Next", ""), ("code", "x", "2 WCU\n")]})
    assert misplaced([WCU], notebooks) == []  # one heading (the comment is none), the term shown by an output
    assert early_uses([WCU], notebooks) == []  # the output below the next heading comes after the section

if __name__ == "__main__":
    import sys

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else NOTEBOOKS
    print("\n".join(misplaced(load_glossary(), folder) + early_uses(load_glossary(), folder)))
