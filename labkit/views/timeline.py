"""A race as a picture: one lane per writer, a bar per request from its start to its end.

Bars are coloured by outcome; a read is a thin pale bar, a write a full-height one. Each group of bars is
one PolyCollection (one artist, not one per bar), so 64 writers with retries still render in a fraction of
a second. A race can hold thousands of requests one tick long: every bar is drawn at least a couple of
pixels wide, and the writes that succeeded are drawn last, on top, so the few winners are never hidden
under the losers. The picture is drawn at twice the size it is shown, never stretched. The figure is built
with matplotlib's object API (no pyplot): it never enters pyplot's list of open figures, so it needs no
closing and never shows itself twice.

A study group's round is drawn the same way, coloured by member instead (``colour_by="member"``): one
colour per member, named in the legend, the writes that succeeded outlined in black.
"""

from __future__ import annotations

import io

from ..palette import KINDS, kind_of

WIDTH_PX = 820  # CSS pixels it is shown at
PIXEL_RATIO = 2  # device pixels drawn per CSS pixel: sharp on high-density screens, and when shrunk
_STEP_LOOK = {"write": (0.38, 1.0), "read": (0.14, 0.45)}  # half-height, opacity
_MIN_WIDTH_PX = {"read": 1.5, "write": 2.0, "succeeded": 3.0}  # narrowest bar drawn, in CSS pixels
_MARGIN_PX = {"left": 52, "right": 14, "top": 26, "bottom": 62}  # room for labels, title and the legend
_LEGEND_ROW_PX, _LEGEND_CHAR_PX, _LEGEND_ENTRY_PX = 14, 6, 40  # a legend's each more row; a member entry's width


def height_px(lanes: int) -> int:
    """The picture's height: roomy lanes for a few writers, a few pixels each beyond eight, at most 340 (so
    that the race lab, with its controls, summary and attempts, stays within one screen of 1,200 px)."""
    return min(100 + 22 * min(lanes, 8) + 5 * max(lanes - 8, 0), 340)


def _draw_order(key) -> int:
    (step, kind), _ = key
    return (step == "write") * 2 + (kind == "succeeded")  # reads, then lost writes, then the winners


def _member_colours(count: int) -> list:
    """``count`` distinct colours: tab10's up to ten members, tab20's strong then pale halves up to twenty,
    then evenly spaced hues."""
    from matplotlib import colormaps

    if count <= 10:
        return [colormaps["tab10"](i) for i in range(count)]
    if count <= 20:
        return [colormaps["tab20"](i) for i in [*range(0, 20, 2), *range(1, 20, 2)]][:count]
    return [colormaps["hsv"](i / count) for i in range(count)]


def _bars(axes, rows, step: str, colours, narrowest: float, zorder: int, **style) -> None:
    """One PolyCollection: a bar per row from its start to its end on its writer's lane."""
    import numpy as np
    from matplotlib.collections import PolyCollection

    half, alpha = _STEP_LOOK[step]
    x0, x1, y = (rows[c].to_numpy(dtype=float) for c in ("start", "end", "writer"))
    x1 = np.maximum(x1, x0 + narrowest)
    corners = [(x0, y - half), (x0, y + half), (x1, y + half), (x1, y - half)]
    boxes = np.stack([np.column_stack(corner) for corner in corners], axis=1)
    axes.add_collection(PolyCollection(boxes, facecolors=colours, alpha=alpha, zorder=zorder,
                                       **({"linewidths": 0} | style)))


def _by_outcome(axes, frame, per_px: float) -> list:
    """Bars coloured by outcome; the legend's handles."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    kinds = frame["outcome"].map(kind_of)
    groups = sorted(frame.groupby([frame["step"], kinds], sort=False), key=_draw_order)
    for order, ((step, kind), rows) in enumerate(groups):
        narrowest = _MIN_WIDTH_PX["succeeded" if step == "write" and kind == "succeeded" else step] * per_px
        _bars(axes, rows, step, KINDS[kind][1], narrowest, 2 + order)
    writes, reads = kinds[frame["step"] == "write"], kinds[frame["step"] == "read"]
    handles = [Patch(color=KINDS[k][1], label=f"write: {KINDS[k][2]}") for k in KINDS if (writes == k).any()]
    handles += [Line2D([], [], color=KINDS[k][1], alpha=_STEP_LOOK["read"][1], linewidth=3,
                       label="read" if k == "succeeded" else f"read: {KINDS[k][2]}")
                for k in KINDS if (reads == k).any()]
    return handles


def _by_member(axes, frame, per_px: float, labels: dict) -> list:
    """Bars coloured by the member whose writer sent them (members in the order of their first lane);
    the writes that succeeded drawn last, outlined; the legend's handles, one per member."""
    from matplotlib.patches import Patch

    members = list(dict.fromkeys(frame.sort_values("writer")["member"]))
    colour = dict(zip(members, _member_colours(len(members))))
    won = (frame["step"] == "write") & (frame["outcome"] == "succeeded")
    for order, step in enumerate(("read", "write")):
        rows = frame[(frame["step"] == step) & ~won]
        if len(rows):
            _bars(axes, rows, step, [colour[m] for m in rows["member"]], _MIN_WIDTH_PX[step] * per_px, 2 + order)
    if won.any():
        rows = frame[won]
        _bars(axes, rows, "write", [colour[m] for m in rows["member"]], _MIN_WIDTH_PX["succeeded"] * per_px, 4,
              edgecolors="black", linewidths=0.9)
    handles = [Patch(color=colour[m], label=labels.get(m, m)) for m in members]
    if won.any():
        handles.append(Patch(facecolor="none", edgecolor="black", label="outlined: write succeeded"))
    return handles


def _member_columns(handles) -> int:
    """A member legend's columns: as many as its longest entry lets fit across the picture (about 6 px a
    character at the legend's size, and 40 px of swatch and spacing an entry)."""
    if not handles:
        return 1
    widest = max(len(h.get_label()) for h in handles) * _LEGEND_CHAR_PX + _LEGEND_ENTRY_PX
    return max(1, min(len(handles), (WIDTH_PX - 20) // widest))


def timeline_figure(result, colour_by: str = "outcome", labels: dict | None = None):
    """The matplotlib Figure of a race's timeline. ``colour_by="member"`` colours a group round's bars by
    the ``member`` column of its frame, with ``labels`` (member -> legend text) where given; its legend
    takes as many rows as it needs, and the picture grows by them."""
    from matplotlib.figure import Figure

    frame, lanes = result.frame, result.writers
    width = WIDTH_PX
    figure = Figure(dpi=100 * PIXEL_RATIO)
    axes = figure.add_subplot()
    span = max(float(frame["end"].max()) if len(frame) else 1.0, 1e-3) * 1.02
    per_px = span / (width - _MARGIN_PX["left"] - _MARGIN_PX["right"])  # time units per CSS pixel
    if colour_by == "member":
        handles = _by_member(axes, frame, per_px, labels or {})
        columns = _member_columns(handles)
    elif colour_by == "outcome":
        handles = _by_outcome(axes, frame, per_px)
        columns = len(handles) or 1
    else:
        raise ValueError("colour_by is 'outcome' or 'member'")
    extra = _LEGEND_ROW_PX * (-(-len(handles) // columns) - 1 if handles else 0)  # more rows of legend
    height = height_px(lanes) + extra
    figure.set_size_inches(width / 100, height / 100)
    figure.subplots_adjust(left=_MARGIN_PX["left"] / width, right=1 - _MARGIN_PX["right"] / width,
                           top=1 - _MARGIN_PX["top"] / height, bottom=(_MARGIN_PX["bottom"] + extra) / height)
    axes.set_xlim(0, span)
    axes.set_ylim(lanes + 0.6, 0.4)
    axes.set_yticks(range(1, lanes + 1, max(1, lanes // 12)))
    axes.tick_params(labelsize=8)
    axes.set_ylabel("writer", fontsize=8)
    axes.set_xlabel("time since the writers were released (ms)" if result.unit == "ms"
                    else "staged step (each request takes one tick)", fontsize=8)
    axes.set_title(result.headline(), fontsize=8.5)
    figure.legend(handles=handles, loc="lower center", ncol=columns, fontsize=7.5, frameon=False, handlelength=1.4,
                  columnspacing=1.2)
    return figure


class Timeline:
    """A race's timeline that shows itself as a PNG in a notebook, at the size it was drawn for."""

    def __init__(self, result, colour_by: str = "outcome", labels: dict | None = None):
        self.result = result
        self.figure = timeline_figure(result, colour_by, labels)
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


def timeline(result, colour_by: str = "outcome", labels: dict | None = None) -> Timeline:
    """A race's timeline, its bars coloured by outcome, or by member (a group round; see ``timeline_figure``)."""
    return Timeline(result, colour_by, labels)
