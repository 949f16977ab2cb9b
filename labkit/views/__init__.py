"""Views of a race: the table of attempts, the summary, the timeline, and the widgets built on them (the
race lab, the Fire button of one request, the expression playground).

matplotlib and ipywidgets are imported here, never by ``import labkit`` or ``import labkit.race``. The
summary and the table are the race's own HTML (``labkit.race.report``, pandas only), named here too.
"""

from ..race.report import SUMMARY_CLASS, TABLE_CLASS, race_table, report_html, summary_html
from .conflicts import ConflictLab, conflict_lab
from .fire import Fire, fire_widget
from .playground import CHECK_CLASS, Checked, Playground, check_condition, playground
from .saved import PlainWhenSaved
from .timeline import Timeline, timeline
from .widget import FIRE_CLASS, RaceLab, race_lab

__all__ = ["CHECK_CLASS", "Checked", "ConflictLab", "FIRE_CLASS", "Fire", "PlainWhenSaved", "Playground", "RaceLab",
           "SUMMARY_CLASS", "TABLE_CLASS", "Timeline", "check_condition", "conflict_lab", "fire_widget", "playground",
           "race_lab", "race_table", "report_html", "summary_html", "timeline"]
