"""The Fire widget: one request, sent by N writers at the same instant, and a table of who won.

A chapter shows a single command; Fire turns it into N simultaneous requests (real threads, each writer on
its own client, through the race engine's threads mode) and shows who succeeded and who got
ConditionalCheckFailedException, with the timeline of when each request was in flight. The race runs in
the kernel's main thread when the button is clicked; the writers' threads only collect rows, and the
views are drawn here afterwards.
"""

from __future__ import annotations

import dataclasses
import html

import ipywidgets as widgets

from ..palette import in_outcome_order
from ..race import MAX_WRITERS, Verdict, own_request, race
# labkit.views' public names: this module is imported last by labkit/views/__init__.py
from ..race.report import summary_html, table_html
from .timeline import timeline
from .widget import FIRE_CLASS
from .saved import PlainWhenSaved

ONE_WINNER = "exactly one writer's request succeeds"


def one_winner(final: dict, frame, writers: int) -> Verdict:
    """A guarded write raced: it holds when exactly one request succeeded. The numbers count each outcome."""
    counts = frame["outcome"].value_counts()
    tally = {outcome: int(counts[outcome]) for outcome in in_outcome_order(counts.index)}
    return Verdict(tally.get("succeeded", 0) == 1, tally)


def current(function):
    """What ``function``'s name means now in the namespace that defined it (a notebook's, for a cell's
    function); the function itself when the name is gone or was never global (a lambda)."""
    now = getattr(function, "__globals__", {}).get(getattr(function, "__name__", None))
    return now if callable(now) else function


class Fire(PlainWhenSaved, widgets.VBox):
    """A writers slider and a Fire button; each click races ``request`` once and shows the result."""

    saved_text = "Run this cell to get the Fire button."

    def __init__(self, lab, request, *, setup=None, tables: tuple = (), writers: int = 8,
                 check=one_winner, invariant: str = ONE_WINNER):
        self.lab = lab
        self.request, self.setup, self.tables, self.check, self.invariant = request, setup, tables, check, invariant
        self.last = None
        name = getattr(request, "__name__", "request")
        self.writers = widgets.IntSlider(value=writers, min=2, max=MAX_WRITERS, description="writers")
        self.fire = widgets.Button(description="Fire", button_style="danger", icon="bolt",
                                   tooltip=f"send {name} from every writer at the same instant")
        self.fire.add_class(FIRE_CLASS)
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        # hidden until the first Fire: an Image with no picture yet draws as a broken image
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", display="none"))
        self.fire.on_click(lambda _: self.fire_once())
        intro = widgets.HTML(f"<p>Fire sends <code>{html.escape(name)}</code> from every writer at "
                             "the same instant, each writer on its own thread with its own client.</p>")
        super().__init__([intro, widgets.HBox([self.writers, self.fire]), self.summary, self.table, self.picture])

    def scenario(self):
        """The race of the request as its name means it now: edit its cell, run it again, and Fire sends the
        new version (and sets the new scene)."""
        scene = {"setup": current(self.setup)} if self.setup else {}
        request = current(self.request)
        name = getattr(request, "__name__", "request")
        return dataclasses.replace(own_request(request, check=self.check, tables=self.tables, title=name, **scene),
                                   invariant=self.invariant)

    def fire_once(self):
        """Race the request with as many writers as the slider says, and show it; what a click does."""
        try:
            result = race(self.lab, self.scenario(), writers=self.writers.value, mode="threads")
        except Exception as error:  # shown where the learner looks, not in the kernel's log
            self.summary.value = (f"<div class='labkit-race-summary'><b>{type(error).__name__}</b>: "
                                  f"{html.escape(str(error))}</div>")
            self.table.value = ""
            return None
        self.last = result
        self.summary.value = summary_html(result)
        self.table.value = table_html(result)
        self.picture.value = timeline(result).png()
        self.picture.layout.display = None
        return result


def fire_widget(lab, request, **options) -> Fire:
    """``request(writer, client)`` makes one boto3 call; ``setup(client, writers)`` sets the scene before
    each Fire; ``tables`` are shown as they are after it."""
    return Fire(lab, request, **options)
