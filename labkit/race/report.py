"""A race as HTML: the summary, and the attempts (a pandas Styler, rows tinted by outcome) in a bounded box.

This is how a RaceResult shows itself in a notebook, as a DataFrame does; it needs pandas only, so the race
engine stays free of widgets and plots. A race of 64 writers with retries makes about two thousand
attempts: the table keeps one line per attempt and scrolls inside a box of its own, in both directions,
with its header in view, so that whatever follows it on the page stays within reach.
"""

from __future__ import annotations

import html

from ..palette import KINDS, kind_of

# the section that defines WCU and RCU, which a race summary names: (its title, the link to it)
CAPACITY_SECTION = ("4. Patterns, 9. What a failed write costs", "04_patterns.ipynb#9.-What-a-failed-write-costs")

TABLE_CLASS = "labkit-race-table"
SUMMARY_CLASS = "labkit-race-summary"
ATTEMPTS_CLASS = "labkit-race-attempts"
SUMMARY_VALUE_CHARS = 240  # at most about two lines of the summary per value
ATTEMPTS_HEIGHT_PX = 400  # about eighteen rows: enough to read a race's shape, small enough to scroll past
# short columns first, so that who did what, and when, is visible without scrolling sideways
SHOWN = ["writer", "retry", "step", "request", "outcome", "start", "end", "latency", "condition", "item", "seen",
         "reasons", "message"]
HELD_BY_CHANCE = "#e0a800"  # the summary's colour when a naive program held: no green over unsafe code
SCROLL_BOX_CLASS = "labkit-scroll-box"
# Inside an ipywidgets HTML widget the content is a flex item, which would grow to the table's width and
# push the scrollbar out to the whole widget; allowed to shrink, it leaves the box its own.
_SCROLL_BOX_STYLE = f"<style>.widget-html-content:has(> .{SCROLL_BOX_CLASS}) {{ min-width: 0; }}</style>"


def compact(item: dict | None) -> str:
    """An item on one short line: ``{Email: alice.3@example.com, Username: alice}``."""
    if item is None:
        return ""
    return "{" + ", ".join(f"{name}: {value}" for name, value in item.items()) + "}"


def race_table(result):
    """The attempts as a Styler: succeeded rows green, failed conditions red, cancelled transactions purple.

    The ``reasons`` column (a transaction's cancellation reasons) is left out when no attempt has any, and
    ``seen`` (whether a read saw a stale version: simulated) when stale reads were not simulated.
    """
    shown = [c for c in SHOWN if c not in ("reasons", "seen") or result.frame[c].astype(bool).any()]
    frame = result.frame[shown].copy()
    frame["item"] = frame["item"].map(compact)
    times = ["start", "end", "latency"]
    if result.mode == "staged":
        frame[times] = frame[times].astype(int)
    timed = [f"{t} ({result.unit})" for t in times]
    frame = frame.rename(columns=dict(zip(times, timed)))
    row_class = result.frame["outcome"].map(lambda outcome: f"labkit-{kind_of(outcome)}")
    classes = frame.apply(lambda _: row_class)
    styles = [{"selector": f".labkit-{kind}", "props": [("background-color", tint)]}
              for kind, (tint, _, _) in KINDS.items()]
    styles += [
        {"selector": "", "props": [("font-size", "85%"), ("border-collapse", "separate"), ("border-spacing", "0")]},
        {"selector": "td, th", "props": [("text-align", "left"), ("padding", "1px 6px"), ("white-space", "nowrap"),
                                         ("line-height", "1.35")]},  # ipywidgets' own line height is 28 px
        {"selector": "thead th", "props": [("position", "sticky"), ("top", "0"), ("z-index", "1"),
                                           ("background-color", "var(--jp-layout-color0, #fff)")]},
    ]
    # an id of its own per kind of run (two tables in one notebook must not share one), the same every run
    uuid = f"race-{result.scenario.name}-{result.variant}-{result.mode}-{result.writers}-{result.seed}"
    return (frame.style.hide(axis="index").set_uuid(uuid).set_td_classes(classes)
            .set_table_styles(styles).set_table_attributes(f'class="{TABLE_CLASS}"')
            .format(escape="html", subset=[c for c in frame.columns if c not in timed])
            .format(precision=2, subset=timed))


def scroll_box(content: str, height_px: int, name: str) -> str:
    """``content`` in a box at most ``height_px`` tall and as wide as its container, scrolling both ways."""
    return (f"{_SCROLL_BOX_STYLE}<div class='{SCROLL_BOX_CLASS} {name}' style='max-height:{height_px}px;"
            f"overflow:auto;max-width:100%;border:1px solid var(--jp-border-color2, #ddd)'>{content}</div>")


def table_html(result, height_px: int = ATTEMPTS_HEIGHT_PX) -> str:
    """The attempts table in its box at most ``height_px`` tall, under a line that says how many rows it holds."""
    rows = len(result.frame)
    hint = " (the box scrolls; its header stays)" if rows > 12 else ""
    return (f"<div style='margin:6px 0 2px'><b>attempts</b>: {rows} request{'s' * (rows != 1)}, one row each{hint}</div>"
            + scroll_box(race_table(result).to_html(), height_px, ATTEMPTS_CLASS))


def shortened(value, limit: int = SUMMARY_VALUE_CHARS) -> str:
    """A summary's value in about ``limit`` characters at most: a list (the items a race left) or a text of
    entries joined by " | " or ", " (the moves it made) keeps its first entries and says how many there are in all,
    so that the results of 64 writers stay a line or two, not a wall."""
    text = str(value)
    if len(text) <= limit:
        return text
    if isinstance(value, list):
        separator, entries = ", ", [str(v) for v in value]
    else:
        separator = " | " if " | " in text else ", "
        entries = text.split(separator)
    kept = entries[:1]
    for entry in entries[1:]:
        if len(separator.join([*kept, entry])) > limit:
            break
        kept.append(entry)
    shown = separator.join(kept)
    return shown if len(kept) == len(entries) else f"{shown} … ({len(entries)} in all)"


def summary_html(result) -> str:
    """The summary: who won, whether the invariant held (with its numbers), what it cost, the final items."""
    colour = {True: KINDS["succeeded"][1], False: KINDS["condition"][1], None: "grey"}[result.held]
    if result.held_by_chance:
        colour = HELD_BY_CHANCE
    numbers = " · ".join(f"{html.escape(str(k))}: <b>{html.escape(shortened(v))}</b>"
                         for k, v in result.verdict.numbers.items())
    warning = ""
    if result.held_by_chance:
        warning = (f"<div style='background:#fff3cd;padding:2px 6px;margin:2px 0'><b>Naive code, no race this time.</b> "
                   f"{html.escape(result.held_by_chance)}</div>")
    title, href = CAPACITY_SECTION
    linked = f'<a href="{href}">{html.escape(title)}</a>'
    notes = "".join(f"<div>{html.escape(line).replace(html.escape(title), linked, 1)}</div>" for line in result.notes())
    return (f'<div class="{SUMMARY_CLASS}" style="border-left:6px solid {colour};padding:4px 10px;margin:4px 0;'
            f'line-height:1.4">'
            f"<div><b>{html.escape(result.headline())}</b></div><div>{html.escape(result.winners_line())}</div>"
            f"<div>invariant: {html.escape(result.scenario.invariant)}: "
            f'<b style="color:{colour}">{result.judgement}</b></div>{warning}'
            f"<div>{numbers}</div><div>{html.escape(result.requests_line())}</div>{notes}</div>")


def report_html(result) -> str:
    return summary_html(result) + table_html(result)
