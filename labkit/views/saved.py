"""What a widget shows in a notebook saved without widget state, as the chapters are shipped.

A saved widget output holds a reference to a model that exists only while its kernel runs; opened before
the cell runs, JupyterLab shows "Error displaying widget: model not found" in its place. So the chapters
are saved with the widget's view data removed (``tools/strip_widget_state.py``), and the text that is
left, the output's ``text/plain``, should tell the learner what to do. A widget class says it by listing
``PlainWhenSaved`` first among its bases and setting ``saved_text``.
"""

from __future__ import annotations

SAVED_TEXT = "Run this cell to show the widget."


class PlainWhenSaved:
    """Mixin for an ipywidgets class: its ``text/plain`` output is ``saved_text``, not the long default repr."""

    saved_text = SAVED_TEXT

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = self.saved_text
        return bundle
