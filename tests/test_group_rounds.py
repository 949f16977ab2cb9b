"""A group round through the lab: open, join, fire, report, results; late joins, leavers and dead kernels
never block it; a solo round with simulated members for a learner alone."""

from __future__ import annotations

import threading
import time

import pytest

import labkit
from group_support import SignedLab, server  # server: the module's group server (a fixture)
from labkit.group import rounds


@pytest.fixture(scope="module")
def host(server):
    return rounds.Facilitator(SignedLab(server.url, "hana", role="facilitator"), "hana")


def members(server, *names):
    return [rounds.Member(SignedLab(server.url, name), name) for name in names]


def play_all(host, crew, scenario="registration", variant="guarded", writers=2):
    """Open a round, every member joins and plays it in a thread of its own, fire, collect."""
    state = host.open(scenario, variant, writers)
    outcomes, joined = {}, threading.Barrier(len(crew) + 1)

    def play(member):
        member.join(state.round_id)
        joined.wait()
        fired = member.wait(state.round_id, timeout=30)
        member.run(fired)
        outcomes[member.name] = member.results(fired, timeout=30)

    threads = [threading.Thread(target=play, args=(m,)) for m in crew]
    for thread in threads:
        thread.start()
    joined.wait()
    host.fire(state.round_id, lead=0.3)
    for thread in threads:
        thread.join(60)
    return host.collect(state.round_id, timeout=30), outcomes


def test_guarded_exactly_one_registration_wins_across_members(server, host):
    result, outcomes = play_all(host, members(server, "ivan", "jana", "kofi"))
    assert len(result.winners()) == 1 and result.race.judgement == "HELD"
    winner, number = result.winners()[0]
    assert set(result.frame["member"]) == {"ivan", "jana", "kofi"} and len(result.frame) == 6
    assert sorted(result.frame["writer"]) == [1, 2, 3, 4, 5, 6]  # writer numbers unique across members
    users = server.front.trace  # every attempt was signed by its member's key: the trace says whose
    puts = [e for e in users if e.operation == "PutItem" and e.table == "Users"]
    assert {e.member for e in puts[-6:]} == {"ivan", "jana", "kofi"}
    for name, seen in outcomes.items():
        assert seen.group.winners() == result.winners()  # every member sees the same winner
        mine = seen.mine
        assert set(mine["member"]) == {name} and len(mine) == 2
        text = str(seen)
        assert f"round winners: {winner} (writer {number})" in text
        lost = mine[mine["outcome"] != "succeeded"]
        assert set(lost["outcome"]) <= {"ConditionalCheckFailedException"}
        assert text.count("lost: ConditionalCheckFailedException (The conditional request failed)") == len(lost)
    table = result.per_member()
    assert table["attempts"].sum() == 6 and table["wins"].sum() == 1
    assert table["conditional failures"].sum() == 5


def bar_colours(picture) -> dict[int, set]:
    """Writer -> the colours of every bar drawn on that writer's lane (read from the figure itself)."""
    drawn: dict[int, set] = {}
    for collection in picture.figure.axes[0].collections:
        faces = collection.get_facecolors()
        for index, path in enumerate(collection.get_paths()):
            writer = round(float(path.vertices[:, 1].mean()))
            drawn.setdefault(writer, set()).add(tuple(faces[index % len(faces)][:3]))
    return drawn


def test_the_facilitators_timeline_has_one_colour_per_member_and_a_legend_naming_them(server, host):
    from labkit.group.widgets import round_timeline

    result, _ = play_all(host, members(server, "ivan", "jana", "kofi"), writers=2)
    picture = round_timeline(result)
    owner = dict(zip(result.frame["writer"], result.frame["member"]))
    by_member: dict[str, set] = {}
    for writer, colours in bar_colours(picture).items():
        by_member.setdefault(owner[writer], set()).update(colours)
    assert sorted(by_member) == ["ivan", "jana", "kofi"]
    assert all(len(colours) == 1 for colours in by_member.values()), by_member  # both writers, win or lose
    assert len({next(iter(c)) for c in by_member.values()}) == 3  # a colour each
    names = [t.get_text() for t in picture.figure.legends[0].get_texts()]
    assert names[:3] == sorted(by_member, key=lambda m: min(w for w, o in owner.items() if o == m))
    assert names[3:] == ["outlined: write succeeded"]
    winners = [c for c in picture.figure.axes[0].collections if c.get_linewidths()[0] > 0]
    assert len(winners) == 1 and len(winners[0].get_paths()) == 1  # the one write that won, outlined


def test_a_crowds_legend_wraps_within_the_picture_which_grows_by_its_rows():
    """Nine members with long names (the panel's most simulated, and one more): every legend entry is drawn
    inside the picture, on as many rows as it takes."""
    from types import SimpleNamespace

    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from labkit.views.timeline import height_px, timeline

    names = ["you"] + [f"simulated-{i}" for i in range(1, 9)]
    frame = pd.DataFrame([{"member": name, "writer": 2 * i + w + 1, "step": "write", "start": float(i), "end": i + 5.0,
                           "outcome": "succeeded" if (i, w) == (0, 0) else "ConditionalCheckFailedException"}
                          for i, name in enumerate(names) for w in range(2)])
    result = SimpleNamespace(frame=frame, writers=18, unit="ms", headline=lambda: "a crowd")
    picture = timeline(result, colour_by="member", labels={n: f"{n} (simulated)" for n in names[1:]})
    canvas = FigureCanvasAgg(picture.figure)
    canvas.draw()  # laid out as it is saved
    renderer = canvas.get_renderer()
    legend = picture.figure.legends[0].get_window_extent(renderer)
    assert 0 <= legend.x0 and legend.x1 <= picture.figure.bbox.width, (legend, picture.figure.bbox)
    assert 0 <= legend.y0  # its bottom row inside the picture too
    assert len({round(t.get_window_extent(renderer).y0) for t in picture.figure.legends[0].get_texts()}) > 1
    assert picture.figure.bbox.height > height_px(18) * 2  # taller by the extra rows (drawn at twice its size)


def test_naive_more_than_one_told_it_won_or_says_it_held_by_chance(server, host):
    result, _ = play_all(host, members(server, "ivan", "jana", "kofi"), variant="naive")
    if result.race.judgement == "HELD":
        assert "happened not to overlap" in str(result)
    else:
        assert len(result.winners()) > 1 and "BROKEN" in str(result)


def test_a_member_readies_each_writers_client_at_join_not_at_fire(server, host):
    """A client's first request (its connection, the server's thread for it) and the models botocore builds
    at its first call of an operation and at its first refusal are paid at Join, not by the race at Fire."""
    lab = SignedLab(server.url, "tara")
    state = host.open("registration", "guarded", 3)
    sent = {}
    for index, client in enumerate(lab.clients(3)):
        client.meta.events.register("before-send", lambda index=index, **_: sent.update({index: sent.get(index, 0) + 1}))
    built = []  # botocore builds a client's error table and each operation's model once, when first asked
    for client in lab.clients(3):
        model = client.meta.service_model
        for name in ("shape_for_error_code", "operation_model"):
            original = getattr(model, name)
            setattr(model, name, lambda *args, original=original, name=name, model=model:
                    built.append((id(model), name, *args)) or original(*args))
    rounds.Member(lab, "tara").join(state.round_id)
    assert sent == {0: 1, 1: 1, 2: 1} and len(lab.clients(3)) == 3  # one request on each writer's own client
    for client in lab.clients(3):  # and the models its race and its first refusal need, built at Join too
        mine = {call[1:] for call in built if call[0] == id(client.meta.service_model)}
        assert ("shape_for_error_code", "ConditionalCheckFailedException") in mine
        assert {("operation_model", op) for op in ("PutItem", "UpdateItem", "TransactWriteItems")} <= mine
    host.close(state.round_id)


def test_a_late_joiner_is_told_and_does_not_block(server, host):
    early, late = members(server, "lena", "marc")
    state = host.open("registration", "guarded", 1)
    early.join(state.round_id)
    host.fire(state.round_id, lead=0.1)
    with pytest.raises(rounds.RoundError, match="already been fired: join the next round"):
        late.join(state.round_id)
    early.run(early.wait(state.round_id, timeout=5))
    result = host.collect(state.round_id, timeout=5)
    assert list(result.reports) == ["lena"] and result.missing == []


def test_a_dead_kernel_or_a_leaver_does_not_block_the_round(server, host):
    alive, dead, leaver = members(server, "nora", "omar", "pia")
    state = host.open("registration", "guarded", 1)
    for member in (alive, dead, leaver):
        member.join(state.round_id)
    leaver.leave(state.round_id)
    fired = host.fire(state.round_id, lead=0.1)
    assert sorted(fired.seats) == ["nora", "omar"]  # the leaver has no seat
    alive.run(alive.wait(state.round_id, timeout=5))  # omar's kernel died: it never runs nor reports
    started = time.monotonic()
    result = host.collect(state.round_id, timeout=0.5)
    assert time.monotonic() - started < 5
    assert result.missing == ["omar"] and len(result.winners()) == 1
    assert "no report (left, or kernel stopped)" in result.per_member().to_string()


def test_a_member_waiting_for_a_facilitator_who_is_gone_is_told(server, host):
    waiting, = members(server, "quin")
    state = host.open("registration", "guarded", 1)
    waiting.join(state.round_id)
    with pytest.raises(rounds.RoundError, match="no Fire in 0.3 s: the facilitator may have gone"):
        waiting.wait(state.round_id, timeout=0.3)
    host.close(state.round_id)
    with pytest.raises(rounds.RoundError, match="closed .* without firing it"):
        waiting.wait(state.round_id, timeout=5)


def test_the_history_has_a_row_per_round(server, host):
    history = host.history()
    assert list(history["round"]) == sorted(history["round"])
    done = history[history["state"] == "done"]
    assert len(done) >= 1 and set(done["scenario"]) == {"registration"}


def solo_round(scenario: str, variant: str, writers: int):
    """A round on the embedded lab: "you" and two simulated members, each with ``writers`` writers; the
    facilitator's result, the member and the round as fired."""
    lab = labkit.connect("embedded")
    host = rounds.Facilitator(lab, "you")
    state = host.open(scenario, variant, writers)
    you = rounds.Member(lab, "you")
    you.join(state.round_id)
    threads = rounds.simulate(lab, ["sim-1", "sim-2"], state.round_id, writers=writers)
    fired = host.fire(state.round_id, lead=0.2)
    you.run(fired)
    for thread in threads:
        thread.join(30)
    return host.collect(state.round_id, timeout=10), you, fired


def test_a_solo_round_with_simulated_members_on_the_embedded_lab():
    result, _, _ = solo_round("optimistic_lock", "guarded", 2)
    assert sorted(result.reports) == ["sim-1", "sim-2", "you"]
    assert result.race.judgement == "HELD"
    assert "2 simulated: sim-1, sim-2" in str(result)
    assert set(result.per_member()["member"]) == {"sim-1 (simulated)", "sim-2 (simulated)", "you"}
    from labkit.group.widgets import round_timeline

    legend = [t.get_text() for t in round_timeline(result).figure.legends[0].get_texts()]
    assert sorted(legend[:3]) == ["sim-1 (simulated)", "sim-2 (simulated)", "you"]


def test_open_refuses_what_the_catalogue_does_not_have(server, host):
    with pytest.raises(ValueError, match="unknown scenario"):
        host.open("no-such-race")
    with pytest.raises(rounds.RoundError, match="variants"):
        host.open("registration", "reckless")


def test_the_panels_open_join_fire_and_show_both_sides(server):
    from labkit.group.widgets import facilitator_panel, member_panel, round_timeline

    panel = facilitator_panel(SignedLab(server.url, "rosa", role="facilitator"), "rosa", writers=2, lead=0.3)
    assert panel.state is None and panel.fire_button.disabled  # no round until Open is pressed
    seat = member_panel(SignedLab(server.url, "sami"), "sami", wait_seconds=30)
    panel.scenario.value = "registration"
    panel.variant.value = "guarded"
    assert panel.open_round() is not None and not panel.fire_button.disabled
    seat.join()
    panel._show_joined()
    assert "1 joined: sami" in panel.joined.value
    result = panel.fire_round()
    assert seat.done.wait(30)
    assert "fired: sami racing" in panel.joined.value
    assert result is not None and "invariant: each writer told &#x27;account created&#x27; owns an account: HELD" \
        in panel.result.value
    assert "<td>sami</td>" in panel.result.value and "Rounds so far" in panel.history.value
    assert "sami: 2 attempts" in seat.result.value and "round winners: sami (writer" in seat.result.value
    panel.simulated.value = 2  # a facilitator alone: two simulated members join at Open
    panel.open_round()
    panel._show_joined()
    assert "2 joined: simulated-1, simulated-2" in panel.joined.value
    assert "2 simulated: simulated-1, simulated-2" in html_text(panel.fire_round() and panel.result.value)
    assert panel.picture.layout.display is None and bytes(panel.picture.value).startswith(b"\x89PNG")
    assert bytes(panel.picture.value) == round_timeline(panel.last).png()  # the round's timeline, coloured by member


def html_text(value: str) -> str:
    import html

    return html.unescape(value)


def test_a_round_with_many_winners_counts_them_per_member_on_both_panels():
    """A naive round at the panel's largest (16 writers for each of 9 members) has 144 winners: the facilitator's
    and the member's result count them per member instead of naming 144 writers on one line (1,552 px tall in
    the browser at 1400 px). A round of a few winners still names each."""
    result, you, fired = solo_round("registration", "naive", 4)
    assert len(result.winners()) == 12 > rounds.NAMED_WINNERS
    assert "winners: 12 writers: " in str(result) and "(writer" not in str(result), str(result)
    counted = dict(part.rsplit(" ", 1) for part in str(result).split("winners: 12 writers: ")[1].splitlines()[0].split(", "))
    assert counted == {"sim-1": "4", "sim-2": "4", "you": "4"}, str(result)
    mine = str(you.results(fired, timeout=10))
    assert "round winners: 12 writers: " in mine and max(map(len, mine.splitlines())) < 200, mine
    few = [("ana", 1), ("ben", 7)]
    assert rounds.winners_text(few) == "ana (writer 1), ben (writer 7)" and rounds.winners_text([]) == "nobody"
