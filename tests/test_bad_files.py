"""Files that lose nothing: every bad file a learner or a facilitator can load gets one message naming the
file and what is wrong, and nothing in memory or on disk changes; names never make a path."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from labkit.quiz import export_round, facilitator, practice, quiz_widget, round_results, round_widget
from labkit.quiz.files import FileProblem, safe_name
from labkit.quiz.progress import Progress, learner_file
from labkit.quiz.rounds import MemberAnswers, Round


T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def right_choice(question):
    return question.keys if question.multiple else question.answer


def snapshot(folder: Path) -> dict:
    """Every file under ``folder`` and its bytes: what must not change when a load is refused."""
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def eve(tmp_path, monkeypatch):
    """eve's practice widget with one answer not yet saved, in a working folder of its own."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    widget = practice("eve")
    widget.answer(right_choice(widget.question))
    return widget


def progress_of(learner: str, **changes) -> bytes:
    """A progress file as the lab writes it for ``learner`` (one answer), with ``changes`` made to its data."""
    progress = Progress(learner)
    question = progress.next_questions(1)[0]
    progress.record(question, right_choice(question))
    data = progress.dump() | changes
    return json.dumps(data).encode()


def with_record(change) -> bytes:
    data = json.loads(progress_of("eve"))
    (ref, entry), = data["records"].items()
    change(entry)
    return json.dumps(data).encode()


ROUND_FILE = json.dumps({"format": "labkit-round/2", "round": "r", "id": "x", "questions": []}).encode()
CATALOGUE = {
    "empty": (b"", "the file is empty"),
    "blank": (b"  \n", "the file is empty"),
    "not JSON": (b"{records: yes", "not JSON (line 1"),
    "binary": (bytes(range(256)) * 4, "binary data"),
    "a JSON list": (b"[1, 2]", "holds a JSON list"),
    "a round file": (ROUND_FILE, "this is a study-group round file, not a learner's exam-prep progress"),
    "a chapter's check": (b'{"bank": "race_lab", "answers": {}}', "this is a chapter's check progress ('race_lab')"),
    "format 99": (progress_of("eve", format=99), "format 99; this labkit reads format 1"),
    "no records": (b'{"format": 1, "learner": "eve"}', "it lacks records"),
    "records []": (progress_of("eve", records=[]), "records are a JSON list"),
    "a record without a card": (with_record(lambda e: e.pop("card")), "has no card"),
    "a record without answers": (with_record(lambda e: e.update(answers=[])), "has no answers"),
    "a garbage card": (with_record(lambda e: e.update(card={"due": "soon"})), "not one the scheduler can read"),
    "a card due at no time": (with_record(lambda e: e["card"].update(due="2026-13-45")), "not one the scheduler"),
    "a card whose step is a word": (with_record(lambda e: e["card"].update(step="x")), "not one the scheduler"),
    "a card due at a time with no zone": (with_record(lambda e: e["card"].update(due="2026-12-01T09:00:00")),
                                          "must be timezone-aware"),
    "an answer with a bad time": (with_record(lambda e: e["answers"][0].update(at="noon")), "is not a date and time"),
    "an answer with no verdict": (with_record(lambda e: e["answers"][0].pop("right")), "lacks its time, choice or"),
    "another learner's": (progress_of("zoe"), "it holds zoe's progress, not eve's"),
    "a learner named ../escape": (progress_of("../escape"), "it holds ../escape's progress, not eve's"),
}


@pytest.mark.parametrize("case", CATALOGUE)
def test_a_bad_progress_file_is_named_and_changes_nothing(eve, case):
    content, why = CATALOGUE[case]
    work = Path.cwd()
    records, learner, box = json.dumps(eve.progress.records), eve.progress.learner, eve.files.path.value
    question, before = eve.question, snapshot(work.parent)
    eve.files.upload.value = ({"name": "bad_progress.json", "type": "application/json", "size": len(content),
                               "content": memoryview(content), "last_modified": T0},)
    said = eve.files.status.value.replace("&#x27;", "'")
    assert "Could not load: bad_progress.json: " in said and why in said, said
    assert "Nothing was changed" in said
    assert json.dumps(eve.progress.records) == records and eve.progress.learner == learner == "eve"
    assert eve.files.path.value == box == "eve_exam_progress.json" and eve.question == question
    assert snapshot(work.parent) == before  # nothing written, here or beside


def test_the_same_file_loads_when_it_is_good(eve):
    """The catalogue's files are refused for what is wrong with them, not for being uploaded."""
    content = progress_of("eve")
    eve.files.upload.value = ({"name": "good.json", "type": "application/json", "size": len(content),
                               "content": memoryview(content), "last_modified": T0},)
    assert "Loaded 1 questions' progress for eve." in eve.files.status.value.replace("&#x27;", "'")


def test_a_file_named_in_the_box_is_read_from_the_working_folder_only(eve, tmp_path):
    outside = progress_of("eve")
    (tmp_path / "outside.json").write_bytes(outside)
    records = json.dumps(eve.progress.records)
    for typed in ("../outside.json", str(tmp_path / "outside.json")):
        eve.files.path.value = typed
        eve.files.load()
        assert "outside the working folder" in eve.files.status.value
        eve.files.save()
        assert "Could not save" in eve.files.status.value and "outside the working folder" in eve.files.status.value
    assert json.dumps(eve.progress.records) == records
    assert (tmp_path / "outside.json").read_bytes() == outside  # not overwritten
    eve.files.path.value = "missing.json"
    eve.files.load()
    assert "missing.json: no such file" in eve.files.status.value


@pytest.mark.parametrize("name", ["../escape", "a/b", "..", "/etc/passwd", "C:\\temp\\x", "Ana B", "Ana/B", "ana_b",
                                  "ana-b", "zoë"])
def test_a_learners_name_makes_a_file_in_the_working_folder(tmp_path, monkeypatch, name):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    widget = practice(name)
    widget.answer(right_choice(widget.question))
    widget.files.save()
    assert "Saved to" in widget.files.status.value
    saved = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert [p.parent for p in saved] == [work] and saved[0].name == learner_file(name)
    again = practice(name)
    again.files.load()  # and it comes back under the same name
    assert again.progress.records == widget.progress.records


def test_distinct_names_stay_distinct():
    names = ["Ana B", "Ana/B", "Ana_B", "Ana-B", "Ana.B", "Ana_20B", "Ana_2fB", "ana b", "..", ".", "_2e", "zoë", "zoe"]
    files = [safe_name(n) for n in names]
    assert len(set(files)) == len(names)
    for file in files:
        assert file.replace("_", "").isalnum() and "." not in file and "/" not in file and "\\" not in file
    with pytest.raises(ValueError, match="empty"):
        practice("  ")
    with pytest.raises(ValueError, match="60 at most"):
        practice("x" * 61)


def test_a_bad_check_file_leaves_the_chapters_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    widget = quiz_widget("start_here")
    first = widget.quiz.questions[0]
    widget.choices[first.id].index = first.answer
    widget.checks[first.id].click()
    other = {"bank": "race_lab", "answers": {}}
    garbage = {"bank": "start_here", "answers": {first.id: 99}}
    for name, content, why in [("a.json", b"", "the file is empty"), ("b.json", json.dumps(other).encode(),
                                                                        "progress of 'race_lab', not 'start_here'"),
                               ("c.json", json.dumps(garbage).encode(), "(99) is not one of the options"),
                               ("d.json", progress_of("eve"), "this is a learner's exam-prep progress")]:
        widget.files.load(content, name)
        said = widget.files.status.value.replace("&#x27;", "'")
        assert f"{name}: " in said and why in said, said
        assert widget.quiz.answers == {first.id: first.answer} and "Score: 1 /" in widget.score.value


# -- study-group rounds ----------------------------------------------------------------------------

@pytest.fixture
def group(tmp_path, monkeypatch):
    """Round r1 answered by ana (all right) and ben (none right), files in the working folder."""
    monkeypatch.chdir(tmp_path)
    round_ = export_round("r1.json", topics=["transactions"], questions=3, seed=2)
    for member, right in (("ana", True), ("ben", False)):
        given = MemberAnswers(round_, member, {})
        for q in round_.questions:
            given.answer(q, q.keys if right else [(q.keys[0] + 1) % len(q.options)])
        given.save()
    return round_


def test_answers_to_another_round_of_the_same_name_are_left_out_and_said(group, tmp_path):
    other = export_round("elsewhere.json", name="r1", topics=["capacity"], questions=3, seed=3)
    assert other.name == group.name and other.id != group.id
    MemberAnswers(other, "cy", {other.refs[0]: [0]}).save("r1-cy.json")
    results = round_results("r1.json", "r1-*.json")
    assert results.per_member()["member"].tolist() == ["ana", "ben"]
    assert results.problems == ["r1-cy.json: it answers another round named 'r1' (its questions differ from this "
                                "round file's): left out."]
    assert "Not every file counted" in results._repr_html_() and "r1-cy.json" in results._repr_html_()


def test_a_members_second_file_replaces_the_first_and_is_said(group):
    later = MemberAnswers(group, "ben", {q.ref: list(q.keys) for q in group.questions},
                          saved="2099-01-01T00:00:00+00:00")
    later.save("r1-ben-again.json")
    results = round_results("r1.json", "r1-*.json")
    assert results.per_member().set_index("member")["right"].to_dict() == {"ana": 3, "ben": 3}
    assert len(results.problems) == 1 and "ben sent two answer files: r1-ben-again.json" in results.problems[0]
    assert "the older r1-ben.json" in results.problems[0]


def test_the_round_file_a_pattern_matches_is_left_out_and_said(group, tmp_path):
    results = round_results("r1.json", str(tmp_path / "r1*.json"))  # absolute, and it matches r1.json too
    assert results.per_member()["member"].tolist() == ["ana", "ben"]
    assert results.problems == ["r1.json: this is the round file itself, not a member's answers: left out."]
    nothing = round_results("r1.json", str(tmp_path / "nobody-*.json"))
    assert nothing.problems == [f"No file matches {tmp_path / 'nobody-*.json'}."] and not nothing.members
    assert "No member's answers to show" in nothing._repr_html_()


def test_a_broken_answer_file_is_named_and_the_others_count(group):
    data = json.loads(Path("r1-ana.json").read_text())
    bad = {
        "r1-cy.json": b"{\"format\": ",
        "r1-dee.json": b"",
        "r1-fay.json": json.dumps(data | {"format": "labkit-round-answers/99"}).encode(),
        "r1-gus.json": json.dumps({k: v for k, v in data.items() if k != "member"}).encode(),
        "r1-hal.json": json.dumps(data | {"member": "hal", "answers": {group.refs[0]: [42]}}).encode(),
        "r1-ivy.json": json.dumps(data | {"member": "ivy", "answers": {"exam/not-in-round": [0]}}).encode(),
    }
    for name, content in bad.items():
        Path(name).write_bytes(content)
    results = round_results("r1.json", "r1-*.json")
    assert results.per_member()["member"].tolist() == ["ana", "ben"]
    said = "\n".join(results.problems)
    for name, why in [("r1-cy.json", "not JSON"), ("r1-dee.json", "the file is empty"),
                      ("r1-fay.json", "format 'labkit-round-answers/99'"), ("r1-gus.json", "it lacks member"),
                      ("r1-hal.json", "([42]) is not among the options"),
                      ("r1-ivy.json", "it answers exam/not-in-round, which is not in round 'r1'")]:
        assert f"{name}: {why}" in said or (name in said and why in said), said
    assert len(results.problems) == len(bad)


def test_the_facilitators_upload_shows_the_good_files_and_names_the_broken_one(group):
    widget = facilitator("r1.json")
    files = [(n, Path(n).read_bytes()) for n in ("r1-ana.json", "r1-ben.json")]
    widget.upload.value = tuple({"name": n, "type": "application/json", "size": len(c), "content": memoryview(c),
                                 "last_modified": T0} for n, c in files)
    assert "By member" in widget.results.value and "Not every file" not in widget.results.value
    widget.upload.value = tuple({"name": n, "type": "application/json", "size": len(c), "content": memoryview(c),
                                 "last_modified": T0} for n, c in [files[0], ("r1-cy.json", b"\x00\xff")])
    shown = widget.results.value
    assert "r1-cy.json: not a text file" in shown and "left out" in shown
    assert "<td>ana</td>" in shown and "<td>ben</td>" not in shown  # the new upload's results, not the old ones


@pytest.mark.parametrize("content, why", [
    (b"", "the file is empty"),
    (json.dumps({"format": "labkit-round/99", "round": "r1", "questions": []}).encode(), "format 'labkit-round/99'"),
    (json.dumps({"format": "labkit-round/1", "round": "r1", "questions": []}).encode(), "format 'labkit-round/1'"),
    (json.dumps({"format": "labkit-round/2", "round": "r1"}).encode(), "it lacks id, questions"),
    (json.dumps({"format": "labkit-round/2", "round": "r1", "id": "x", "questions": ["exam/nope"]}).encode(),
     "questions this lab does not have: exam/nope"),
    (b'{"bank": "race_lab", "answers": {}}', "this is a chapter's check progress"),
])
def test_a_bad_round_file_is_refused_with_its_name(tmp_path, monkeypatch, content, why):
    monkeypatch.chdir(tmp_path)
    Path("round.json").write_bytes(content)
    with pytest.raises(FileProblem) as refused:
        round_widget("round.json", "ana")
    assert str(refused.value).startswith("round.json: ") and why in str(refused.value)


def test_a_round_whose_questions_changed_is_refused(group):
    data = json.loads(Path("r1.json").read_text())
    data["id"] = "0" * 16  # as if the questions had been edited since the export
    Path("r1.json").write_text(json.dumps(data))
    with pytest.raises(FileProblem, match="its questions have changed in this lab since the round was exported"):
        Round.load("r1.json")


def test_members_names_make_distinct_files_in_the_working_folder(group, tmp_path):
    for member in ("Ana B", "Ana/B", "../escape", ".."):
        widget = round_widget("r1.json", member)
        widget.panels[0].choice.index = right_choice(widget.panels[0].question)
        assert widget.save() is not None
    written = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert written == sorted(["r1.json", "r1-ana.json", "r1-ben.json", "r1-Ana_20B.json", "r1-Ana_2fB.json",
                              "r1-_2e_2e_2fescape.json", "r1-_2e_2e.json"])
    members = round_results("r1.json", "r1-*.json").per_member()["member"].tolist()
    assert sorted(members) == sorted(["ana", "ben", "Ana B", "Ana/B", "../escape", ".."])
    assert not list(tmp_path.parent.glob("escape*"))
