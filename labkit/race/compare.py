"""A scenario's variants raced one after another on the same settings, and compared side by side."""

from __future__ import annotations

from .engine import race
from .library import get_scenario
from .scenario import Scenario


def side_by_side(lab, scenario: Scenario | str, *, variants: tuple | None = None, **settings):
    """One column per variant: its invariant's numbers and the capacity the lab charged, with the same
    ``settings`` (writers, mode, retry, seed) for each. Returns (the table, the results by variant)."""
    import pandas as pd

    scenario = get_scenario(scenario) if isinstance(scenario, str) else scenario
    results = {variant: race(lab, scenario, variant=variant, **settings) for variant in variants or scenario.variants}
    rows = [{"variant": variant, "invariant": result.judgement, **result.verdict.numbers, **result.capacity}
            for variant, result in results.items()]
    table = pd.DataFrame(rows).set_index("variant").fillna(0).T
    if "RCU by eventually consistent reads" in table.index:  # beside them, say which reads the plain name counts
        table = table.rename(index={"RCU by reads": "RCU by strongly consistent reads"})
    costs = [row for row in table.index if row.startswith("RCU")] + [row for row in table.index if row.startswith("WCU")]
    return table.loc[[row for row in table.index if row not in costs] + costs], results
