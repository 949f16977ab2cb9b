"""Views of a race: the table of attempts, the summary, the timeline, and the widgets built on them (the
race lab, the Fire button of one request, the expression playground).

pandas, matplotlib and ipywidgets are imported here, never by ``import labkit``.
"""

from .fire import Fire, fire_widget
from .playground import CHECK_CLASS, Checked, Playground, check_condition, playground
from .report import SUMMARY_CLASS, TABLE_CLASS, race_table, report_html, summary_html
from .timeline import Timeline, timeline
from .widget import FIRE_CLASS, RaceLab, race_lab

__all__ = ["CHECK_CLASS", "Checked", "FIRE_CLASS", "Fire", "Playground", "RaceLab", "SUMMARY_CLASS", "TABLE_CLASS", "Timeline",
           "check_condition", "fire_widget", "playground", "race_lab", "race_table", "report_html",
           "summary_html", "timeline"]
