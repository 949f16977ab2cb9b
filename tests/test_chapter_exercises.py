"""The exercises of chapters 0-2 never lie: every plausible wrong answer gets "Not yet" with its real reason
(DynamoDB's own, when DynamoDB refused), never a traceback; and the solution passes after Run All, after
wrong answers and after the chapter's other exercises, because each check sets up its own scene.

Chapters run in this process (see exercise_harness), a few seconds each."""

from __future__ import annotations

import pytest

from exercise_harness import answer, exercises, run_all, run_cell

START, CLI, RACE = "00_start_here.ipynb", "01_cli_tutorial.ipynb", "02_race_lab.ipynb"
CHAPTERS = [START, CLI, RACE]

# (chapter, exercise number, a wrong answer, what "Not yet" must say)
WRONG = [
    (START, 0, 'CONDITION = "attribute_exists(Username)"',
     "bob is new, so his first sign-up must succeed, but DynamoDB refused the request: "
     "ConditionalCheckFailedException: The conditional request failed"),
    (START, 0, 'CONDITION = "attribute_not_exists(Bob)"',
     "bob exists now, so a second sign-up must be refused, but it succeeded"),
    (START, 0, 'CONDITION = "attribute_not_exists(#user)"',
     "DynamoDB refused the request: ValidationException: "),
    (START, 1, 'MUST_EXIST = "attribute_not_exists(Username)"',  # creates alcie: the next answer must not care
     "there is no account 'alcie', so the put must be refused, but it succeeded"),
    (START, 1, 'MUST_EXIST = "attribute_exists(alice)"',
     "alice exists, so the put must replace her account, but DynamoDB refused the request: "
     "ConditionalCheckFailedException"),
    (START, 1, 'MUST_EXIST = "Username = :alice"',  # refused, but not by the condition: say which refusal
     "there is no account 'alcie', so the put must be refused with ConditionalCheckFailedException, but DynamoDB "
     "refused the request: ValidationException: "),
    (CLI, 0, '''bob_command = """aws dynamodb put-item --table-name Users \\
    --item '{"Username": {"S": "bob"}, "Email": {"S": "bob@example.com"}, "Role": {"S": "member"}}'"""''',
     "the second run should be refused by a condition"),
    (CLI, 0, '''bob_command = """aws dynamodb put-item --table-name Users \\
    --item '{"Username": {"S": "bob"}, "Email": {"S": "bob@example.com"}, "Role": {"S": "member"}}' \\
    --condition-expression "attribute_not_exists(:name)" """''',
     "the first run should create bob; it exited with 255: An error occurred (ValidationException)"),
    (CLI, 0, 'bob_command = "aws s3 ls"', "the lab answers `aws dynamodb ...` commands"),
    (CLI, 0, '''bob_command = """aws dynamodb put-item --table-name Users \\
    --item {"Username": {"S": "bob"}, "Email": {"S": "bob@example.com"}, "Role": {"S": "member"}} \\
    --condition-expression "attribute_not_exists(Username)" """''',  # JSON unquoted: the CLI's reason, not its help
     "the first run should create bob; it exited with 255: Unknown options: bob},, Email:,"),
    (CLI, 1, '''def change_role(client, username, expected, new):
    return client.update_item(TableName="Users", Key={"Username": {"S": username}},
        UpdateExpression="SET Role = :new", ConditionExpression="Role = :expected",
        ExpressionAttributeValues={":new": {"S": new}, ":expected": {"S": expected}}, ReturnValues="ALL_NEW")''',
     "DynamoDB refused the request: ValidationException: Invalid UpdateExpression: Attribute name is a reserved "
     "keyword; reserved keyword: Role"),
    (CLI, 1, '''def change_role(client, username, expected, new):
    return client.update_item(TableName="Users", Key={"Username": {"S": username}},
        UpdateExpression="SET #role = :new", ExpressionAttributeNames={"#role": "Role"},
        ExpressionAttributeValues={":new": {"S": new}}, ReturnValues="ALL_NEW")''',
     "carol is an admin now, so a change that still expects 'member' must be refused, but it succeeded"),
    (CLI, 1, '''def change_role(client, username, expected, new):
    return client.update_item(TableName="Users", Key={"Username": {"S": username}},
        UpdateExpression="SET #role = :new", ConditionExpression="#role = :expected",
        ExpressionAttributeNames={"#role": "Role"},
        ExpressionAttributeValues={":new": {"S": new}, ":expected": {"S": expected}}, ReturnValues="UPDATED_NEW")''',
     'the answer should hold the whole item after the update (ReturnValues="ALL_NEW"); it holds {\'Role\': \'admin\'}'),
    (CLI, 1, '''def change_role(client, username, expected, new):
    client.update_item(TableName="Users", Key={"Username": {"S": username}},
        UpdateExpression="SET #role = :new", ConditionExpression="#role = :expected",
        ExpressionAttributeNames={"#role": "Role"},
        ExpressionAttributeValues={":new": {"S": new}, ":expected": {"S": expected}}, ReturnValues="ALL_NEW")''',
     "change_role returned None: return what update_item answers"),
    (RACE, 0, 'PROMOTE_IF = "Role = :member"',
     "DynamoDB refused the request: ValidationException: Invalid ConditionExpression: Attribute name is a reserved "
     "keyword; reserved keyword: Role"),
    (RACE, 0, 'PROMOTE_IF = "#role <> :admin"',
     "DynamoDB refused the request: ValidationException: Value provided in ExpressionAttributeValues unused in "
     "expressions: keys: {:member}"),
    (RACE, 0, 'PROMOTE_IF = "attribute_exists(Username) OR #role = :member"',
     "8 of 8 admins promoted alice: your condition is still true after the first promotion"),
    (RACE, 0, 'PROMOTE_IF = "#role <> :member"',
     "no admin promoted alice: your condition is false while she is still a member"),
    (RACE, 1, 'ADD_ONE = "SET hits = hits + 1"', "DynamoDB refused the request: ValidationException: "),
    (RACE, 1, 'ADD_ONE = "SET hits = :one"', "16 writers each counted one hit, but hits is 1"),
]

_ran: dict[str, dict] = {}


def after_run_all(chapter: str) -> dict:
    """The chapter's namespace after one Run All as shipped, shared by this module's tests of the chapter (each
    test leaves the exercises solved, as a learner would)."""
    if chapter not in _ran:
        _ran[chapter] = run_all(chapter)
    return _ran[chapter]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_a_placeholder_is_told_what_to_do(chapter):
    namespace = after_run_all(chapter)
    for exercise in exercises(chapter):
        shown = answer(namespace, exercise, exercise.fill_in)
        assert shown.startswith("Not yet: ") and "Traceback" not in shown, shown


@pytest.mark.parametrize("chapter, number, code, why", WRONG, ids=[f"{c[:2]}-E{n + 1}-{i}" for i, (c, n, _, _) in enumerate(WRONG)])
def test_a_wrong_answer_is_told_why_and_the_solution_passes_after_it(chapter, number, code, why):
    namespace = after_run_all(chapter)
    exercise = exercises(chapter)[number]
    shown = answer(namespace, exercise, code)
    assert shown.startswith("Not yet: ") and why in shown, shown
    assert answer(namespace, exercise, exercise.solution).startswith("Right: ")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_solution_passes_after_run_all_and_after_the_other_exercises(chapter):
    chapter_exercises = exercises(chapter)
    # Run All with each answer written into its cell (after the cell's own code, which the answer may redefine)
    shown: dict[str, str] = {}
    solved = run_all(chapter, replace={e.fill_in: f"{e.fill_in}\n{e.solution}" for e in chapter_exercises}, shown=shown)
    assert all(shown[exercise.check].startswith("Right: ") for exercise in chapter_exercises), shown
    # then every check again, after the whole chapter (its last cells too) and after each other, both ways round
    for exercise in chapter_exercises + chapter_exercises[::-1]:
        assert run_cell(exercise.check, solved).startswith("Right: ")
