"""A question's explanation and its proof as HTML: what the widgets, the mock exam's review and a round's
results show (no widgets here, so that tables and reports can use it too)."""

from __future__ import annotations

import html

from .proofs import run_proof
from .questions import Question

RIGHT, WRONG = "#2e7d32", "#c62828"


def explanation_html(question: Question, indices: tuple | None, verdict: bool = True, order=None) -> str:
    """The verdict, then every option (in ``order``, as shown; default the bank's): right or not, chosen or
    not, and why; the documentation reference."""
    picked = set(indices or ())
    right = indices is not None and question.is_right(indices)
    said = (f"<b style='color:{RIGHT}'>Right.</b> " if right
            else f"<b style='color:{WRONG}'>{'Not answered.' if indices is None else 'Not quite.'}</b> ") if verdict else ""
    parts = [f"<p>{said}{html.escape(question.why)}</p>"] if said or question.why else []
    if question.explanations:
        rows = []
        for i in (range(len(question.options)) if order is None else order):
            option = question.options[i]
            key = i in question.keys
            mark = "✔" if key else "✘"
            colour = RIGHT if key else WRONG
            you = " <i>(your choice)</i>" if i in picked else ""
            rows.append(f"<li><b style='color:{colour}'>{mark}</b> {html.escape(option)}{you}<br>"
                        f"<span style='color:#555'>{html.escape(question.explain(i))}</span></li>")
        parts.append(f"<ul style='list-style:none;padding-left:0'>{''.join(rows)}</ul>")
    if question.doc:
        parts.append(f"<p style='color:#555'>Documentation: {html.escape(question.doc)}</p>")
    return "".join(parts)


def proof_html(question: Question) -> str:
    """What "show me" shows: the proof's program and what it printed against the lab, or why there is none."""
    if question.proof:
        run = run_proof(question)
        verdict = ("The lab agrees with the key." if run.agrees else
                   f"<b style='color:{WRONG}'>The lab does not agree with the key: {html.escape(run.verdict())}</b>")
        printed = html.escape(run.output + run.error)
        return (f"<details><summary>the program</summary><pre>{html.escape(question.proof)}</pre></details>"
                f"<pre class='labkit-proof-output'>{printed}</pre><p>{verdict}</p>")
    if question.not_provable_yet:
        return f"<p>Not provable in the lab yet: {html.escape(question.not_provable_yet)}.</p>"
    return f"<p>The lab cannot show this one ({html.escape(question.documented)}); the documentation is the proof.</p>"
