"""The race lab: fire N writers at one item at the same moment and see, row by row, who won and why.

    result = race(lab, "registration", writers=8, variant="guarded", mode="staged")
    result.frame        # one row per attempt
    result.verdict      # did the scenario's invariant hold, with the numbers
    scenarios()["optimistic_lock"].code("guarded")   # the plain boto3 the writers run
"""

from .compare import side_by_side
from .engine import MAX_WRITERS, MODES, race
from .result import RaceResult
from .retry import RETRY_POLICIES, RetryPolicy
from .library import get_scenario, scenarios
from .scenario import Scenario, Verdict, own_request
from .steps import read, write

__all__ = ["MAX_WRITERS", "MODES", "RETRY_POLICIES", "RaceResult", "RetryPolicy", "Scenario", "Verdict",
           "get_scenario", "own_request", "race", "read", "scenarios", "side_by_side", "write"]
