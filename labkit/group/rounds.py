"""A study group's round, run through the lab itself: the round is an item, and so is each member's seat.

1. The facilitator **opens** a round: a scenario from the race catalogue, naive or guarded, writers per
   member. The round is the ``#round`` item of the rounds table (only a facilitator's key may write it).
2. Members **join**: each makes their writers' clients and opens their connections (one-off costs, paid
   now and not at Fire), puts an item under their own name (the only items their key may write there),
   then waits on the round item, polling it, for at most ``wait_seconds``.
3. The facilitator **fires**: sets the scene once, gives every member who has joined a seat (the first
   of their writer numbers) and a start time a moment ahead; every member's writers start at that time.
4. Each member **reports** their attempts in their own item; everyone reads the round's results from the
   items of those who reported. A member who joins late watches; one who leaves or whose kernel dies
   simply does not report, and the round is judged when every seat has reported or the wait ends.

Identity is the key that signed each write: the server refuses a member item under another name, so the
rows in a member's item are that member's. Simulated members (``simulate``) run in threads in one kernel
for a learner alone, and are labelled simulated wherever they appear.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from botocore.exceptions import ClientError

from ..race.engine import run_writers
from ..race.library import get_scenario, scenarios
from ..race.result import RaceResult, tidy
from ..race.retry import retry_policy
from ..tables import create_table, wait_for
from .policy import MEMBER_KEY, ROUNDS_TABLE

ROUND_ITEM = "#round"
POLL_SECONDS = 0.05
LEAD_SECONDS = 1.0  # from Fire to the start: time for every member's kernel to see the round item change
WAIT_SECONDS = 600.0  # how long a member waits for Fire before saying the facilitator may be gone
REPORT_SECONDS = 30.0  # how long results wait for seats that have not reported (a dead kernel never does)
LOSING = {"ConditionalCheckFailedException", "TransactionCanceledException"}
NAMED_WINNERS = 8  # past this many, a round's winners are counted per member (the per-member table has each)
_RACE_OPERATIONS = ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems")  # what the scenarios send


def whoami() -> str:
    """This kernel's member name: JupyterHub's name for the user (their key stands for it), else "you"."""
    return os.environ.get("JUPYTERHUB_USER") or "you"


class RoundError(RuntimeError):
    """What went wrong with a round, in words for the member or facilitator."""


def ensure_table(client) -> None:
    """The rounds table: Round (partition key) and Member (sort key: ``#round``, or a member's name)."""
    try:
        status = client.describe_table(TableName=ROUNDS_TABLE)["Table"]["TableStatus"]
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceNotFoundException":
            raise
        create_table(client, ROUNDS_TABLE, "Round", MEMBER_KEY)
    else:
        if status != "ACTIVE":
            wait_for(client, ROUNDS_TABLE)


def _key(round_id: str, member: str) -> dict:
    return {"Round": {"S": round_id}, MEMBER_KEY: {"S": member}}


def _json_default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot record {type(value).__name__}")


@dataclass
class RoundState:
    """The round item, read."""

    round_id: str
    state: str  # open, fired, done, closed
    scenario: str
    variant: str
    writers: int  # per member
    facilitator: str
    fire_at: float = 0.0
    seats: dict = field(default_factory=dict)  # member -> their first writer number

    @classmethod
    def read(cls, client, round_id: str) -> RoundState | None:
        item = client.get_item(TableName=ROUNDS_TABLE, Key=_key(round_id, ROUND_ITEM), ConsistentRead=True).get("Item")
        if item is None:
            return None
        return cls(round_id, item["State"]["S"], item["Scenario"]["S"], item["Variant"]["S"],
                   int(item["Writers"]["N"]), item["Facilitator"]["S"], float(item.get("FireAt", {"N": "0"})["N"]),
                   {name: int(value["N"]) for name, value in item.get("Seats", {"M": {}})["M"].items()})


@dataclass
class Report:
    """One member's part of a round: their rows and which of their writers won."""

    member: str
    simulated: bool
    rows: list
    winners: list


def _members(client, round_id: str) -> dict[str, dict]:
    """Every member item of a round, by member name."""
    pages = client.get_paginator("query").paginate(
        TableName=ROUNDS_TABLE, KeyConditionExpression="#r = :r", ExpressionAttributeNames={"#r": "Round"},
        ExpressionAttributeValues={":r": {"S": round_id}}, ConsistentRead=True)
    return {item[MEMBER_KEY]["S"]: item for page in pages for item in page["Items"]
            if item[MEMBER_KEY]["S"] != ROUND_ITEM}


def _reports(client, round_id: str) -> dict[str, Report]:
    return {name: Report(name, item.get("Simulated", {"BOOL": False})["BOOL"], json.loads(item["Rows"]["S"]),
                         json.loads(item["Winners"]["S"]))
            for name, item in _members(client, round_id).items() if item["State"]["S"] == "reported"}


def latest_round(client) -> RoundState | None:
    """The most recently opened round (round ids sort in order of opening)."""
    ids = sorted({item["Round"]["S"] for item in _round_items(client)})
    return RoundState.read(client, ids[-1]) if ids else None


def _round_items(client) -> list[dict]:
    pages = client.get_paginator("scan").paginate(
        TableName=ROUNDS_TABLE, FilterExpression="#m = :round", ExpressionAttributeNames={"#m": MEMBER_KEY},
        ExpressionAttributeValues={":round": {"S": ROUND_ITEM}}, ConsistentRead=True)
    return [item for page in pages for item in page["Items"]]


@dataclass
class GroupResult:
    """A whole round: every reported attempt, with its member, judged as one race."""

    state: RoundState
    race: RaceResult  # over every member's rows; writer numbers are unique across members
    reports: dict  # member -> Report
    missing: list  # seated members who never reported (left, or their kernel died)

    @property
    def frame(self):
        return self.race.frame

    def winners(self) -> list[tuple[str, int]]:
        """(member, writer) of every writer that won."""
        return sorted((name, n) for name, report in self.reports.items() for n in report.winners)

    def per_member(self):
        """Per member: attempts, wins, conditional failures, retries (as a DataFrame)."""
        import pandas as pd

        rows = []
        for name in sorted(self.reports):
            mine = self.frame[self.frame["member"] == name]
            rows.append({"member": name + (" (simulated)" if self.reports[name].simulated else ""),
                         "attempts": len(mine), "wins": len(self.reports[name].winners),
                         "conditional failures": int(mine["outcome"].isin(LOSING).sum()),
                         "retries": int((mine["retry"] > 0).sum())})
        rows += [{"member": name, "attempts": 0, "wins": 0, "conditional failures": 0, "retries": 0,
                  "note": "no report (left, or kernel stopped)"} for name in self.missing]
        return pd.DataFrame(rows)

    def lines(self) -> list[str]:
        race = self.race
        winners = winners_text(self.winners())
        simulated = sorted(name for name, r in self.reports.items() if r.simulated)
        return [f"round {self.state.round_id}: {race.headline()}",
                f"members: {len(self.reports)}" + (f" ({len(simulated)} simulated: {', '.join(simulated)})"
                                                   if simulated else "")
                + (f"; no report from {', '.join(self.missing)}" if self.missing else ""),
                f"winners: {winners}",
                f"invariant: {race.scenario.invariant}: {race.judgement}",
                *([f"  {race.held_by_chance}"] if race.held_by_chance else []),
                *(f"  {name}: {value}" for name, value in race.verdict.numbers.items())]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def winners_text(winners: list[tuple[str, int]]) -> str:
    """Each winner with their writer; past ``NAMED_WINNERS``, how many each member won: a naive round of 16
    writers for each of 9 members has 144 winners, and naming each drew a wall of text over both panels."""
    if len(winners) <= NAMED_WINNERS:
        return ", ".join(f"{m} (writer {n})" for m, n in winners) or "nobody"
    each = Counter(member for member, _ in winners)
    return f"{len(winners)} writers: " + ", ".join(f"{member} {count}" for member, count in each.items())


def judge(client, state: RoundState, reports: dict[str, Report], missing: list[str]) -> GroupResult:
    """Every report's rows as one race, judged by the scenario's invariant over the tables as they are."""
    scenario = get_scenario(state.scenario)
    rows = [dict(row) for report in reports.values() for row in report.rows]
    owner = {row["writer"]: report.member for report in reports.values() for row in report.rows}
    winners = [n for report in reports.values() for n in report.winners]
    race = RaceResult.build(client, scenario, state.variant, "threads", retry_policy("none"), 0, rows, winners,
                            writers=max(owner, default=0), elapsed=0.0, capacity={})
    race.frame.insert(0, "member", race.frame["writer"].map(owner))
    race.losers = [n for n in owner if n not in set(winners)]
    return GroupResult(state, race, reports, missing)


def _await_reports(client, state: RoundState, timeout: float) -> tuple[dict[str, Report], list[str]]:
    deadline = time.monotonic() + timeout
    while True:
        reports = _reports(client, state.round_id)
        missing = sorted(set(state.seats) - set(reports))
        if not missing or time.monotonic() > deadline:
            return reports, missing
        time.sleep(POLL_SECONDS)


class Facilitator:
    """Opens, fires and judges rounds, with a facilitator's credentials (``lab.client`` signs with them)."""

    def __init__(self, lab, name: str):
        self.lab, self.client, self.name = lab, lab.client, name
        ensure_table(self.client)

    def open(self, scenario: str = "registration", variant: str = "guarded", writers: int = 2) -> RoundState:
        """A new round, open for members to join. ``scenario`` is a name from the race catalogue."""
        chosen = get_scenario(scenario)
        if variant not in chosen.variants:
            raise RoundError(f"{scenario} has the variants {', '.join(chosen.variants)}, not {variant!r}")
        if not 1 <= writers <= 16:
            raise RoundError("writers per member must be between 1 and 16")
        for number in range(len(_round_items(self.client)) + 1, 10_000):
            round_id = f"round-{number:04d}"
            try:
                self.client.put_item(
                    TableName=ROUNDS_TABLE, ConditionExpression="attribute_not_exists(#r)",
                    ExpressionAttributeNames={"#r": "Round"},
                    Item={**_key(round_id, ROUND_ITEM), "State": {"S": "open"}, "Scenario": {"S": scenario},
                          "Variant": {"S": variant}, "Writers": {"N": str(writers)},
                          "Facilitator": {"S": self.name}, "Opened": {"N": repr(time.time())}})
            except ClientError as error:
                if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue  # another facilitator took this number: the conditional write says so
            return RoundState.read(self.client, round_id)
        raise RoundError("no free round number")

    def joined(self, round_id: str) -> list[str]:
        return sorted(_members(self.client, round_id))

    def fire(self, round_id: str, lead: float = LEAD_SECONDS) -> RoundState:
        """Set the scene, seat everyone who has joined, and start them all ``lead`` seconds from now."""
        state = RoundState.read(self.client, round_id)
        if state is None or state.state != "open":
            raise RoundError(f"{round_id} is not open (it is {state.state if state else 'unknown'})")
        members = self.joined(round_id)
        if not members:
            raise RoundError("nobody has joined yet: wait for members to press Join")
        scenario = get_scenario(state.scenario)
        scenario.setup(self.client, len(members) * state.writers)
        seats = {name: {"N": str(1 + i * state.writers)} for i, name in enumerate(members)}
        self.client.update_item(
            TableName=ROUNDS_TABLE, Key=_key(round_id, ROUND_ITEM),
            UpdateExpression="SET #s = :fired, FireAt = :at, Seats = :seats",
            ConditionExpression="#s = :open", ExpressionAttributeNames={"#s": "State"},
            ExpressionAttributeValues={":fired": {"S": "fired"}, ":open": {"S": "open"},
                                       ":at": {"N": repr(time.time() + lead)}, ":seats": {"M": seats}})
        return RoundState.read(self.client, round_id)

    def collect(self, round_id: str, timeout: float = REPORT_SECONDS) -> GroupResult:
        """Wait for every seat's report (at most ``timeout`` s after the start), judge, and close the round."""
        state = RoundState.read(self.client, round_id)
        if state is None or state.state not in ("fired", "done"):
            raise RoundError(f"{round_id} has not been fired")
        reports, missing = _await_reports(self.client, state, max(0.0, state.fire_at - time.time()) + timeout)
        result = judge(self.client, state, reports, missing)
        self.client.update_item(
            TableName=ROUNDS_TABLE, Key=_key(round_id, ROUND_ITEM),
            UpdateExpression="SET #s = :done, Held = :held, Winners = :winners, Members = :members",
            ExpressionAttributeNames={"#s": "State"},
            ExpressionAttributeValues={":done": {"S": "done"}, ":held": {"S": result.race.judgement},
                                       ":winners": {"N": str(len(result.winners()))},
                                       ":members": {"N": str(len(reports))}})
        return result

    def close(self, round_id: str) -> None:
        """End a round that will not be fired: waiting members are told so."""
        self.client.update_item(TableName=ROUNDS_TABLE, Key=_key(round_id, ROUND_ITEM),
                                UpdateExpression="SET #s = :closed", ExpressionAttributeNames={"#s": "State"},
                                ExpressionAttributeValues={":closed": {"S": "closed"}})

    def history(self):
        """Every round so far, one row each (a DataFrame)."""
        import pandas as pd

        rows = [{"round": item["Round"]["S"], "scenario": item["Scenario"]["S"], "variant": item["Variant"]["S"],
                 "writers per member": int(item["Writers"]["N"]), "state": item["State"]["S"],
                 "members": int(item.get("Members", {"N": "0"})["N"]),
                 "winners": int(item.get("Winners", {"N": "0"})["N"]),
                 "invariant": item.get("Held", {"S": ""})["S"]} for item in _round_items(self.client)]
        return pd.DataFrame(rows).sort_values("round").reset_index(drop=True) if rows else pd.DataFrame(rows)


@dataclass
class MemberOutcome:
    """What one member sees after a round: their own attempts, the round's winners, why theirs lost."""

    member: str
    group: GroupResult

    @property
    def mine(self):
        frame = self.group.frame
        return frame[frame["member"] == self.member].reset_index(drop=True)

    def lines(self) -> list[str]:
        mine, winners = self.mine, self.group.winners()
        own = [n for m, n in winners if m == self.member]
        lines = [f"{self.member}: {len(mine)} attempts, {len(own)} won"
                 + (f" (writer{'s' * (len(own) != 1)} {', '.join(map(str, own))})" if own else ""),
                 "round winners: " + winners_text(winners),
                 f"invariant: {self.group.race.judgement}"]
        lost = mine[(mine["step"] == "write") & (mine["outcome"] != "succeeded")]
        lines += [f"  writer {row.writer}{f' retry {row.retry}' if row.retry else ''} lost: {row.outcome}"
                  + (f" ({row.message})" if row.message else "") for row in lost.itertuples()]
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Member:
    """One member's side of a round, with their own credentials (``lab`` signs as them)."""

    def __init__(self, lab, name: str, simulated: bool = False):
        self.lab, self.client, self.name, self.simulated = lab, lab.client, name, simulated

    def join(self, round_id: str | None = None) -> RoundState:
        """Take a seat in ``round_id`` (default: the latest round), if it is still open."""
        state = RoundState.read(self.client, round_id) if round_id else latest_round(self.client)
        if state is None:
            raise RoundError("no round has been opened yet: wait for the facilitator to press Open")
        if state.state != "open":
            raise RoundError(f"{state.round_id} has already {'been fired' if state.state != 'closed' else 'closed'}: "
                             "join the next round")
        self._ready(state.writers)
        self.client.put_item(TableName=ROUNDS_TABLE, Item={
            **_key(state.round_id, self.name), "State": {"S": "joined"}, "Joined": {"N": repr(time.time())},
            "Simulated": {"BOOL": self.simulated}})
        return state

    def _ready(self, writers: int) -> None:
        """Make this member's writers' clients and send one request on each, before taking the seat: a
        client's first request costs several of its later ones (its connection, and the server's thread for
        it), and paid here, at join, it is not paid by the race at Fire. Each client's model of the race's
        operations and of DynamoDB's errors is built here too (botocore builds them at a client's first call
        of an operation and at its first refusal: about 5 ms a client, which 240 writers in one process pay
        one after another)."""
        for client in self.lab.clients(writers):
            client.list_tables(Limit=1)
            model = client.meta.service_model
            model.shape_for_error_code("ConditionalCheckFailedException")
            for operation in _RACE_OPERATIONS:
                model.operation_model(operation)

    def leave(self, round_id: str) -> None:
        self.client.delete_item(TableName=ROUNDS_TABLE, Key=_key(round_id, self.name))

    def wait(self, round_id: str, timeout: float = WAIT_SECONDS) -> RoundState:
        """Wait on the round item until Fire, at most ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            state = RoundState.read(self.client, round_id)
            if state is None or state.state == "closed":
                raise RoundError(f"the facilitator closed {round_id} without firing it")
            if state.state != "open":
                if self.name not in state.seats:
                    raise RoundError(f"{round_id} was fired before you joined: you can watch its results, "
                                     "and join the next round")
                return state
            if time.monotonic() > deadline:
                raise RoundError(f"no Fire in {timeout:g} s: the facilitator may have gone. Ask them, or join the "
                                 "next round when it opens")
            time.sleep(POLL_SECONDS)

    def run(self, state: RoundState) -> Report:
        """At the round's start time, run this member's writers; report their rows in the member's item."""
        scenario = get_scenario(state.scenario)
        first = state.seats[self.name]
        numbers = range(first, first + state.writers)
        clients = self.lab.clients(state.writers)
        time.sleep(max(0.0, state.fire_at - time.time()))
        rows, winners = run_writers(scenario.program(state.variant), clients, numbers,
                                    policy=retry_policy("none"), retryable=False)
        for row in rows:
            row["item"] = tidy(row["item"])
        self.client.put_item(TableName=ROUNDS_TABLE, Item={
            **_key(state.round_id, self.name), "State": {"S": "reported"}, "Simulated": {"BOOL": self.simulated},
            "Rows": {"S": json.dumps(rows, default=_json_default)}, "Winners": {"S": json.dumps(winners)}})
        return Report(self.name, self.simulated, rows, winners)

    def results(self, state: RoundState, timeout: float = REPORT_SECONDS) -> MemberOutcome:
        """The round as this member sees it, once every seat has reported (or ``timeout`` s)."""
        reports, missing = _await_reports(self.client, state, timeout)
        return MemberOutcome(self.name, judge(self.client, state, reports, missing))

    def play(self, round_id: str | None = None, timeout: float = WAIT_SECONDS) -> MemberOutcome:
        """Join, wait for Fire, race, and read the results: a member's whole round in one call."""
        state = self.wait(self.join(round_id).round_id, timeout)
        self.run(state)
        return self.results(state)


class _Seat:
    """A simulated member's own clients: what ``race`` and ``Member`` need of a lab."""

    def __init__(self, lab, writers: int):
        self.client = lab.new_client()
        self._clients = [lab.new_client() for _ in range(writers)]

    def clients(self, n: int) -> list:
        return self._clients[:n]


def simulate(lab, names: list[str], round_id: str, writers: int, timeout: float = 60.0) -> list[threading.Thread]:
    """Simulated members (threads of this kernel, labelled simulated) who join ``round_id`` and play it."""
    threads = []
    for name in names:
        member = Member(_Seat(lab, writers), name, simulated=True)
        member.join(round_id)

        def play(member=member):
            try:
                member.run(member.wait(round_id, timeout))
            except RoundError:
                pass  # the round was closed or not fired: a simulated member simply stops
        threads.append(threading.Thread(target=play, name=f"labkit-simulated-{name}", daemon=True))
    for thread in threads:
        thread.start()
    return threads


def catalogue() -> dict[str, tuple]:
    """Scenario name -> its variants, for the facilitator's choice."""
    return {name: scenario.variants for name, scenario in scenarios().items()}
