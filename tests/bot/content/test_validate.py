"""Content files are validated with every problem reported at its file and line."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.content.loader import load_content
from tests.support.content_files import EXAMPLES, copy_examples, edit, line_of


def messages(path: Path) -> list[str]:
    return [str(p) for p in load_content([path]).problems]


def test_examples_are_valid_without_warnings() -> None:
    bundle = load_content([EXAMPLES])
    assert bundle.problems == []
    assert set(bundle.loops) == {"developer-advocate", "software-engineer", "infrastructure-manager"}
    assert {"im-set-a", "im-set-b", "im-set-c"} <= set(bundle.question_sets)


def test_cli_validate_passes_on_examples() -> None:
    result = CliRunner().invoke(main, ["content", "validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("ok: 6 rubrics")
    assert " interviewer pool" in result.output.splitlines()[-1]  # pools are counted like the rest


def test_typo_in_a_slug_is_reported_at_the_reference(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "infrastructure-manager" / "loop.yaml"
    line = edit(loop, "[im-set-a, im-set-b, im-set-c]", "[im-set-a, im-set-bb, im-set-c]")
    assert messages(root) == [
        f"{loop}:{line}: stages.3.question_sets.1: unknown question set 'im-set-bb' "
        "(did you mean 'im-set-b'?)",
    ]


def test_typo_in_a_question_of_a_set_also_warns_about_the_stage_focus(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    questions = root / "infrastructure-manager" / "questions.yaml"
    loop = root / "infrastructure-manager" / "loop.yaml"
    line = edit(questions, "  - im-automate-toil\n", "  - im-automate-tol\n")
    stage = line_of(loop, "question_sets: [im-set-a")
    assert messages(root) == [
        f"{questions}:{line}: questions.3: unknown question 'im-automate-tol' "
        "(did you mean 'im-automate-toil'?)",
        f"{loop}:{stage}: warning: stages.3.question_sets.0: question set 'im-set-a' has no question on "
        "'operations' (Outstanding operationally?), which stage 'team-interviews' assesses",
    ]


def test_missing_required_field_points_at_the_document(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    questions = root / "infrastructure-manager" / "questions.yaml"
    edit(questions, "name: Infrastructure manager kit B\n", "")
    start = line_of(questions, "kind: question_set", after="slug: im-set-a\n")
    # The loop still names im-set-b; that is not reported twice.
    assert messages(root) == [f"{questions}:{start}: name: Field required"]


def test_wrong_type_is_reported_at_its_key(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    kind = root / "infrastructure-manager" / "interview-type.yaml"
    line = edit(kind, "duration_minutes: 30", "duration_minutes: half an hour")
    result = messages(root)
    assert result[0] == (
        f"{kind}:{line}: duration_minutes: "
        "Input should be a valid integer, unable to parse string as an integer"
    )


def test_bad_indentation_is_a_yaml_error_with_its_line(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric = root / "developer-advocate" / "rubric.yaml"
    line = edit(
        rubric,
        "    name: Past developer advocacy experience",
        "     name: Past developer advocacy experience",
    )
    result = messages(root)
    assert result[0] == f"{rubric}:{line}: yaml: mapping values are not allowed here"


def test_nested_wrong_value_and_unknown_field(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    kind = root / "software-engineer" / "interview-types.yaml"
    role_line = edit(kind, "  - role: shadow\n", "  - role: observer\n")
    typo_line = edit(kind, "guidance_during:\n  - Ask what they", "guidance_durin:\n  - Ask what they")
    assert messages(root) == [
        f"{kind}:{role_line}: panel.1.role: Input should be 'lead', 'interviewer' or 'shadow'",
        f"{kind}:{typo_line}: guidance_durin: unknown field (a typo?)",
    ]


def test_question_category_must_be_in_its_rubric(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    questions = root / "infrastructure-manager" / "questions.yaml"
    line = edit(questions, "category: operations\n", "category: operation\n")
    result = messages(root)
    assert result[0] == (
        f"{questions}:{line}: category: rubric 'infrastructure-manager' has no category 'operation' "
        "(one of: running-the-team, operations, strategy, team-member)"
    )


def test_duplicate_slug_across_files(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    extra = root / "software-engineer" / "zz-more.yaml"
    extra.write_text(
        "kind: question_set\nslug: swe-values\nname: Again\n"
        "rubric: software-engineer\nquestions: [swe-initiative]\n",
        encoding="utf-8",
    )
    original = root / "software-engineer" / "questions.yaml"
    first = line_of(original, "kind: question_set", after="slug: swe-deep-dive\n")
    assert messages(root) == [
        f"{extra}:2: slug: duplicate question_set slug 'swe-values' (first defined at {original}:{first})"
    ]


def test_loop_stage_with_unknown_interview_type_and_foreign_set(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "developer-advocate" / "loop.yaml"
    type_line = edit(loop, "interview_type: collaboration-session", "interview_type: collaboration")
    set_line = edit(loop, "question_sets: [da-teaching-kit]", "question_sets: [swe-values]")
    assert messages(root) == [
        f"{loop}:{set_line}: stages.2.question_sets.0: question set 'swe-values' is for rubric "
        "'software-engineer', this loop uses 'developer-advocate'",
        f"{loop}:{type_line}: stages.3.interview_type: unknown interview type 'collaboration' "
        "(did you mean 'collaboration-session'?)",
    ]


def test_cli_exit_codes_errors_and_warnings(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    questions = root / "software-engineer" / "questions.yaml"
    edit(questions, "covers: [collaboration]", "covers: [collaboration, code-quality]")
    runner = CliRunner()
    warned = runner.invoke(main, ["content", "validate", str(root)])
    assert warned.exit_code == 0, warned.output
    assert ": warning: questions: no question covers category 'code-quality'" in warned.output
    edit(questions, "slug: swe-initiative\nrubric: software-engineer", "slug: swe-initiative\nrubric: nope")
    failed = runner.invoke(main, ["content", "validate", str(root)])
    assert failed.exit_code == 1
    assert "rubric: unknown rubric 'nope'" in failed.output
    assert "questions.1: question 'swe-initiative' is from rubric 'nope'" in failed.output
    assert "loopbot: 2 error(s), 1 warning(s)" in failed.output


def test_missing_path_and_empty_documents(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text("---\n---\n", encoding="utf-8")
    (tmp_path / "list.yml").write_text("- 1\n- 2\n", encoding="utf-8")
    assert messages(tmp_path) == [
        f"{tmp_path / 'empty.yaml'}: warning: file: empty: no YAML documents in it",
        f"{tmp_path / 'list.yml'}:1: (document): a content document must be a mapping with a 'kind'",
    ]
    assert [str(p) for p in load_content([tmp_path / "nope"]).problems] == [
        f"{tmp_path / 'nope'}: file: no such file or directory"
    ]


def test_min_above_the_default_max_is_an_error(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    kind = root / "infrastructure-manager" / "interview-type.yaml"
    edit(kind, "    min: 1\n    max: 1\n", "    min: 2\n")
    result = messages(root)
    assert any(": panel.0.max: " in m and "max must be at least min" in m for m in result), result


def test_a_duplicate_key_in_a_list_is_reported_at_the_duplicate(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric = root / "infrastructure-manager" / "rubric.yaml"
    line = edit(
        rubric, "  - key: strategy\n", "  - key: operations\n"
    )  # the third category repeats the second
    assert messages(root) == [
        f"{rubric}:{line}: categories.2.key: category 'operations' appears more than once"
    ]


def test_a_question_listed_twice_in_a_set_is_reported_at_the_repeat(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    questions = root / "infrastructure-manager" / "questions.yaml"
    line = edit(
        questions,
        "  - im-automate-toil\n  - im-build-pipeline\n",
        "  - im-automate-toil\n  - im-cloud-and-self-hosted\n",
    )
    assert (
        f"{questions}:{line + 1}: questions.4: question 'im-cloud-and-self-hosted' appears more than once"
        in messages(root)
    )


def test_an_unknown_name_offers_the_near_miss_or_the_few_choices(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "software-engineer" / "loop.yaml"
    rubric = edit(loop, "rubric: software-engineer", "rubric: engineering")
    questions = root / "infrastructure-manager" / "questions.yaml"
    question = edit(questions, "  - im-automate-toil\n", "  - whatever\n")
    found = messages(root)
    # Six rubrics: all named. Twenty-odd questions: a list too long for one line, so none.
    assert (
        f"{loop}:{rubric}: rubric: unknown rubric 'engineering' (one of: collaboration, company-values, "
        "developer-advocate, infrastructure-manager, motivation-and-fit, software-engineer)"
    ) in found
    assert f"{questions}:{question}: questions.3: unknown question 'whatever'" in found
