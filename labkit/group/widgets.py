"""The facilitator's and the member's widgets over ``labkit.group.rounds``.

The facilitator chooses a scenario, naive or guarded, and writers per member, presses **Open**, watches
members join (a background thread polls the round's items), and presses **Fire**; the round's whole
result follows: per member, the invariant, the timeline coloured by member, the history of rounds. A member presses **Join**; a background
thread waits on the round item, runs the member's writers at the start time, and shows the member's own
attempts, the winners, and why each of theirs lost. Neither blocks its kernel while it waits.
"""

from __future__ import annotations

import html
import threading
import time

import ipywidgets as widgets

from ..race.library import scenarios
from ..race.report import scroll_box
from ..views.saved import PlainWhenSaved
from ..views.timeline import WIDTH_PX, Timeline, timeline
from . import rounds

FACILITATOR_CLASS = "labkit-group-facilitator"
MEMBER_CLASS = "labkit-group-member"
TABLE_HEIGHT_PX = 200  # the per-member table and the history scroll in boxes this tall: 30 members stay one screen


def round_timeline(result: rounds.GroupResult) -> Timeline:
    """A round's timeline (the race lab's), one colour per member, the legend naming them; simulated members
    labelled so."""
    labels = {name: f"{name} (simulated)" for name, report in result.reports.items() if report.simulated}
    return timeline(result.race, colour_by="member", labels=labels)


def _pre(lines: list[str], cls: str = "") -> str:
    return f"<pre class='{cls}'>" + html.escape("\n".join(lines)) + "</pre>"


def _error(error: Exception) -> str:
    return f"<div class='labkit-group-error'><b>{type(error).__name__}</b>: {html.escape(str(error))}</div>"


class FacilitatorPanel(PlainWhenSaved, widgets.VBox):
    """Open, watch members join, Fire, and read the round; ``simulated`` members (threads of this kernel,
    labelled simulated) join each round for a facilitator practising alone."""

    saved_text = "Run this cell to get the facilitator's panel."

    def __init__(self, lab, name: str, *, scenario: str = "registration", variant: str = "guarded",
                 writers: int = 2, simulated: int = 0, lead: float = rounds.LEAD_SECONDS):
        self.host, self.lab, self.lead = rounds.Facilitator(lab, name), lab, lead
        self.state: rounds.RoundState | None = None
        self.last: rounds.GroupResult | None = None
        catalogue = scenarios()
        self.scenario = widgets.Dropdown(options=[(s.title, n) for n, s in catalogue.items()], value=scenario,
                                         description="scenario", layout=widgets.Layout(width="420px"))
        self.variant = widgets.ToggleButtons(options=catalogue[scenario].variants, value=variant)
        self.scenario.observe(lambda change: setattr(self.variant, "options", catalogue[change["new"]].variants),
                              names="value")
        self.writers = widgets.IntSlider(value=writers, min=1, max=16, description="writers each")
        self.simulated = widgets.IntSlider(value=simulated, min=0, max=8, description="simulated")
        self.open_button = widgets.Button(description="Open", icon="door-open", button_style="info")
        self.fire_button = widgets.Button(description="Fire", icon="bolt", button_style="danger", disabled=True)
        self.joined = widgets.HTML("<i>No round open.</i>")
        self.result = widgets.HTML()
        # hidden until a round is judged: an Image without a picture shows a broken-image icon
        self.picture = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{WIDTH_PX}px", max_width="100%", height="auto", display="none"))
        self.history = widgets.HTML()
        self.open_button.on_click(lambda _: self.open_round())
        self.fire_button.on_click(lambda _: self.fire_round())
        self._watching = threading.Event()
        super().__init__([widgets.HBox([self.scenario, self.variant]),
                          widgets.HBox([self.writers, self.simulated]),
                          widgets.HBox([self.open_button, self.fire_button]), self.joined, self.result, self.picture,
                          self.history])
        self.add_class(FACILITATOR_CLASS)

    def open_round(self) -> rounds.RoundState | None:
        """Open a round with the chosen settings; members may join until Fire. (Not ``open``: ipywidgets
        calls a widget's ``open`` to connect it to the page.)"""
        try:
            self.state = self.host.open(self.scenario.value, self.variant.value, self.writers.value)
            if self.simulated.value:
                names = [f"simulated-{i}" for i in range(1, self.simulated.value + 1)]
                rounds.simulate(self.lab, names, self.state.round_id, self.writers.value)
        except Exception as error:  # noqa: BLE001 (shown where the facilitator looks)
            self.result.value = _error(error)
            return None
        self.fire_button.disabled, self.result.value = False, ""
        self.picture.layout.display = "none"
        self._show_joined()
        self._watching.set()
        threading.Thread(target=self._watch, args=(self.state.round_id,), daemon=True).start()
        return self.state

    def _watch(self, round_id: str) -> None:
        """Show members as they join, until Fire."""
        while self._watching.is_set() and self.state and self.state.round_id == round_id:
            try:
                self._show_joined()
            except Exception:  # noqa: BLE001 (a failed poll is retried; Fire shows real errors)
                pass
            time.sleep(0.5)

    def _show_joined(self) -> None:
        names = self.host.joined(self.state.round_id)
        self.joined.value = (f"<div class='labkit-group-joined'><b>{self.state.round_id}</b> open: "
                             f"{len(names)} joined: {html.escape(', '.join(names)) or 'nobody yet'}</div>")

    def fire_round(self) -> rounds.GroupResult | None:
        """Seat everyone who joined, start them together, and show the round once every seat reported."""
        self._watching.clear()
        try:
            fired = self.host.fire(self.state.round_id, lead=self.lead)
            self.fire_button.disabled = True
            self.joined.value = (f"<div class='labkit-group-joined'><b>{fired.round_id}</b> fired: "
                                 f"{html.escape(', '.join(sorted(fired.seats)))} racing</div>")
            self.last = self.host.collect(self.state.round_id)
        except Exception as error:  # noqa: BLE001
            self.result.value = _error(error)
            return None
        members = self.last.per_member().to_html(index=False, classes="labkit-group-members")
        self.result.value = (_pre(self.last.lines(), "labkit-group-result")
                             + scroll_box(members, TABLE_HEIGHT_PX, "labkit-group-members-box"))
        self.picture.value = round_timeline(self.last).png()
        self.picture.layout.display = None
        self.history.value = "<b>Rounds so far</b>" + scroll_box(self.host.history().to_html(index=False),
                                                                 TABLE_HEIGHT_PX, "labkit-group-history-box")
        return self.last


class MemberPanel(PlainWhenSaved, widgets.VBox):
    """Join the open round; at Fire this kernel's writers race everyone else's; then the results."""

    saved_text = "Run this cell to get the member's panel."

    def __init__(self, lab, name: str, *, wait_seconds: float = rounds.WAIT_SECONDS):
        self.member, self.wait_seconds = rounds.Member(lab, name), wait_seconds
        self.last: rounds.MemberOutcome | None = None
        self.done = threading.Event()
        self.join_button = widgets.Button(description="Join", icon="user-plus", button_style="info")
        self.status = widgets.HTML(f"<i>{html.escape(name)}: press Join when the facilitator opens a round.</i>")
        self.result = widgets.HTML()
        self.join_button.on_click(lambda _: self.join())
        super().__init__([self.join_button, self.status, self.result])
        self.add_class(MEMBER_CLASS)

    def join(self) -> threading.Thread | None:
        """Join the latest round and wait for Fire in the background."""
        self.done.clear()
        try:
            state = self.member.join()
        except Exception as error:  # noqa: BLE001
            self.status.value = _error(error)
            return None
        self.join_button.disabled = True
        self.status.value = (f"<div class='labkit-group-status'>joined <b>{state.round_id}</b> "
                             f"({html.escape(state.scenario)}, {state.variant}, {state.writers} writers each): "
                             "waiting for Fire</div>")
        thread = threading.Thread(target=self._play, args=(state.round_id,), daemon=True)
        thread.start()
        return thread

    def _play(self, round_id: str) -> None:
        try:
            state = self.member.wait(round_id, self.wait_seconds)
            self.status.value = f"<div class='labkit-group-status'><b>{round_id}</b> fired: racing</div>"
            self.member.run(state)
            self.last = self.member.results(state)
            self.status.value = f"<div class='labkit-group-status'><b>{round_id}</b> done</div>"
            self.result.value = _pre(self.last.lines(), "labkit-group-result")
        except Exception as error:  # noqa: BLE001
            self.status.value = _error(error)
        finally:
            self.join_button.disabled = False
            self.done.set()


def facilitator_panel(lab, name: str | None = None, **options) -> FacilitatorPanel:
    """The facilitator's panel; ``name`` defaults to the hub's name for this user."""
    return FacilitatorPanel(lab, name or rounds.whoami(), **options)


def member_panel(lab, name: str | None = None, **options) -> MemberPanel:
    """A member's panel; ``name`` defaults to the hub's name for this user (the name the key stands for)."""
    return MemberPanel(lab, name or rounds.whoami(), **options)
