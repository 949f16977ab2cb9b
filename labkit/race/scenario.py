"""A scenario: a scene to set, writers in a naive and a guarded variant, and the invariant they threaten."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

from .steps import write


@dataclass(frozen=True)
class Verdict:
    """Whether the invariant held after a race, and the numbers that show it."""

    held: bool | None  # None: the scenario states no invariant
    numbers: dict


class SourceCode(str):
    """Python source that a notebook shows as highlighted code: the boto3 requests in view, and the race
    engine's writer program, which only says in what order they are sent, under a disclosure."""

    def __new__(cls, requests: str, program: str = ""):
        code = super().__new__(cls, "\n\n".join(part for part in (requests, program) if part))
        code.requests, code.program = requests, program
        return code

    def _repr_markdown_(self) -> str:
        shown = f"```python\n{self.requests}\n```"
        if self.program:
            shown += ("\n\n<details><summary>How the lab sends these requests (the race engine's writer program; "
                      f"not needed to follow the race)</summary>\n\n```python\n{self.program}\n```\n\n</details>")
        return shown


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    source: str  # the seed document it comes from
    story: str
    invariant: str  # the rule, in words
    tables: tuple  # the tables whose items make the final state
    setup: Callable  # setup(client, writers): the starting items
    programs: dict  # variant -> program(writer) generator
    check: Callable  # check(final, frame, writers) -> Verdict; final: table -> items after the race
    retryable: bool = False  # does re-reading and trying again make sense after losing?
    notes: dict = field(default_factory=dict)  # variant -> one sentence on what it does
    simulation: Callable | None = None  # simulation(lab, seed): a context the writers run in, after the setup

    @property
    def variants(self) -> tuple:
        return tuple(self.programs)

    def retries(self, variant: str) -> bool:
        """Whether a losing writer of ``variant`` re-reads and tries again under a retry policy."""
        return not self.why_no_retries(variant)

    def why_no_retries(self, variant: str) -> str:
        """Why a retry policy does nothing for ``variant`` ('' when it applies), in words for the learner."""
        if not self.retryable:
            return "a failed condition in this scenario is a final answer"
        if variant == "naive":
            return "a naive writer's writes carry no condition, so none ever learns that it lost"
        return ""

    def program(self, variant: str):
        try:
            return self.programs[variant]
        except KeyError:
            raise ValueError(f"{self.name} has the variants {', '.join(self.programs)}, not {variant!r}") from None

    def code(self, variant: str = "guarded") -> SourceCode:
        """The boto3 requests a writer makes, then the writer's program (a generator), as plain source."""
        program = self.program(variant)
        if hasattr(program, "__wrapped__"):  # a learner's own request: show just that
            return SourceCode(inspect.getsource(program.__wrapped__).rstrip())
        functions = _helpers(program)
        requests = [f for f in functions if not inspect.isgeneratorfunction(f)]
        return SourceCode(*("\n\n".join(inspect.getsource(f).rstrip() for f in part)
                            for part in (requests, [f for f in functions if f not in requests])))


def _helpers(function, seen: dict | None = None) -> list:
    """``function`` after the functions of its own module that it calls, directly or not, in order."""
    seen = {} if seen is None else seen
    module = inspect.getmodule(function)
    for name in function.__code__.co_names:
        used = getattr(module, name, None)
        if inspect.isfunction(used) and used.__module__ == module.__name__ and used not in seen:
            _helpers(used, seen)
    seen[function] = None
    return list(seen)


def successful_writes(frame):
    """The rows of writes that succeeded."""
    return frame[(frame["step"] == "write") & (frame["outcome"] == "succeeded")]


def _no_setup(client, writers: int) -> None:
    pass


def _no_invariant(final: dict, frame, writers: int) -> Verdict:
    wins = len(successful_writes(frame))
    return Verdict(None, {"requests that succeeded": wins, "requests that failed": len(frame) - wins})


def own_request(request: Callable, *, setup: Callable = _no_setup, check: Callable = _no_invariant,
                tables: tuple = (), title: str | None = None, invariant: str | None = None) -> Scenario:
    """A scenario made of a learner's own request: ``request(writer, client)`` makes one boto3 call.

    ``setup(client, writers)`` sets the scene before the race; ``tables`` are read after it, and
    ``check(final, frame, writers)`` (final: table -> items) returns a Verdict on the rule ``invariant`` says.
    """
    def program(writer: int):
        yield write(lambda client: request(writer, client))

    program.__wrapped__ = request
    name = getattr(request, "__name__", "request")
    return Scenario(name=name, title=title or f"your request: {name}", source="yours",
                    story="Every writer makes your request once, all at the same moment.",
                    invariant=invariant or "none given for a request of your own", tables=tables, setup=setup,
                    programs={"yours": program}, check=check)
