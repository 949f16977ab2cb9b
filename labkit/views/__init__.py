"""Views of a race: the table of attempts, the summary, the timeline, and the race lab widget.

pandas, matplotlib and ipywidgets are imported here, never by ``import labkit``.
"""

from .widget import FIRE_CLASS, RaceLab, race_lab
from .report import SUMMARY_CLASS, TABLE_CLASS, race_table, report_html, summary_html
from .timeline import Timeline, timeline

__all__ = ["FIRE_CLASS", "RaceLab", "SUMMARY_CLASS", "TABLE_CLASS", "Timeline", "race_lab", "race_table",
           "report_html", "summary_html", "timeline"]
from .fire import Fire, fire_widget  # noqa: E402  (last: it builds on the names above)
