"""The digest follows each interview's focus: rows by rubric, columns by stage, blanks, flags, thread."""

from __future__ import annotations

import json
from datetime import timedelta

from slack_sdk.models.blocks import SectionBlock

from blocks.digest import digest_message, scorecard_reply
from blocks.message import Message
from models import CandidateLoop, Feedback, Interview, PanelSeat
from tests.blocks.test_digest import END, NOW, START, fb
from tests.support.factories import EMPTY_KIT, RUBRIC_SNAPSHOT, focus_guidance, memory_interview, with_stages


def loop() -> tuple[CandidateLoop, Interview, Interview]:
    """A team interview with kits (stage 2) and a values interview without (stage 3, but a day earlier)."""
    team = memory_interview([("U1", "lead"), ("U2", "interviewer")], interview_id=7)
    cl = team.candidate_loop
    cl.rubric = with_stages(
        RUBRIC_SNAPSHOT, {"screen": None, "team": None, "values": ["team", "initiative", "candor"]}
    )
    values = Interview(
        id=8,
        candidate_loop=cl,
        stage_key="values",
        starts_at=START - timedelta(days=1),
        ends_at=END - timedelta(days=1),
        status="scheduled",
        guidance=focus_guidance(),
    )
    values.panel = [PanelSeat(user_id="U5", role="lead", position=0, kit=dict(EMPTY_KIT))]
    return cl, team, values


def cards(team: Interview, values: Interview) -> list[Feedback]:
    return [
        # The values scorecard comes in first; its stage's focus adds the loop's team category.
        fb(values, "U5", "yes", id=1, signals=["look:0", "attr:candor:1"],
           ratings={"team": "yes", "initiative": "strong_yes", "candor": "no_signal"},
           submitted_at=END - timedelta(hours=20)),
        fb(team, "U1", "yes", id=2, ratings={"learn": "strong_yes", "build": "no"}),
        fb(team, "U2", "no", id=3, ratings={"learn": "no", "build": "no_signal"}),
    ]  # fmt: skip


def texts(message: Message) -> str:
    return "\n".join(
        b.text.text if isinstance(b, SectionBlock) and b.text else json.dumps(b.to_dict())
        for b in message.blocks
    )


def matrix(message: Message) -> list[str]:
    body = texts(message)
    block = body[body.index("```") + 3 : body.rindex("```")]
    return block.split("\n")


def test_rows_by_rubric_columns_in_stage_order_and_blanks_where_not_assessed() -> None:
    cl, team, values = loop()
    lines = matrix(digest_message(cl, cards(team, values), NOW))
    assert lines == [
        "                    A  B  C",
        "Engineering",
        "  Ability to learn… SY N",
        "  Building systems  N  —",
        "  Effective team…         Y",
        "Company values",
        "  Initiative              SY",
        "  Candor                  —",
    ]
    body = texts(digest_message(cl, cards(team, values), NOW))
    # Columns: the team interview's panel first (its stage comes first), then the values interview.
    assert body.index("`A` <@U1>") < body.index("`B` <@U2>") < body.index("`C` <@U5>")
    assert "`Ability to learn…` Ability to learn and teach" in body
    assert "`Initiative` Takes initiative beyond their scope?" in body
    assert "blank: not assessed in that interview" in body


def test_nobody_assessed_counts_only_ratings_inside_each_interviews_focus() -> None:
    cl, team, values = loop()
    feedback = cards(team, values)
    feedback[0].ratings = {"initiative": "yes", "candor": "yes", "team": "no_signal", "learn": "yes"}
    body = texts(digest_message(cl, feedback, NOW))
    flag = next(line for line in body.split("\n") if "Nobody assessed" in line)
    assert flag == ":grey_question: *Nobody assessed*: Effective team member."
    feedback[0].ratings["team"] = "yes"
    assert "Nobody assessed" not in texts(digest_message(cl, feedback, NOW))


def test_a_type_rubric_nobody_on_this_candidate_assesses_adds_no_rows() -> None:
    cl, team, values = loop()
    values.guidance = {**values.guidance, "rubric": None, "focus": None}
    cl.rubric = with_stages(RUBRIC_SNAPSHOT, {"team": None, "values": ["team"]})
    lines = matrix(digest_message(cl, cards(team, values), NOW))
    assert "Company values" not in lines
    assert len(lines) == 4  # the column labels and the loop rubric's three categories, ungrouped


def test_the_thread_groups_ratings_by_rubric_and_lists_the_checklist_ticked() -> None:
    cl, team, values = loop()
    body = texts(scorecard_reply(cl, values, cards(team, values)[0]))
    assert "*Ratings · Engineering*\n• Effective team member: *Yes*" in body
    assert (
        "*Ratings · Company values*\n• Takes initiative beyond their scope?: *Strong Yes*\n"
        "• Gives candid feedback?: *No signal*"
    ) in body
    assert "*Signals*\n:white_check_mark: Took the initiative on something outside their scope\n" in body
    assert ":white_check_mark: Acted on feedback" in body
    one_rubric = texts(scorecard_reply(cl, team, cards(team, values)[1]))
    assert "*Ratings*\n• Ability to learn and teach: *Strong Yes*" in one_rubric
