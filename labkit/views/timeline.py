"""A race as a picture: one lane per writer, a bar per request from its start to its end.

Bars are coloured by outcome; a read is a thin pale bar, a write a full-height one. Each group of bars is
one PolyCollection (one artist, not one per bar), so 64 writers with retries still render in well under a
tenth of a second. The figure is built with matplotlib's object API (no pyplot): it never enters pyplot's
list of open figures, so it needs no closing and never shows itself twice.
"""

from __future__ import annotations

import io

from .colours import KINDS, kind_of

_STEP_LOOK = {"write": (0.35, 1.0), "read": (0.14, 0.45)}  # half-height, opacity


def timeline_figure(result):
    """The matplotlib Figure of a race's timeline."""
    import numpy as np
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    frame, lanes = result.frame, result.writers
    height = min(1.6 + 0.13 * lanes, 9)
    figure = Figure(figsize=(9, height), dpi=80)
    figure.subplots_adjust(left=0.08, right=0.72, top=1 - 0.35 / height, bottom=0.55 / height)
    axes = figure.add_subplot()
    kinds = frame["outcome"].map(kind_of)
    for (step, kind), rows in frame.groupby([frame["step"], kinds], sort=False):
        half, alpha = _STEP_LOOK[step]
        x0, x1, y = (rows[c].to_numpy(dtype=float) for c in ("start", "end", "writer"))
        corners = [(x0, y - half), (x0, y + half), (x1, y + half), (x1, y - half)]
        boxes = np.stack([np.column_stack(corner) for corner in corners], axis=1)
        axes.add_collection(PolyCollection(boxes, facecolors=KINDS[kind][1], alpha=alpha, edgecolors="white",
                                           linewidths=0.3))
    axes.set_xlim(0, max(float(frame["end"].max()) if len(frame) else 1.0, 1e-3) * 1.02)
    axes.set_ylim(lanes + 0.6, 0.4)
    axes.set_yticks(range(1, lanes + 1, max(1, lanes // 16)))
    axes.set_ylabel("writer")
    axes.set_xlabel("time since the writers were released (ms)" if result.unit == "ms"
                    else "staged step (each request takes one tick)")
    axes.set_title(result.headline(), fontsize=9)
    handles = [Patch(color=KINDS[k][1], label=KINDS[k][2]) for k in KINDS if (kinds == k).any()]
    handles += [Patch(color="grey", alpha=0.45, label="read (thin, pale)"), Patch(color="grey", label="write")]
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return figure


class Timeline:
    """A race's timeline that shows itself as a PNG in a notebook."""

    def __init__(self, result):
        self.result = result
        self.figure = timeline_figure(result)
        self._png: bytes | None = None

    def png(self) -> bytes:
        if self._png is None:
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png")
            self._png = buffer.getvalue()
        return self._png

    def _repr_png_(self) -> bytes:
        return self.png()

    def __repr__(self) -> str:
        return f"<timeline of {len(self.result.frame)} requests by {self.result.writers} writers>"


def timeline(result) -> Timeline:
    return Timeline(result)
