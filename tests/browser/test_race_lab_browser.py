"""The race lab widget as a learner meets it after a long race: 64 writers with retries, in JupyterLab.

What is measured is the page itself: the widget's height, whether every column of the attempts table can be
brought into view by the table's own scrollbar, and whether the history can be reached right under it.
Screenshots of the fired widget at 1400 and 1024 pixels wide are kept in test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import json

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
RACE_LAB = "notebooks/02_race_lab.ipynb"
HEIGHT_BOUND_PX = 1800  # the whole widget: controls, summary, timeline, attempts box and history
WIDTHS = (1400, 1024)

# The worst race the widget can fire: staged, every writer retrying at once, 968 requests.
LONGEST_RACE = """from labkit.views import RaceLab
import ipywidgets
[race_lab_widget] = [w for w in list(ipywidgets.Widget.widgets.values()) if isinstance(w, RaceLab)]
race_lab_widget.scenario.value = "{scenario}"
race_lab_widget.variant.value = "guarded"
race_lab_widget.writers.value = 64
race_lab_widget.mode.value = "{mode}"
race_lab_widget.retry.value = "{retry}\""""

# Everything the checks need, read from the page in one go.
MEASURE_JS = """() => {
  const lab = document.querySelector('.labkit-race-lab');
  const box = lab.querySelector('.labkit-race-attempts');
  const table = box && box.querySelector('table.labkit-race-table');
  const history = lab.querySelector('table.labkit-race-history');
  const rect = e => { const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, height: r.height}; };
  return {
    lab: rect(lab), labOverflowX: lab.scrollWidth - lab.clientWidth,
    box: box && rect(box), rows: table ? table.tBodies[0].rows.length : 0,
    history: history && rect(history), historyText: history ? history.innerText : '',
  };
}"""

# Brings each column heading into view the way a learner would, and says which could not be seen, or could
# only be reached by scrolling something other than the attempts box (the notebook, the page).
COLUMNS_JS = """() => {
  const box = document.querySelector('.labkit-race-lab .labkit-race-attempts');
  if (!box) return {names: [], problems: ['no attempts box'], viewport: window.innerWidth, boxRight: 0};
  const scrollers = []; for (let e = box.parentElement; e; e = e.parentElement) scrollers.push(e);
  const before = scrollers.map(e => e.scrollLeft);
  const problems = [], names = [];
  for (const th of box.querySelectorAll('thead th')) {
    names.push(th.textContent.trim());
    box.scrollLeft = Math.max(0, th.offsetLeft - 20);
    const r = th.getBoundingClientRect(), b = box.getBoundingClientRect();
    const x = Math.min(r.left + 5, b.right - 2), y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (r.left < b.left - 1 || r.left > b.right - 10 || !(hit && (hit === th || th.contains(hit))))
      problems.push(th.textContent.trim() + ' cannot be seen');
  }
  scrollers.forEach((e, i) => { if (e.scrollLeft !== before[i]) problems.push('an outer element scrolled sideways'); });
  box.scrollLeft = 0;
  box.scrollTop = box.scrollHeight;  // the header stays in view at the bottom of the table
  const th = box.querySelector('thead th'), r = th.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + 5, r.top + r.height / 2);
  if (!(hit && (hit === th || th.contains(hit)))) problems.push('the header scrolls away');
  box.scrollTop = 0;
  return {names, problems, boxScrollsSideways: box.scrollWidth > box.clientWidth,
          viewport: window.innerWidth, boxRight: box.getBoundingClientRect().right};
}"""


def fire_longest_race(chapter, mode="staged", retry="immediate", scenario="optimistic_lock") -> None:
    assert chapter.execute(LONGEST_RACE.format(mode=mode, retry=retry, scenario=scenario)) == "ok"
    chapter.page.evaluate("() => document.querySelectorAll('.labkit-race-lab table.labkit-race-table')"
                          ".forEach(t => t.dataset.labkitOld = '1')")
    fire = chapter.page.locator(".labkit-race-lab .labkit-fire")
    fire.scroll_into_view_if_needed()
    chapter.click(fire)
    chapter.page.wait_for_function(
        "() => { const t = document.querySelector('.labkit-race-lab table.labkit-race-table:not([data-labkit-old])');"
        " return t && t.tBodies[0].rows.length > 64; }", timeout=30_000)


def problems_at(chapter, width: int) -> tuple[list[str], dict]:
    """Everything wrong with the fired widget at this page width, and the measurements. The window is tall
    enough to show the whole widget at once (the notebook scrolls inside it), for the screenshots."""
    chapter.page.set_viewport_size({"width": width, "height": HEIGHT_BOUND_PX + 400})
    chapter.page.wait_for_timeout(500)  # JupyterLab lays the notebook out again after a resize
    chapter.page.evaluate("() => document.querySelector('.labkit-race-lab').scrollIntoView({block: 'start'})")
    seen = chapter.page.evaluate(MEASURE_JS)
    columns = chapter.page.evaluate(COLUMNS_JS)
    found = list(columns["problems"])
    if seen["lab"]["height"] > HEIGHT_BOUND_PX:
        found.append(f"the widget is {seen['lab']['height']:.0f} px tall, more than {HEIGHT_BOUND_PX}")
    if seen["labOverflowX"] > 1:
        found.append(f"the widget itself is {seen['labOverflowX']} px too wide: its own scrollbar, not the table's")
    if columns["boxRight"] > min(columns["viewport"], seen["lab"]["right"]) + 1:
        found.append("the attempts box runs out of the widget")
    if not seen["history"] or not seen["box"]:
        found.append("no history table, or no attempts box")
    elif seen["history"]["top"] - seen["box"]["bottom"] > 80:
        found.append(f"the history starts {seen['history']['top'] - seen['box']['bottom']:.0f} px below the attempts")
    return found, {**seen, **columns}


def test_a_64_writer_race_with_retries_stays_readable_at_1400_and_1024_px(open_chapter):
    chapter = open_chapter(RACE_LAB, fresh=True)
    fire_longest_race(chapter)
    ARTIFACTS.mkdir(exist_ok=True)
    measured = {}
    for width in WIDTHS:
        found, seen = problems_at(chapter, width)
        chapter.page.locator(".labkit-race-lab").screenshot(path=ARTIFACTS / f"race-lab-64-writers-{width}px.png")
        measured[width] = {"widget height": seen["lab"]["height"], "attempts box height": seen["box"]["height"],
                           "widget width": seen["lab"]["right"] - seen["lab"]["left"]}
        (ARTIFACTS / "race-lab-64-writers.json").write_text(json.dumps(measured, indent=1))
        assert found == [], (width, found, seen)
        assert seen["rows"] == 968, seen["rows"]
        assert "968" in seen["historyText"]
        assert seen["names"][:8] == ["writer", "retry", "step", "request", "outcome", "start (tick)", "end (tick)",
                                     "latency (tick)"]
    fire_longest_race(chapter, mode="threads", retry="backoff")  # real threads: as long, and as bounded
    found, seen = problems_at(chapter, 1400)
    assert found == [], found
    # the check above would see a widget that grows with its race: the attempts drawn without their box
    assert chapter.execute("import labkit.views.widget as w\nfrom labkit.race.report import race_table\n"
                           "w.table_html = lambda result, *_: race_table(result).to_html()") == "ok"
    fire_longest_race(chapter)
    found, _ = problems_at(chapter, 1400)
    assert any("px tall" in problem for problem in found), found


@pytest.mark.parametrize("mode", ["threads", "staged"])
def test_the_stale_read_race_at_64_writers_stays_within_the_height_bound(open_chapter, mode):
    """The stale-read scenario adds a column (which reads were stale) and a line (simulated): still bounded."""
    chapter = open_chapter(RACE_LAB, fresh=True)
    fire_longest_race(chapter, mode=mode, scenario="stale_balance")
    found, seen = problems_at(chapter, 1400)
    assert found == [], (mode, found, seen)
    assert "seen" in seen["names"]
