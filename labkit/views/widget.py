"""The race lab widget: pick a scenario, set the writers, Fire, and compare runs.

Fire runs the race in the kernel's main thread: the writers' threads only collect rows, and every output
(table, summary, timeline, history) is drawn here afterwards, so nothing lands in the wrong cell.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..race import MAX_WRITERS, MODES, RETRY_POLICIES, race, scenarios
from .report import summary_html, table_html
from .timeline import timeline

FIRE_CLASS = "labkit-fire"


class RaceLab(widgets.VBox):
    """Controls, a Fire button, and the views of the last race; past runs are kept in a history table."""

    def __init__(self, lab, *, scenario: str = "registration", writers: int = 8, variant: str = "guarded",
                 mode: str = "threads", retry: str = "none"):
        self.lab = lab
        self.runs: list[dict] = []
        self.last = None
        catalogue = scenarios()
        self.scenario = widgets.Dropdown(options=[(s.title, name) for name, s in catalogue.items()], value=scenario,
                                         description="scenario")
        self.writers = widgets.IntSlider(value=writers, min=1, max=MAX_WRITERS, description="writers")
        self.variant = widgets.ToggleButtons(options=catalogue[scenario].variants, value=variant)
        self.retry = widgets.Dropdown(options=list(RETRY_POLICIES), value=retry, description="retry")
        self.mode = widgets.ToggleButtons(options=MODES, value=mode)
        self.fire = widgets.Button(description="Fire", button_style="danger", icon="bolt")
        self.fire.add_class(FIRE_CLASS)
        self.story = widgets.HTML()
        self.code = widgets.HTML()
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.history = widgets.HTML()
        self.scenario.observe(self._scenario_changed, "value")
        self.variant.observe(self._show_code, "value")
        self.fire.on_click(lambda _: self.fire_once())
        self._scenario_changed()
        code = widgets.Accordion(children=[self.code], titles=("the boto3 the writers run",))
        super().__init__([self.scenario, self.story, _labelled("variant", self.variant), self.writers, self.retry,
                          _labelled("mode", self.mode), code,
                          self.fire, self.summary, self.picture, self.table, self.history])

    def _scenario_changed(self, *_):
        chosen = scenarios()[self.scenario.value]
        current = self.variant.value
        self.variant.options = chosen.variants
        self.variant.value = current if current in chosen.variants else chosen.variants[0]
        self.story.value = f"<p>{html.escape(chosen.story)} <i>Invariant: {html.escape(chosen.invariant)}.</i></p>"
        self._show_code()

    def _show_code(self, *_):
        chosen = scenarios()[self.scenario.value]
        note = chosen.notes.get(self.variant.value, "")
        self.code.value = (f"<p>{html.escape(note)}</p><pre style='font-size:85%'>"
                           f"{html.escape(chosen.code(self.variant.value))}</pre>")

    def fire_once(self):
        """Run the race as the controls say and show it; what a click on Fire does."""
        try:
            result = race(self.lab, self.scenario.value, writers=self.writers.value, variant=self.variant.value,
                          mode=self.mode.value, retry=self.retry.value, seed=len(self.runs))
        except Exception as error:  # show it where the learner looks, not in the kernel log
            self.summary.value = f"<div class='labkit-race-summary'><b>{type(error).__name__}</b>: {html.escape(str(error))}</div>"
            return None
        self.last = result
        self.summary.value = summary_html(result)
        self.table.value = table_html(result)
        self.picture.value = timeline(result).png()
        self.runs.append({"run": len(self.runs) + 1, "scenario": result.scenario.name, "variant": result.variant,
                          "mode": result.mode, "writers": result.writers, "retry": result.policy.name,
                          "winners": len(result.winners), "losers": len(result.losers), "requests": len(result.frame),
                          "invariant": {True: "held", False: "BROKEN", None: "not checked"}[result.held],
                          "race (ms)": round(result.elapsed * 1000, 1)})
        self.history.value = history_html(self.runs)
        return result


def _labelled(text: str, widget) -> widgets.HBox:
    """A label in the column the other controls' descriptions use (ToggleButtons puts its own above)."""
    label = widgets.HTML(f"<div style='text-align:right'>{html.escape(text)}</div>",
                         layout=widgets.Layout(width="var(--jp-widgets-inline-label-width)", margin="0 8px 0 0",
                                               flex="0 0 auto"))
    return widgets.HBox([label, widget])


def history_html(runs: list[dict]) -> str:
    """Past runs, newest first, so that a run can be compared with the ones before it."""
    import pandas as pd

    frame = pd.DataFrame(runs[::-1])
    return "<h4 style='margin:6px 0 2px'>history</h4>" + frame.to_html(index=False, classes="labkit-race-history")


def race_lab(lab, **settings) -> RaceLab:
    """The race lab widget on ``lab``; ``settings`` preset its controls (scenario, writers, variant, ...)."""
    return RaceLab(lab, **settings)
