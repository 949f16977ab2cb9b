"""Transaction conflicts as a learner sees them: the two phases of a transaction drawn from the lab's own
trace, and the conflict lab widget (transactions and single writes fired at a few hot items).

Every view says that the conflicts are simulated: the lab holds a transaction's items for a set time so
that other requests can meet them, which one process could not otherwise show.
"""

from __future__ import annotations

import html
import io
import threading

import ipywidgets as widgets

from ..race.contention import MAX_WRITERS, contend
from ..palette import KINDS, kind_of
from .widget import FIRE_CLASS
from .saved import PlainWhenSaved
from .timeline import PIXEL_RATIO, WIDTH_PX

TABLE_CLASS = "labkit-conflict-table"
SUMMARY_CLASS = "labkit-conflict-summary"
_TRACE_DPI = 80  # CSS pixels per inch the two phases are shown at
_HOLD_LOOK = {"facecolor": "#fff3cd", "edgecolor": "#b8860b", "hatch": "///", "linewidth": 0.6}


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _lane(axes, y: float, x0: float, x1: float, colour: str, *, half: float = 0.32, minimum: float = 0.0):
    from matplotlib.patches import Rectangle

    axes.add_patch(Rectangle((x0, y - half), max(x1 - x0, minimum), 2 * half, facecolor=colour, edgecolor="white",
                             linewidth=0.4))


def _hold(axes, y: float, x0: float, x1: float, half: float = 0.32):
    from matplotlib.patches import Rectangle

    axes.add_patch(Rectangle((x0, y - half), x1 - x0, 2 * half, **_HOLD_LOOK))


def _legend(codes: list[str], held: str) -> list:
    """One entry per colour shown, named by the outcomes it stands for, and the hold."""
    from matplotlib.patches import Patch

    named: dict[str, list[str]] = {}
    for code in codes:
        named.setdefault(kind_of(code), [])
        if code not in named[kind_of(code)]:
            named[kind_of(code)].append(code)
    handles = [Patch(color=KINDS[k][1], label=" / ".join(named[k])) for k in KINDS if k in named]
    return handles + [Patch(label=held, **_HOLD_LOOK)]


# -- the two phases, from the trace ------------------------------------------------------------------

class TwoPhase:
    """The last requests of the lab's trace: a transaction's prepare, hold and commit, and what met it."""

    def __init__(self, entries: list):
        self.entries = sorted(entries, key=lambda e: e.start)

    def figure(self):
        from matplotlib.figure import Figure

        entries = self.entries
        zero = entries[0].start
        ms = lambda t: (t - zero) * 1000  # noqa: E731
        span = max(ms(e.end) for e in entries) or 1.0
        height = 1.9 + 0.45 * len(entries)
        figure = Figure(figsize=(9.5, height), dpi=_TRACE_DPI * PIXEL_RATIO)  # shown at _TRACE_DPI: sharp
        figure.subplots_adjust(left=0.36, right=0.97, top=1 - 0.5 / height, bottom=1.15 / height)
        axes = figure.add_subplot()
        labels, codes = [], []
        for lane, entry in enumerate(entries, start=1):
            outcome = "succeeded" if entry.code is None else entry.code
            labels.append(f"{entry.operation}: {outcome}")
            codes.append(outcome)
            colour = KINDS[kind_of(outcome)][1]
            if entry.held:
                prepared, committing = entry.held
                _lane(axes, lane, ms(entry.start), ms(prepared), colour, minimum=span * 0.006)
                _hold(axes, lane, ms(prepared), ms(committing))
                _lane(axes, lane, ms(committing), ms(entry.end), colour, minimum=span * 0.006)
                axes.axvspan(ms(prepared), ms(committing), color=_HOLD_LOOK["facecolor"], alpha=0.35, zorder=0)
                for x, text, side in ((ms(entry.start), "prepare", "left"), (ms(entry.end), "commit", "right")):
                    axes.annotate(text, (x, lane + 0.55), ha=side, va="top", fontsize=7)
            else:
                _lane(axes, lane, ms(entry.start), ms(entry.end), colour, minimum=span * 0.006)
        axes.set_xlim(-span * 0.02, span * 1.03)
        axes.set_ylim(len(entries) + 0.7, 0.3)
        axes.set_yticks(range(1, len(entries) + 1), labels, fontsize=8)
        axes.set_xlabel("ms since the first of these requests (real time in this kernel)")
        axes.set_title("the lab's trace: a transaction's two phases, and the requests that met its hold\n"
                       "(transaction conflicts simulated)", fontsize=9)
        axes.legend(handles=_legend(codes, "items held: the conflict window (simulated)"), loc="upper center",
                    bbox_to_anchor=(0.4, -0.55 / (height - 1.6)), ncol=2, fontsize=7, frameon=False)
        return figure

    def _repr_png_(self):
        return _png(self.figure()), {"width": round(9.5 * _TRACE_DPI)}

    def __repr__(self) -> str:
        held = sum(1 for e in self.entries if e.held)
        return f"<the lab's trace: {len(self.entries)} requests, {held} transaction{'s' * (held != 1)} held>"


class _NoTrace:
    def __init__(self, backend: str):
        self.backend = backend

    def __repr__(self) -> str:
        return f"(the {self.backend} backend is not the lab's own DynamoDB: there is no trace of it to draw)"


def trace_table(lab, last: int = 5):
    """The lab's own record of its last ``last`` requests: what each was, how it ended, the capacity units
    it consumed (a failed request too), and whether the conflict simulation decided it."""
    if lab.front is None:
        return _NoTrace(lab.backend)
    import pandas as pd

    return pd.DataFrame([{"operation": e.operation, "outcome": e.code or "succeeded", "capacity units": e.capacity,
                          "simulated": e.simulated} for e in list(lab.front.trace)[-last:]])


def two_phase(lab, last: int = 8):
    """The lab's last ``last`` requests, drawn on one time axis: a held transaction shows its prepare phase,
    its hold (the window in which other requests are refused) and its commit."""
    if lab.front is None:
        return _NoTrace(lab.backend)
    return TwoPhase(list(lab.front.trace)[-last:])


# -- the conflict lab ------------------------------------------------------------------------------

def _boxes(x0, x1, y, half: float = 0.32):
    """Rectangles from x0 to x1 around lanes y, as the vertex array a PolyCollection takes."""
    import numpy as np

    corners = ((x0, y - half), (x0, y + half), (x1, y + half), (x1, y - half))
    return np.stack([np.column_stack(corner) for corner in corners], axis=1)


def contention_height_px(lanes: int) -> int:
    """The timeline's height in CSS pixels: a few pixels per writer, at most 600 (the widget stays under 1,200)."""
    return min(130 + 9 * lanes, 600)


def contention_figure(result):
    """One lane per writer, a bar per attempt coloured by outcome, and each committed transaction's hold.

    Drawn at PIXEL_RATIO times the WIDTH_PX it is shown at, so it stays sharp; one PolyCollection per
    colour, so hundreds of attempts draw in a fraction of a second."""
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    frame = result.frame
    lanes = int(frame["writer"].max())
    span = float(frame["end"].max()) or 1.0
    width, height = WIDTH_PX, contention_height_px(lanes)
    figure = Figure(figsize=(width / 100, height / 100), dpi=100 * PIXEL_RATIO)
    figure.subplots_adjust(left=70 / width, right=1 - 230 / width, top=1 - 34 / height, bottom=46 / height)
    axes = figure.add_subplot()
    for kind, rows in frame.groupby(frame["outcome"].map(kind_of), sort=False):
        x0, x1, y = (rows[c].to_numpy(dtype=float) for c in ("start", "end", "writer"))
        axes.add_collection(PolyCollection(_boxes(x0, np.maximum(x1, x0 + span * 0.004), y),
                                           facecolors=KINDS[kind][1], edgecolors="white", linewidths=0.4))
    held = frame.dropna(subset=["held_start"])
    if len(held):
        axes.add_collection(PolyCollection(_boxes(*(held[c].to_numpy(dtype=float)
                                                    for c in ("held_start", "held_end", "writer"))), **_HOLD_LOOK))
    axes.set_xlim(0, span * 1.02)
    axes.set_ylim(lanes + 0.7, 0.3)
    ticks = range(1, lanes + 1, max(1, lanes // 16))
    kinds = dict(zip(frame["writer"], frame["kind"]))
    axes.set_yticks(ticks, [f"{n} {'T' if kinds.get(n) == 'transaction' else 'W'}" for n in ticks], fontsize=8)
    axes.set_ylabel("writer (T transaction, W single write)", fontsize=8)
    axes.set_xlabel("ms since the writers were released", fontsize=8)
    axes.tick_params(axis="x", labelsize=8)
    axes.set_title(f"{result.transactions} transactions, {result.single_writes} single writes, {result.hot_items} "
                   f"hot items, hold {result.hold_ms:g} ms (simulated), retry: {result.retry}", fontsize=9)
    axes.legend(handles=_legend(list(frame["outcome"]), "items held (simulated)"), loc="upper left",
                bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    return figure


def outcome_table_html(result) -> str:
    """Writers by kind and by how they ended: the table the learner reads after each Fire."""
    table = result.by_outcome()
    cell = "padding:2px 12px;border-bottom:1px solid #ddd"
    head = "".join(f"<th style='{cell};text-align:right'>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join(f"<tr><th style='{cell};text-align:left'>{html.escape(kind)}</th>"
                   + "".join(f"<td style='{cell};text-align:right'>{int(v)}</td>" for v in row) + "</tr>"
                   for kind, row in table.iterrows())
    return (f'<table class="{TABLE_CLASS}" style="border-collapse:collapse;margin:6px 0">'
            f"<thead><tr><th style='{cell};text-align:left'>writers, by how they ended</th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def summary_html(result) -> str:
    colour = KINDS["succeeded" if result.held else "condition"][1]
    attempts = result.attempts()
    tried = ", ".join(f"{name}: {int(count)}" for name, count in attempts.sum().items())
    return (f'<div class="{SUMMARY_CLASS}" style="border-left:6px solid {colour};padding:4px 10px;margin:4px 0">'
            f"<div><b>{html.escape(result.simulated)}</b></div>"
            f"<div>attempts, retries included: {len(result.frame)} ({html.escape(tried)})</div>"
            f"<div>counters: {html.escape(str(result.counters))}; committed increments: "
            f"{result.committed_increments}; invariant (counters = committed increments): "
            f'<b style="color:{colour}">{"HELD" if result.held else "BROKEN"}</b></div></div>')


class ConflictLab(PlainWhenSaved, widgets.VBox):
    """Controls, a Fire button, the outcome table, the timeline and a history of runs."""

    saved_text = "Run this cell to get the conflict lab."

    def __init__(self, lab, *, transactions: int = 6, single_writes: int = 2, hot_items: int = 3,
                 hold_ms: int = 20, retry: str = "none"):
        self.lab = lab
        self.runs: list[dict] = []
        self.last = None
        style = {"description_width": "initial"}
        self.transactions = widgets.IntSlider(transactions, min=0, max=MAX_WRITERS, description="transactions",
                                              style=style)
        self.single_writes = widgets.IntSlider(single_writes, min=0, max=MAX_WRITERS, description="single writes",
                                               style=style)
        self.hot_items = widgets.IntSlider(hot_items, min=1, max=10, description="hot items", style=style)
        self.hold_ms = widgets.IntSlider(hold_ms, min=1, max=100, description="hold (ms, simulated)", style=style)
        self.retry = widgets.ToggleButtons(options=[("no retries", "none"), ("backoff + same token", "backoff")],
                                           value=retry)
        self.fire = widgets.Button(description="Fire", button_style="danger", icon="bolt")
        self.fire.add_class(FIRE_CLASS)
        self.progress = widgets.IntProgress(0, min=0, max=1, layout=widgets.Layout(width="240px"))
        self.progress_text = widgets.HTML()
        self.running = widgets.HBox([self.progress, self.progress_text], layout=widgets.Layout(display="none"))
        self.summary, self.table, self.history = widgets.HTML(), widgets.HTML(), widgets.HTML()
        # shown at the width it is drawn for (at PIXEL_RATIO), never stretched; hidden until the first Fire
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width=f"{WIDTH_PX}px", max_width="100%",
                                                                         display="none"))
        self.fire.on_click(lambda _: self.fire_once())
        controls = widgets.HBox([widgets.VBox([self.transactions, self.single_writes]),
                                 widgets.VBox([self.hot_items, self.hold_ms])])
        super().__init__([controls, widgets.HBox([self.retry, self.fire]), self.running, self.summary, self.table,
                          self.picture, self.history])

    def fire_once(self):
        """Run once as the controls say and show it: what a click on Fire does. The writers run on a thread of
        their own while this one shows how far they are (a run at the largest settings takes seconds, most of
        them making one client per writer the first time)."""
        settings = {"transactions": self.transactions.value, "single_writes": self.single_writes.value,
                    "hot_items": self.hot_items.value, "hold_ms": self.hold_ms.value, "retry": self.retry.value,
                    "seed": len(self.runs)}
        total = settings["transactions"] + settings["single_writes"]
        state, done = {"step": "making one client per writer", "count": 0}, {}

        def work():
            try:
                for made in range(1, total + 1):  # made once and kept by the lab: only a first large run waits
                    self.lab.clients(made)
                    state.update(count=made)
                state.update(step="writers finished", count=0)
                done["result"] = contend(self.lab, **settings, progress=lambda finished: state.update(count=finished))
                state.update(step="drawing the timeline", count=total)
                done["png"] = _png(contention_figure(done["result"]))
            except Exception as error:  # shown where the learner looks, not in the kernel log
                done["error"] = error

        self.fire.disabled = True
        self.progress.max, self.running.layout.display = max(total, 1), None
        worker = threading.Thread(target=work, name="labkit-conflict-lab", daemon=True)
        worker.start()
        while worker.is_alive():
            self.progress.value = state["count"]
            self.progress_text.value = html.escape(f"{state['step']}: {state['count']} of {total}")
            worker.join(0.1)
        self.running.layout.display, self.fire.disabled = "none", False
        if "error" in done:
            error = done["error"]
            self.summary.value = (f"<div class='{SUMMARY_CLASS}'><b>{type(error).__name__}</b>: "
                                  f"{html.escape(str(error))}</div>")
            return None
        result = self.last = done["result"]
        self.summary.value = summary_html(result)
        self.table.value = outcome_table_html(result)
        self.picture.value, self.picture.layout.display = done["png"], None
        finals = result.finals
        self.runs.append({"run": len(self.runs) + 1, "transactions": result.transactions,
                          "single writes": result.single_writes, "hot items": result.hot_items,
                          "hold (ms)": result.hold_ms, "retry": result.retry, "attempts": len(result.frame),
                          "succeeded": int((finals["outcome"] == "succeeded").sum()), "writers": len(finals),
                          "TransactionConflict": int(result.frame["reasons"].str.contains("TransactionConflict").sum()),
                          "invariant": "held" if result.held else "BROKEN"})
        import pandas as pd

        self.history.value = ("<h4 style='margin:6px 0 2px'>history</h4><div style='max-height:220px;overflow-y:auto'>"
                              + pd.DataFrame(self.runs[::-1]).to_html(index=False, classes="labkit-conflict-history")
                              + "</div>")
        return result


def conflict_lab(lab, **settings) -> ConflictLab:
    """The conflict lab widget on ``lab``; ``settings`` preset its controls."""
    return ConflictLab(lab, **settings)


__all__ = ["ConflictLab", "TwoPhase", "conflict_lab", "contention_figure", "outcome_table_html", "trace_table",
           "two_phase"]
