"""JupyterHub's configuration for a study group: everything is read from LABKIT_HUB_* variables, which
``python3 run.py hub`` sets (see labkit/group/hub.py)."""

from labkit.group.hub import configure

configure(c)  # noqa: F821 (JupyterHub defines c)
