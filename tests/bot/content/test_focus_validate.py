"""`focus`, types' own rubrics and coverage are checked, each problem at the file and line it is about."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.content import focus
from bot.content.loader import load_content
from tests.support.content_files import EXAMPLES, copy_examples, edit, line_of


def messages(root: Path) -> list[str]:
    return [str(p) for p in load_content([root]).problems]


def test_an_unknown_category_in_a_types_focus_is_reported_at_its_line(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    types = root / "universal" / "interview-types.yaml"
    line = edit(types, "focus: [motivation, role-fit]\n", "focus: [motivation, role-fitt]\n")
    assert messages(root) == [
        f"{types}:{line}: focus.1: rubric 'motivation-and-fit' has no category 'role-fitt' "
        "(one of: motivation, role-fit, track-record)"
    ]


def test_a_type_without_a_rubric_names_categories_of_each_loop_using_it(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    kind = root / "infrastructure-manager" / "interview-type.yaml"
    line = edit(kind, "running-the-team, operations,", "running-the-team, operation,")
    assert messages(root)[0] == (
        f"{kind}:{line}: focus.1: rubric 'infrastructure-manager' of loop 'infrastructure-manager' (stage "
        "'team-interviews' uses this type) has no category 'operation' (one of: running-the-team, "
        "operations, strategy, team-member)"
    )


def test_a_set_asking_outside_the_stage_focus_is_an_error_at_the_set(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "infrastructure-manager" / "loop.yaml"
    edit(loop, "    question_sets: [im-set-a", "    focus: [running-the-team, strategy, team-member]\n"
         "    question_sets: [im-set-a")  # fmt: skip
    sets = line_of(loop, "question_sets: [im-set-a")
    found = messages(root)
    assert found[0] == (
        f"{loop}:{sets}: stages.3.question_sets.0: question set 'im-set-a' asks outside the focus of stage "
        "'team-interviews' (running-the-team, strategy, team-member): 'im-automate-toil' (operations)"
    )
    assert len([m for m in found if "asks outside the focus" in m]) == 3
    assert found[-1] == (
        f"{loop}:{line_of(loop, 'stages:')}: warning: stages: no required stage assesses category "
        "'operations' (Outstanding operationally?) of rubric 'infrastructure-manager'"
    )


def test_a_stage_may_only_narrow_its_types_focus(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "developer-advocate" / "loop.yaml"
    edit(loop, "    interview_type: setup-feedback\n", "    interview_type: setup-feedback\n"
         "    focus: [advocacy-experience, learn-and-teach, nope]\n")  # fmt: skip
    line = line_of(loop, "focus: [advocacy-experience")
    assert messages(root) == [
        f"{loop}:{line}: stages.4.focus.1: category 'learn-and-teach' is outside the focus of interview "
        "type 'setup-feedback' (advocacy-experience): a stage may only narrow it",
        f"{loop}:{line}: stages.4.focus.2: no category 'nope' for this stage (one of: learn-and-teach, "
        "advocacy-experience)",
    ]


def test_a_types_rubric_must_exist_share_the_scale_and_no_key(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    types, rubrics = root / "universal" / "interview-types.yaml", root / "universal" / "rubrics.yaml"
    im, swe = root / "infrastructure-manager" / "loop.yaml", root / "software-engineer" / "loop.yaml"
    unknown = edit(types, "rubric: collaboration\n", "rubric: collaborate\n")
    edit(rubrics, "  - key: growth\n", "  - key: strategy\n")
    edit(
        rubrics,
        "name: Company values\n",
        "name: Company values\nscale: [{key: meh, label: Meh}, {key: ok, label: Ok}]\n",
    )
    values = line_of(im, "interview_type: values-interview")
    assert messages(root) == [
        f"{types}:{unknown}: rubric: unknown rubric 'collaborate'",
        f"{im}:{values}: stages.5.interview_type: rubric 'company-values' of interview type "
        "'values-interview' rates on meh, ok, rubric 'infrastructure-manager' of this loop on strong_no, "
        "no, yes, strong_yes: a scorecard has one scale",
        f"{im}:{values}: stages.5.interview_type: category key 'strategy' is in rubric "
        "'infrastructure-manager' and in rubric 'company-values': ratings are stored by key, so rename one "
        "of them",
        f"{swe}:{line_of(swe, 'interview_type: values-interview')}: stages.7.interview_type: rubric "
        "'company-values' of interview type 'values-interview' rates on meh, ok, rubric 'software-engineer' "
        "of this loop on strong_no, no, yes, strong_yes: a scorecard has one scale",
    ]


def test_categories_only_optional_stages_assess_are_warnings(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "infrastructure-manager" / "loop.yaml"
    edit(loop, "    name: Values interview\n", "    name: Values interview\n    required: false\n")
    found = messages(root)
    assert len(found) == 4
    assert found[0] == (
        f"{loop}:{line_of(loop, 'stages:')}: warning: stages: no required stage assesses category "
        "'initiative' (Takes initiative beyond their own scope?) of rubric 'company-values'; only optional "
        "stage(s) values do"
    )
    result = CliRunner().invoke(main, ["content", "validate", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].endswith("(4 warning(s))")


def test_content_without_focus_keeps_validating_and_is_told_to_add_one(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    types = root / "universal" / "interview-types.yaml"
    edit(types, "rubric: collaboration\n", "")
    loop = root / "infrastructure-manager" / "loop.yaml"
    assert messages(root) == [
        f"{loop}:{line_of(loop, 'interview_type: cross-functional')}: warning: stages.4.interview_type: "
        "stage 'cross-functional' declares no focus, nor does interview type "
        "'cross-functional-collaboration': it is rated on every category of rubric 'infrastructure-manager'. "
        "Add `focus:` (category keys) to the stage or the interview type"
    ]


def test_validate_reports_what_every_stage_of_every_loop_assesses() -> None:
    result = CliRunner().invoke(main, ["content", "validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index(
        "loop infrastructure-manager (Infrastructure manager loop), rated on: infrastructure-manager, "
        "motivation-and-fit, collaboration, company-values"
    )
    assert lines[start + 1 : start + 9] == [
        "  recruiter-screen: motivation, role-fit (interview type focus)",
        "  hiring-manager-screen: motivation, role-fit (interview type focus)",
        "  resume-deep-dive: track-record (interview type focus)",
        "  team-interviews: running-the-team, operations, strategy, team-member (interview type focus)",
        "  cross-functional: cross-functional (interview type's rubric)",
        "  values: initiative, candor, team-first, growth (interview type's rubric)",
        "  leadership (optional): motivation, track-record (interview type focus)",
        "  references: nothing",
    ]
    assert "  peers: collaboration (stage focus)" in lines
    assert len([line for line in lines if line.startswith("loop ")]) == 3


def test_what_each_stage_assesses_and_the_loops_scorecard() -> None:
    bundle = load_content([EXAMPLES])
    swe = bundle.loops["software-engineer"].model
    report = {a.stage.key: a for a in focus.loop_report(bundle, swe)}
    assert report["pairing"].keys == ("learn-and-teach", "collaboration")
    assert report["system-design"].keys == ("building-systems", "learn-and-teach")
    assert report["references"].source == focus.NOTHING
    card = focus.scorecard(bundle, swe, list(report.values()))
    assert [c.rubric for c in card] == ["software-engineer"] * 4 + ["motivation-and-fit"] * 2 + [
        "company-values"
    ] * 4
    # track-record is in the motivation-and-fit rubric, but no stage of this loop assesses it.
    assert "track-record" not in [c.key for c in card]
