"""Views of a race: the table of attempts, the summary, the timeline, and the race lab widget.

pandas, matplotlib and ipywidgets are imported here, never by ``import labkit``.
"""

from .widget import FIRE_CLASS, RaceLab, race_lab
from .playground import CHECK_CLASS, Playground, Verdict, check_condition, playground
from .report import SUMMARY_CLASS, TABLE_CLASS, race_table, report_html, summary_html
from .timeline import Timeline, timeline

__all__ = ["CHECK_CLASS", "FIRE_CLASS", "Playground", "RaceLab", "SUMMARY_CLASS", "TABLE_CLASS", "Timeline", "Verdict",
           "check_condition", "playground", "race_lab", "race_table", "report_html", "summary_html", "timeline"]
