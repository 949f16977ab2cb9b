"""Chapter 8: each myth names its source by title and links to the one section that disproves it; the two
exercises set up what they check, say "Not yet" with DynamoDB's reason, and take the solution after wrong
answers, after the other exercise, and twice."""

from __future__ import annotations

import re

import nbformat
import pytest

from exercise_harness import NOTEBOOKS, exercise_tests, exercises, run_all

CHAPTER = "08_myths.ipynb"


@pytest.fixture(scope="module")
def chapter(lab):
    """The chapter after Run All: its namespace, what each cell showed, its two exercises."""
    shown: dict[str, str] = {}
    return run_all(CHAPTER, shown=shown), shown, exercises(CHAPTER)


WRONG_ANSWERS = {
    (1, "the single write's exception"): ("CATCH = client.exceptions.ConditionalCheckFailedException",
                                          "Not yet: DynamoDB refused the request: TransactionCanceledException: "
                                          "Transaction cancelled, please refer cancellation reasons for specific "
                                          "reasons [ConditionalCheckFailed, None]"),
    (1, "everything"): ("CATCH = Exception", "Exception catches this cancellation, and much else besides"),
    (1, "a name, not a class"): ('CATCH = "TransactionCanceledException"', "CATCH must be an exception class"),
    (2, "the old limit"): ("MAX_ACTIONS = 25", "26 actions were accepted too: the limit is higher."),
    (2, "one too many"): ("MAX_ACTIONS = 101", "DynamoDB refused 101 actions: ValidationException: 1 validation "
                                               "error detected"),
    (2, "a string"): ('MAX_ACTIONS = "100"', "set MAX_ACTIONS to a whole number"),
}
UNANSWERED = ["Not yet: set CATCH in the cell above, run it, then run this cell again.",
              "Not yet: set MAX_ACTIONS in the cell above, run it, then run this cell again."]
(test_the_exercises_ship_unanswered, test_a_wrong_answer_gets_its_reason_and_the_solution_passes_after_it,
 test_each_exercise_passes_after_the_other_and_twice) = exercise_tests(WRONG_ANSWERS, UNANSWERED)


def test_each_myth_names_its_source_by_title_and_links_to_a_section_that_exists():
    cells = nbformat.read(NOTEBOOKS / CHAPTER, as_version=4).cells
    myths = [c.source for c in cells if c.cell_type == "markdown" and c.source.startswith('## <a id="myth-')]
    assert len(myths) == 18
    assert not any(re.search(r"\bseeds?\b", c.source, re.I) for c in cells if c.cell_type == "markdown")
    for myth in myths:
        assert re.search(r"> \*\*The claim\*\*, from the (certification chapter|expressions article|CLI tutorial)", myth)
        for target, anchor in re.findall(r"\]\((\d\d_\w+\.ipynb)?#([^)]+)\)", myth):
            assert anchor_exists(target or CHAPTER, anchor), f"{target}#{anchor}"


def anchor_exists(notebook: str, anchor: str) -> bool:
    """An explicit <a id> in a markdown cell, or a heading whose JupyterLab id (spaces as '-') is the anchor."""
    for c in nbformat.read(NOTEBOOKS / notebook, as_version=4).cells:
        if c.cell_type != "markdown":
            continue
        if f'<a id="{anchor}"></a>' in c.source:
            return True
        for heading in re.findall(r"(?m)^#+ (.*)$", c.source):
            if re.sub(r"<[^>]+>|`", "", heading).strip().replace(" ", "-") == anchor:
                return True
    return False
