"""Views of a race: the table of attempts, the summary, the timeline, and the race lab widget.

matplotlib and ipywidgets are imported here, never by ``import labkit`` or ``import labkit.race``. The
summary and the table are the race's own HTML (``labkit.race.report``, pandas only), named here too.
"""

from ..race.report import SUMMARY_CLASS, TABLE_CLASS, race_table, report_html, summary_html
from .saved import PlainWhenSaved
from .timeline import Timeline, timeline
from .widget import FIRE_CLASS, RaceLab, race_lab

__all__ = ["FIRE_CLASS", "PlainWhenSaved", "RaceLab", "SUMMARY_CLASS", "TABLE_CLASS", "Timeline", "race_lab",
           "race_table", "report_html", "summary_html", "timeline"]
