"""The built-in scenarios, in teaching order (importing a module registers its scenarios)."""

from . import users, counters, orders, tasks, bank, patterns  # noqa: F401
