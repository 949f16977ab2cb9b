"""A race as HTML: the summary, and the table of attempts (a pandas Styler) with rows tinted by outcome."""

from __future__ import annotations

import html
import json

from .colours import KINDS, kind_of

TABLE_CLASS = "labkit-race-table"
SUMMARY_CLASS = "labkit-race-summary"
SHOWN = ["writer", "retry", "step", "request", "condition", "outcome", "reasons", "item", "start", "end",
         "latency", "message"]


def _compact(item) -> str:
    return "" if item is None else json.dumps(item, default=str, separators=(", ", ": "))


def race_table(result):
    """The attempts as a Styler: succeeded rows green, failed conditions red, cancelled transactions purple."""
    frame = result.frame[SHOWN].copy()
    frame["item"] = frame["item"].map(_compact)
    times = ["start", "end", "latency"]
    if result.mode == "staged":
        frame[times] = frame[times].astype(int)
    timed = [f"{t} ({result.unit})" for t in times]
    frame = frame.rename(columns=dict(zip(times, timed)))
    row_class = result.frame["outcome"].map(lambda outcome: f"labkit-{kind_of(outcome)}")
    classes = frame.apply(lambda _: row_class)
    styles = [{"selector": f".labkit-{kind}", "props": [("background-color", tint)]}
              for kind, (tint, _, _) in KINDS.items()]
    styles.append({"selector": "td, th", "props": [("text-align", "left"), ("padding", "2px 6px")]})
    # an id of its own per kind of run (two tables in one notebook must not share one), the same every run
    uuid = f"race-{result.scenario.name}-{result.variant}-{result.mode}-{result.writers}-{result.seed}"
    return (frame.style.hide(axis="index").set_uuid(uuid).set_td_classes(classes)
            .set_table_styles(styles).set_table_attributes(f'class="{TABLE_CLASS}"')
            .format(escape="html", subset=[c for c in frame.columns if c not in timed])
            .format(precision=2, subset=timed))


def table_html(result) -> str:
    return race_table(result).to_html()


def summary_html(result) -> str:
    """The summary: who won, whether the invariant held (with its numbers), and the final items."""
    colour = {True: KINDS["succeeded"][1], False: KINDS["condition"][1], None: "grey"}[result.held]
    numbers = "".join(f"<li>{html.escape(str(k))}: <b>{html.escape(str(v))}</b></li>"
                      for k, v in result.verdict.numbers.items())
    notes = "".join(f"<div>{html.escape(line)}</div>" for line in result.notes())
    return (f'<div class="{SUMMARY_CLASS}" style="border-left:6px solid {colour};padding:4px 10px;margin:4px 0">'
            f"<div><b>{html.escape(result.headline())}</b></div><div>{html.escape(result.winners_line())}</div>"
            f"<div>invariant: {html.escape(result.scenario.invariant)}: "
            f'<b style="color:{colour}">{result.judgement}</b></div>'
            f"<ul style='margin:2px 0'>{numbers}</ul>{notes}</div>")


def report_html(result) -> str:
    return summary_html(result) + table_html(result)
