"""Exercise checks that never lie: each sets up what it checks against, then says "Right" or "Not yet: why".

A check cell in a chapter reads::

    from labkit.exercises import answered, check, expect, expect_outcome

    def bob_is_free():                      # puts back what the check relies on, whatever ran before
        labkit.reset_table(client, "Users")

    def sign_up_twice():                    # runs the learner's code; raises NotYet (via expect) when wrong
        answered(CONDITION, "CONDITION")
        first = labkit.attempt(sign_up_bob, "bob@example.com")
        expect_outcome(first, "succeeded", "bob is new, so his first sign-up must succeed")
        second = labkit.attempt(sign_up_bob, "not.bob@example.com")
        expect_outcome(second, "ConditionalCheckFailedException", "bob exists now, so a second sign-up must be refused")
        return "the first sign-up created bob; the second found him and changed nothing."

    check(sign_up_twice, setup=bob_is_free)

It shows ``Right: the first sign-up created bob; ...`` or ``Not yet: <why>``. A check that races the
learner's request calls ``expect_only(race(...).frame)`` first, so that a request DynamoDB refused is told
by its reason rather than by a count of winners. A request DynamoDB refused
and nobody caught reads ``Not yet: DynamoDB refused the request: ValidationException: <its message>``;
a request botocore would not send, or any other error of the learner's code, gets one line too, never a
traceback. ``check`` returns a :class:`Checked` (``.passed``, ``.message``), which is what tests assert on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from botocore.exceptions import ClientError, ParamValidationError

from .outcome import Outcome


class NotYet(Exception):
    """An answer that is not right yet; its text says why, in the learner's terms."""


@dataclass
class Checked:
    """The result of one check: what the learner sees, and whether it passed."""

    passed: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.passed


def refusal(code: str, message: str | None) -> str:
    """DynamoDB's own reason, in the one wording every chapter uses."""
    return f"DynamoDB refused the request: {code}: {message}" if message else f"DynamoDB refused the request: {code}"


def describe(outcome: Outcome) -> str:
    """What an attempted request did, in words: "it succeeded" or DynamoDB's refusal with its message."""
    if outcome.succeeded:
        return "it succeeded"
    if outcome.code == "ParamValidationError":
        return f"botocore refused to send it: {outcome.message}"
    return refusal(outcome.code, outcome.message)


def answered(value, name: str) -> None:
    """Stop with a hint while the learner's answer is still the cell's placeholder (None or ...)."""
    if value is None or value is ...:
        raise NotYet(f"set {name} in the cell above, run it, then run this cell again.")


def expect(condition: bool, why: str) -> None:
    """Raise NotYet(why) unless ``condition`` holds."""
    if not condition:
        raise NotYet(why)


def expect_outcome(outcome: Outcome, want: str, why: str) -> None:
    """Raise NotYet unless ``outcome`` is ``want`` ("succeeded" or an error code); the text gives ``why``
    and what DynamoDB really answered, with its message."""
    if outcome.label != want:
        # "must be refused, but DynamoDB refused" would read as a contradiction: name the refusal wanted
        wanted = f" with {want}" if want != "succeeded" and not outcome.succeeded else ""
        raise NotYet(f"{why}{wanted}, but {describe(outcome)}")


def expect_only(frame, outcomes=("succeeded", "ConditionalCheckFailedException")) -> None:
    """Raise NotYet with DynamoDB's code and message when an attempt of a race (``race(...).frame``) ended
    otherwise than ``outcomes``: a refused request is a row of the race, not an exception."""
    other = frame[~frame["outcome"].isin(outcomes)]
    if len(other):
        raise NotYet(refusal(other["outcome"].iloc[0], other["message"].iloc[0]))


def check(verify: Callable[[], str | None], *, setup: Callable[[], None] | None = None,
          right: str = "that is it.") -> Checked:
    """Run ``setup()`` (the check's own scene), then ``verify()`` (which calls the learner's code), and say
    "Right: ..." (``verify``'s text, or ``right``) or "Not yet: <why>".

    ``verify`` signals a wrong answer with :class:`NotYet` (see :func:`expect`, :func:`expect_outcome`); a
    ``ClientError`` it lets through is reported with DynamoDB's code and message, botocore's parameter
    validation with its message, and any other error of the learner's code by its type and text. Errors of
    ``setup`` are the check's own and propagate.
    """
    if setup is not None:
        setup()
    try:
        said = verify()
    except NotYet as why:
        return Checked(False, f"Not yet: {why}")
    except ClientError as error:
        body = error.response.get("Error", {})
        return Checked(False, f"Not yet: {refusal(body.get('Code', 'an error'), body.get('Message'))}")
    except ParamValidationError as error:
        return Checked(False, f"Not yet: botocore refused to send the request: {error}")
    except AssertionError as why:  # a check written with assert still speaks in one line
        return Checked(False, f"Not yet: {why}")
    except Exception as error:  # the learner's code failed before DynamoDB could answer  # noqa: BLE001
        return Checked(False, f"Not yet: your code raised {type(error).__name__}: {error}")
    return Checked(True, f"Right: {said or right}")
