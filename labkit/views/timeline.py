"""A race as a picture: one lane per writer, a bar per request from its start to its end.

Bars are coloured by outcome; a read is a thin pale bar, a write a full-height one. Each group of bars is
one PolyCollection (one artist, not one per bar), so 64 writers with retries still render in a fraction of
a second. A race can hold thousands of requests one tick long: every bar is drawn at least a couple of
pixels wide, and the writes that succeeded are drawn last, on top, so the few winners are never hidden
under the losers. The picture is drawn at twice the size it is shown, never stretched. The figure is built
with matplotlib's object API (no pyplot): it never enters pyplot's list of open figures, so it needs no
closing and never shows itself twice.
"""

from __future__ import annotations

import io

from ..palette import KINDS, kind_of

WIDTH_PX = 820  # CSS pixels it is shown at
PIXEL_RATIO = 2  # device pixels drawn per CSS pixel: sharp on high-density screens, and when shrunk
_STEP_LOOK = {"write": (0.38, 1.0), "read": (0.14, 0.45)}  # half-height, opacity
_MIN_WIDTH_PX = {"read": 1.5, "write": 2.0, "succeeded": 3.0}  # narrowest bar drawn, in CSS pixels
_MARGIN_PX = {"left": 52, "right": 14, "top": 26, "bottom": 62}  # room for labels, title and the legend


def height_px(lanes: int) -> int:
    """The picture's height: roomy lanes for a few writers, a few pixels each beyond eight, at most 340 (so
    that the race lab, with its controls, summary and attempts, stays within one screen of 1,200 px)."""
    return min(100 + 22 * min(lanes, 8) + 5 * max(lanes - 8, 0), 340)


def _draw_order(key) -> int:
    (step, kind), _ = key
    return (step == "write") * 2 + (kind == "succeeded")  # reads, then lost writes, then the winners


def timeline_figure(result):
    """The matplotlib Figure of a race's timeline."""
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    frame, lanes = result.frame, result.writers
    width, height = WIDTH_PX, height_px(lanes)
    figure = Figure(figsize=(width / 100, height / 100), dpi=100 * PIXEL_RATIO)
    figure.subplots_adjust(left=_MARGIN_PX["left"] / width, right=1 - _MARGIN_PX["right"] / width,
                           top=1 - _MARGIN_PX["top"] / height, bottom=_MARGIN_PX["bottom"] / height)
    axes = figure.add_subplot()
    span = max(float(frame["end"].max()) if len(frame) else 1.0, 1e-3) * 1.02
    per_px = span / (width - _MARGIN_PX["left"] - _MARGIN_PX["right"])  # time units per CSS pixel
    kinds = frame["outcome"].map(kind_of)
    groups = sorted(frame.groupby([frame["step"], kinds], sort=False), key=_draw_order)
    for order, ((step, kind), rows) in enumerate(groups):
        half, alpha = _STEP_LOOK[step]
        narrowest = _MIN_WIDTH_PX["succeeded" if step == "write" and kind == "succeeded" else step] * per_px
        x0, x1, y = (rows[c].to_numpy(dtype=float) for c in ("start", "end", "writer"))
        x1 = np.maximum(x1, x0 + narrowest)
        corners = [(x0, y - half), (x0, y + half), (x1, y + half), (x1, y - half)]
        boxes = np.stack([np.column_stack(corner) for corner in corners], axis=1)
        axes.add_collection(PolyCollection(boxes, facecolors=KINDS[kind][1], alpha=alpha, linewidths=0,
                                           zorder=2 + order))
    axes.set_xlim(0, span)
    axes.set_ylim(lanes + 0.6, 0.4)
    axes.set_yticks(range(1, lanes + 1, max(1, lanes // 12)))
    axes.tick_params(labelsize=8)
    axes.set_ylabel("writer", fontsize=8)
    axes.set_xlabel("time since the writers were released (ms)" if result.unit == "ms"
                    else "staged step (each request takes one tick)", fontsize=8)
    axes.set_title(result.headline(), fontsize=8.5)
    writes, reads = kinds[frame["step"] == "write"], kinds[frame["step"] == "read"]
    handles = [Patch(color=KINDS[k][1], label=f"write: {KINDS[k][2]}") for k in KINDS if (writes == k).any()]
    handles += [Line2D([], [], color=KINDS[k][1], alpha=_STEP_LOOK["read"][1], linewidth=3,
                       label="read" if k == "succeeded" else f"read: {KINDS[k][2]}")
                for k in KINDS if (reads == k).any()]
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7.5, frameon=False,
                  handlelength=1.4, columnspacing=1.2)
    return figure


class Timeline:
    """A race's timeline that shows itself as a PNG in a notebook, at the size it was drawn for."""

    def __init__(self, result):
        self.result = result
        self.figure = timeline_figure(result)
        self.width_px = WIDTH_PX
        self._png: bytes | None = None

    def png(self) -> bytes:
        if self._png is None:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            self._png = buffer.getvalue()
        return self._png

    def _repr_png_(self):
        return self.png(), {"width": self.width_px}

    def __repr__(self) -> str:
        return f"<timeline of {len(self.result.frame)} requests by {self.result.writers} writers>"


def timeline(result) -> Timeline:
    return Timeline(result)
