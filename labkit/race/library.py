"""The scenario catalogue: every built-in scenario, in teaching order, in this one place.

A scenario module only defines its Scenario objects (it imports nothing from here), so nothing imports in
a circle. To add scenarios: define them in a module of ``labkit/race`` (``NAME = Scenario(...)``, see
``users.py``), import that module below and list them in ``CATALOGUE`` where they belong in the teaching
order. Their names must be unique: a test checks it.
"""

from __future__ import annotations

from . import bank, counters, mappers, orders, patterns, stale_reads, tasks, users
from .scenario import Scenario

CATALOGUE: tuple[Scenario, ...] = (
    users.REGISTRATION,
    users.ROLE_CHANGE,
    counters.OPTIMISTIC_LOCK,
    counters.RETRY_COUNTER,
    orders.INVENTORY,
    orders.STATE_MACHINE,
    tasks.TASK_CLAIM,
    bank.BANK_TRANSFER,
    stale_reads.STALE_BALANCE,
    patterns.PAYMENT_TRANSITIONS,
    patterns.ROLE_GRANT,
    patterns.ORDER_CLEANUP,
    patterns.UNIQUE_EMAIL,
    mappers.PYNAMODB_CLAIM,
)

_BY_NAME = {scenario.name: scenario for scenario in CATALOGUE}


def scenarios() -> dict[str, Scenario]:
    """Every built-in scenario by name, in teaching order."""
    return dict(_BY_NAME)


def get_scenario(name: str) -> Scenario:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}: choose one of {', '.join(_BY_NAME)}") from None
