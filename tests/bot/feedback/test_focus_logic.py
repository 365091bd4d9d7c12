"""What one interview assesses, from its snapshots: kit, stage focus, type focus, or (old ones) everything."""

from __future__ import annotations

from bot.feedback import focus_logic as fl
from tests.support.factories import (
    EMPTY_KIT,
    GUIDANCE,
    RUBRIC_SNAPSHOT,
    VALUES_RUBRIC,
    focus_guidance,
    kit,
    kit_question,
    with_stages,
)


def keys(categories: list[fl.Category]) -> list[str]:
    return [c.key for c in categories]


def test_without_questions_the_type_focus_is_rated_from_its_own_rubric() -> None:
    found = fl.form_categories(EMPTY_KIT, RUBRIC_SNAPSHOT, focus_guidance(), "values")
    assert keys(found) == ["initiative", "candor"]
    assert found[0].rubric == "values"
    assert found[0].rubric_name == "Company values"
    assert found[0].short == "Initiative"
    assert found[1].attributes == ("Gave feedback nobody asked for", "Acted on feedback")


def test_a_stage_focus_narrows_the_type_focus() -> None:
    rubric = with_stages(RUBRIC_SNAPSHOT, {"values": ["candor"], "team": None})
    assert keys(fl.form_categories(EMPTY_KIT, rubric, focus_guidance(), "values")) == ["candor"]
    # Another stage without a focus of its own keeps the type's.
    assert keys(fl.form_categories(EMPTY_KIT, rubric, focus_guidance(), "team")) == ["initiative", "candor"]


def test_a_stage_focus_may_name_the_loops_rubric_and_keeps_scorecard_order() -> None:
    rubric = with_stages(RUBRIC_SNAPSHOT, {"peers": ["team", "learn"]})
    guidance = {**GUIDANCE, "focus": None, "rubric": None}
    assert keys(fl.form_categories(EMPTY_KIT, rubric, guidance, "peers")) == ["learn", "team"]


def test_questions_decide_the_categories_of_a_kit_interview() -> None:
    k = kit(questions=[kit_question("a", "build"), kit_question("b", "build")])
    rubric = with_stages(RUBRIC_SNAPSHOT, {"team": ["learn", "build"]})
    assert keys(fl.form_categories(k, rubric, GUIDANCE, "team")) == ["build"]


def test_snapshots_from_before_focus_rate_every_category_of_the_loops_rubric() -> None:
    everything = ["learn", "build", "team"]
    assert keys(fl.form_categories(EMPTY_KIT, RUBRIC_SNAPSHOT, GUIDANCE, "team")) == everything
    # A focus naming only keys the snapshot does not know falls back the same way.
    unknown = {**GUIDANCE, "focus": ["gone"]}
    assert keys(fl.form_categories(EMPTY_KIT, RUBRIC_SNAPSHOT, unknown, "team")) == everything


def test_checklist_is_what_to_look_for_then_the_focus_attributes_once_each() -> None:
    guidance = focus_guidance(look_for=["Took the initiative", "Acted on feedback"])
    categories = fl.form_categories(EMPTY_KIT, RUBRIC_SNAPSHOT, guidance, "values")
    items = fl.checklist(guidance, categories, EMPTY_KIT)
    assert [(s.id, s.group) for s in items] == [
        ("look:0", fl.LOOK_FOR),
        ("look:1", fl.LOOK_FOR),
        ("attr:initiative:0", "Takes initiative beyond their scope?"),
        ("attr:candor:0", "Gives candid feedback?"),
    ]  # "Acted on feedback" is offered once, as what to look for


def test_a_kit_interview_has_no_checklist() -> None:
    categories = fl.form_categories(kit(), RUBRIC_SNAPSHOT, focus_guidance(), "team")
    assert fl.checklist(focus_guidance(), categories, kit()) == []


def test_only_shadows_and_interviewers_where_the_lead_drives_follow_the_lead() -> None:
    driven = focus_guidance(lead_drives=True)
    assert fl.follows_lead("shadow", GUIDANCE)
    assert fl.follows_lead("interviewer", driven)
    assert not fl.follows_lead("interviewer", GUIDANCE)
    assert not fl.follows_lead("lead", driven)


def test_short_labels_are_cut_between_words() -> None:
    assert fl.short_label("Outstanding operationally?") == "Outstanding…"
    assert fl.short_label("Motivation") == "Motivation"
    assert fl.short_label("World-class at running this team?") == "World-class at…"
    assert fl.short_label("Supercalifragilisticexpialidocious") == "Supercalifragilisti…"


def test_stage_position_follows_the_loop_and_puts_unknown_stages_last() -> None:
    rubric = with_stages(RUBRIC_SNAPSHOT, {"screen": None, "team": None, "values": None})
    assert [fl.stage_position(rubric, k) for k in ("values", "screen", "gone")] == [2, 0, 3]
    assert fl.stage_position(RUBRIC_SNAPSHOT, "team") == 0


def test_the_pool_keeps_the_loops_category_when_a_type_rubric_repeats_a_key() -> None:
    clash = {**VALUES_RUBRIC, "categories": [{"key": "learn", "name": "Other learn"}]}
    found = fl.pool(RUBRIC_SNAPSHOT, focus_guidance(rubric=clash))
    assert [c.name for c in found if c.key == "learn"] == ["Ability to learn and teach"]
