"""The race lab widget: pick a scenario, set the writers, Fire, and compare runs.

Fire runs the race in the kernel's main thread: the writers' threads only collect rows, and every output
(summary, timeline, table, history) is drawn here afterwards, so nothing lands in the wrong cell. However
long the race, the widget stays about one screen tall: the summary and the timeline come first, the
attempts scroll inside a box of their own, and the history follows right under that box.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..race import MAX_WRITERS, MODES, RETRY_POLICIES, race, scenarios
from ..race.report import scroll_box, summary_html, table_html
from .saved import PlainWhenSaved
from .timeline import WIDTH_PX, timeline

FIRE_CLASS = "labkit-fire"
LAB_CLASS = "labkit-race-lab"
HISTORY_CLASS = "labkit-race-history"
STALE_CLASS = "labkit-stale"
# the history's header and about four runs, and the attempts' header and about seven rows: with the controls,
# the summary and a timeline of 340 px, the widget stays within one screen of 1,200 px at 64 writers
HISTORY_HEIGHT_PX = 100
ATTEMPTS_HEIGHT_PX = 170
# scenario -> the chapter that teaches its construct (its notebook, its title): the race lab fires every
# scenario, and says where each is explained
TAUGHT_IN = {
    "registration": ("02_race_lab.ipynb", "2. The race lab"),
    "role_change": ("02_race_lab.ipynb", "2. The race lab"),
    "optimistic_lock": ("04_patterns.ipynb", "4. Patterns, raced"),
    "retry_counter": ("04_patterns.ipynb", "4. Patterns, raced"),
    "inventory": ("04_patterns.ipynb", "4. Patterns, raced"),
    "state_machine": ("04_patterns.ipynb", "4. Patterns, raced"),
    "task_claim": ("05_workers_and_mappers.ipynb", "5. Workers and mappers"),
    "bank_transfer": ("07_transactions.ipynb", "7. Transactions"),
    "payment_transitions": ("04_patterns.ipynb", "4. Patterns, raced"),
    "role_grant": ("04_patterns.ipynb", "4. Patterns, raced"),
    "order_cleanup": ("04_patterns.ipynb", "4. Patterns, raced"),
    "unique_email": ("04_patterns.ipynb", "4. Patterns, raced"),
    "task_claim_pynamodb": ("05_workers_and_mappers.ipynb", "5. Workers and mappers"),
    "stale_balance": ("04_patterns.ipynb", "4. Patterns, raced"),
}
# Results of a run whose settings are no longer those of the controls are dimmed, under a banner; the
# history is as compact as the attempts table.
_STYLE = (f"<style>.{LAB_CLASS} .{STALE_CLASS} {{ opacity: 0.5; }} "
          f".{HISTORY_CLASS} {{ font-size: 85%; border-collapse: collapse; }} "
          f".{HISTORY_CLASS} td, .{HISTORY_CLASS} th {{ text-align: left; padding: 1px 6px; white-space: nowrap; "
          "line-height: 1.35; }"
          f".{LAB_CLASS} p {{ line-height: 1.4; margin: 2px 0; }}"
          "</style>")


class RaceLab(PlainWhenSaved, widgets.VBox):
    """Controls, a Fire button, and the views of the last race; past runs are kept in a history table."""

    saved_text = "Run this cell to get the race lab."

    def __init__(self, lab, *, scenario: str = "registration", writers: int = 8, variant: str = "guarded",
                 mode: str = "threads", retry: str = "none", seed: int = 0):
        self.lab = lab
        self.runs: list[dict] = []
        self.last = None
        catalogue = scenarios()
        self.scenario = widgets.Dropdown(options=[(f"{s.title} (chapter {TAUGHT_IN[name][1].split('.')[0]})", name)
                                                  for name, s in catalogue.items()], value=scenario,
                                         description="scenario", layout=widgets.Layout(width="480px"))
        self.writers = widgets.IntSlider(value=writers, min=1, max=MAX_WRITERS, description="writers")
        self.variant = widgets.ToggleButtons(options=catalogue[scenario].variants, value=variant)
        self.retry = widgets.Dropdown(options=list(RETRY_POLICIES), value=retry, description="retry")
        self.retry_note = widgets.HTML()
        self.mode = widgets.ToggleButtons(options=MODES, value=mode)
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=999_999, description="seed",
                                           layout=widgets.Layout(width="200px"))
        self.seed_note = widgets.HTML()
        self.fire = widgets.Button(description="Fire", button_style="danger", icon="bolt")
        self.fire.add_class(FIRE_CLASS)
        self.story = widgets.HTML()
        self.code = widgets.HTML()
        self.stale = widgets.HTML()
        self.summary = widgets.HTML()
        # hidden until there is a picture: an Image without one shows a broken-image icon
        self.picture = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{WIDTH_PX}px", max_width="100%", height="auto", display="none"))
        self.table = widgets.HTML()
        self.history = widgets.HTML()
        self.results = widgets.VBox([self.summary, self.picture, self.table])
        for control in (self.scenario, self.variant, self.writers, self.retry, self.mode, self.seed):
            control.observe(self._settings_changed, "value")
        self.scenario.observe(self._scenario_changed, "value")
        self.variant.observe(self._variant_changed, "value")
        self.mode.observe(self._mode_changed, "value")
        self.fire.on_click(lambda _: self.fire_once())
        self._scenario_changed()
        self._mode_changed()
        code = widgets.Accordion(children=[self.code], titles=("the boto3 the writers run",))
        super().__init__([widgets.HTML(_STYLE), self.scenario, self.story,
                          widgets.HBox([_labelled("variant", self.variant), _labelled("mode", self.mode)]),
                          widgets.HBox([self.writers, self.seed, self.seed_note]),
                          widgets.HBox([self.retry, self.fire, self.retry_note]), code,
                          self.stale, self.results, self.history])
        self.add_class(LAB_CLASS)

    # -- controls ----------------------------------------------------------------------------------

    def _scenario_changed(self, *_):
        chosen = scenarios()[self.scenario.value]
        current = self.variant.value
        self.variant.options = chosen.variants
        self.variant.value = current if current in chosen.variants else chosen.variants[0]
        notebook, chapter = TAUGHT_IN[chosen.name]
        self.story.value = (f"<p>{html.escape(chosen.story)} <i>Invariant: {html.escape(chosen.invariant)}.</i> "
                            f"Taught in <a href='{notebook}'>{html.escape(chapter)}</a>.</p>")
        self._variant_changed()

    def _variant_changed(self, *_):
        chosen, variant = scenarios()[self.scenario.value], self.variant.value
        note = chosen.notes.get(variant, "")
        code = chosen.code(variant)
        self.code.value = (f"<p>{html.escape(note)}</p><pre style='font-size:85%'>{html.escape(code.requests)}</pre>"
                           + (f"<details><summary>How the lab sends these requests (the race engine's writer "
                              f"program)</summary><pre style='font-size:85%'>{html.escape(code.program)}</pre></details>"
                              if code.program else ""))
        # a policy that cannot apply is switched off and says why, rather than silently doing nothing
        why_not = chosen.why_no_retries(variant)
        self.retry.disabled = bool(why_not)
        self.retry_note.value = _note(f"no retries: {why_not}") if why_not else ""

    def _mode_changed(self, *_):
        staged = self.mode.value == "staged"
        self.seed.disabled = not staged
        self.seed_note.value = _note("the same seed tells the same story every run" if staged
                                     else "threads: timing decides, every run differs")

    def _settings_changed(self, *_):
        if self.last is None or self.stale.value:
            return
        self.stale.value = (f"<div style='background:#fff3cd;padding:2px 8px'>Below: the previous run "
                            f"({html.escape(self.last.headline())}). The settings have changed since: press "
                            f"<b>Fire</b> to run them.</div>")
        self.results.add_class(STALE_CLASS)

    def settings(self) -> dict:
        """The race the controls describe, as ``race()``'s keyword arguments."""
        return {"scenario": self.scenario.value, "writers": self.writers.value, "variant": self.variant.value,
                "mode": self.mode.value, "retry": "none" if self.retry.disabled else self.retry.value,
                "seed": self.seed.value}

    # -- firing ------------------------------------------------------------------------------------

    def fire_once(self):
        """Run the race as the controls say and show it; what a click on Fire does."""
        self.stale.value = ""
        self.results.remove_class(STALE_CLASS)
        try:
            result = race(self.lab, **self.settings())
        except Exception as error:  # show it where the learner looks, not in the kernel log
            self.last = None
            self.summary.value = f"<div class='labkit-race-summary'><b>{type(error).__name__}</b>: {html.escape(str(error))}</div>"
            self.table.value = ""
            self.picture.layout.display = "none"
            return None
        self.last = result
        self.summary.value = summary_html(result)
        self.picture.value = timeline(result).png()
        self.picture.layout.display = None
        self.table.value = table_html(result, ATTEMPTS_HEIGHT_PX)
        invariant = {True: "held", False: "BROKEN", None: "not checked"}[result.held]
        self.runs.append({"run": len(self.runs) + 1, "scenario": result.scenario.name, "variant": result.variant,
                          "mode": result.mode, "seed": result.seed if result.mode == "staged" else "",
                          "writers": result.writers, "retry": result.policy.name,
                          "winners": len(result.winners), "losers": len(result.losers), "requests": len(result.frame),
                          "invariant": invariant + (" (no race this time)" if result.held_by_chance else ""),
                          "race (ms)": round(result.elapsed * 1000, 1)})
        self.history.value = history_html(self.runs)
        return result


def _note(text: str) -> str:
    return f"<span style='color:var(--jp-ui-font-color2, #666);font-size:90%;margin-left:8px'>{html.escape(text)}</span>"


def _labelled(text: str, widget) -> widgets.HBox:
    """A label in the column the other controls' descriptions use (ToggleButtons puts its own above)."""
    label = widgets.HTML(f"<div style='text-align:right'>{html.escape(text)}</div>",
                         layout=widgets.Layout(width="var(--jp-widgets-inline-label-width)", margin="0 8px 0 0",
                                               flex="0 0 auto"))
    return widgets.HBox([label, widget])


def history_html(runs: list[dict]) -> str:
    """Past runs, newest first, so that a run can be compared with the ones before it; the box scrolls."""
    import pandas as pd

    table = pd.DataFrame(runs[::-1]).to_html(index=False, classes=HISTORY_CLASS, border=0)
    return ("<div style='margin:8px 0 2px'><b>history</b>: every run so far, newest first</div>"
            + scroll_box(table, HISTORY_HEIGHT_PX, "labkit-race-history-box"))


def race_lab(lab, **settings) -> RaceLab:
    """The race lab widget on ``lab``; ``settings`` preset its controls (scenario, writers, variant, ...)."""
    return RaceLab(lab, **settings)
