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
    frame = frame.rename(columns={t: f"{t} ({result.unit})" for t in times})
    classes = frame.apply(lambda column: result.frame["outcome"].map(lambda o: f"labkit-{kind_of(o)}"))
    styles = [{"selector": f".labkit-{kind}", "props": [("background-color", tint)]}
              for kind, (tint, _, _) in KINDS.items()]
    styles.append({"selector": "td, th", "props": [("text-align", "left"), ("padding", "2px 6px")]})
    return (frame.style.hide(axis="index").set_uuid("labkit-race").set_td_classes(classes)
            .set_table_styles(styles).set_table_attributes(f'class="{TABLE_CLASS}"')
            .format(precision=2, subset=[c for c in frame.columns if c.startswith(tuple(times))]))


def table_html(result) -> str:
    return race_table(result).to_html()


def summary_html(result) -> str:
    """The summary: who won, whether the invariant held (with its numbers), and the final items."""
    held = result.held
    colour = KINDS["succeeded" if held else "condition"][1]
    numbers = "".join(f"<li>{html.escape(str(k))}: <b>{html.escape(str(v))}</b></li>"
                      for k, v in result.verdict.numbers.items())
    notes = "".join(f"<div>{html.escape(line)}</div>" for line in result.notes())
    return (f'<div class="{SUMMARY_CLASS}" style="border-left:6px solid {colour};padding:4px 10px;margin:4px 0">'
            f"<div><b>{html.escape(result.headline())}</b></div><div>{html.escape(result.winners_line())}</div>"
            f"<div>invariant: {html.escape(result.scenario.invariant)}: "
            f'<b style="color:{colour}">{"HELD" if held else "BROKEN"}</b></div>'
            f"<ul style='margin:2px 0'>{numbers}</ul>{notes}</div>")


def report_html(result) -> str:
    return summary_html(result) + table_html(result)
