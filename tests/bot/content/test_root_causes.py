"""A file that cannot be read is listed first, and the errors it causes elsewhere are held back behind it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.content.loader import load_content
from bot.content.root_causes import declared
from bot.content.schema import KINDS
from tests.support.content_files import copy_examples, edit, line_of

SYNTAX = "yaml: expected <block end>, but found '<scalar>' (while parsing a block collection)"


def _break_rubric(root: Path) -> tuple[Path, int]:
    """An unclosed quote in the software engineer rubric; the parser notices it on the next line."""
    rubric = root / "software-engineer" / "rubric.yaml"
    line = edit(rubric, '"Resolves ambiguity by asking, not assuming"', '"Resolves ambiguity: [by asking')
    return rubric, line + 1


def _errors_without(root: Path, path: Path) -> int:
    """How many errors the other files have when `path` is gone: what a broken `path` hides."""
    text = path.read_text(encoding="utf-8")
    path.unlink()
    try:
        return len(load_content([root]).errors)
    finally:
        path.write_text(text, encoding="utf-8")


def test_a_syntax_error_is_the_only_error_and_counts_what_it_hides(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric, line = _break_rubric(root)
    bundle = load_content([root])
    # Every question, set and the loop of that role name the rubric; none of them is listed.
    hidden = _errors_without(root, rubric)
    assert hidden > 10
    assert [str(p) for p in bundle.problems] == [f"{rubric}:{line}: {SYNTAX}"]
    assert bundle.problems[0].follows == hidden
    assert bundle.problems[0].lines()[1] == (
        f"  {hidden} more errors may follow from this one (they name items {rubric} defines): "
        "fix it first, then validate again"
    )


def test_errors_that_do_not_follow_are_still_listed_after_the_root_cause(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric, line = _break_rubric(root)
    loop = root / "infrastructure-manager" / "loop.yaml"
    typo = edit(loop, "[im-set-a, im-set-b, im-set-c]", "[im-set-a, im-set-bb, im-set-c]")
    # A name the broken file does not define is a mistake of its own.
    questions = root / "software-engineer" / "questions.yaml"
    nope = edit(
        questions, "slug: swe-initiative\nrubric: software-engineer", "slug: swe-initiative\nrubric: nope"
    )
    messages = [str(p) for p in load_content([root]).problems]
    assert messages[0] == f"{rubric}:{line}: {SYNTAX}"
    assert sorted(messages[1:]) == sorted(
        [
            f"{loop}:{typo}: stages.3.question_sets.1: unknown question set 'im-set-bb' "
            "(did you mean 'im-set-b'?)",
            # The choices are the rubrics that could be read: the broken one is not among them.
            f"{questions}:{nope + 1}: rubric: unknown rubric 'nope' (one of: collaboration, "
            "company-values, developer-advocate, infrastructure-manager, motivation-and-fit)",
        ]
    )


def test_an_error_late_in_a_file_hides_every_item_of_it(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    types = root / "software-engineer" / "interview-types.yaml"
    hidden = _errors_without(root, types)
    # The third document is broken; the file is checked as a whole before any document is read.
    line = edit(types, "slug: take-home-walkthrough\n", "slug: take-home-walkthrough\nname: [unclosed\n")
    bundle = load_content([root])
    assert "system-design" not in bundle.interview_types
    assert len(bundle.problems) == 1
    problem = bundle.problems[0]
    assert (problem.file, problem.path, problem.unread) == (str(types), "yaml", True)
    assert problem.line > line
    # The loop's stages (and the pool) that name the file's four types.
    assert hidden >= 4
    assert problem.follows == hidden


def test_each_unread_file_counts_its_own(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric, _ = _break_rubric(root)
    loop = root / "developer-advocate" / "loop.yaml"
    edit(loop, "slug: developer-advocate\n", "slug: developer-advocate\nname: [unclosed\n")
    bundle = load_content([root])
    assert [p.file for p in bundle.problems] == sorted([str(rubric), str(loop)])
    follows = {p.file: p.follows for p in bundle.problems}
    assert follows[str(rubric)] == _errors_without(root, rubric) - 1  # the loop's own error
    assert follows[str(loop)] == 0  # nothing names a loop


def test_cli_lists_the_root_cause_first_and_counts_one_error(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric, line = _break_rubric(root)
    # An error in a file that sorts before the broken one is still listed after it.
    early = root / "developer-advocate" / "loop.yaml"
    typo = edit(early, "interview_type: collaboration-session", "interview_type: colaboration")
    result = CliRunner().invoke(main, ["content", "validate", str(root)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{rubric}:{line}: {SYNTAX}"
    assert lines[1].startswith("  ")
    assert "more errors may follow from this one" in lines[1]
    assert lines[2] == (
        f"{early}:{typo}: stages.3.interview_type: unknown interview type 'colaboration' "
        "(did you mean 'collaboration-session'?)"
    )
    # The focus report would describe loops with items missing; it waits for a clean read.
    assert lines[3] == "what each stage assesses is shown once every file can be read"
    assert lines[-1] == "loopbot: 2 error(s), 0 warning(s)"


def test_a_refused_file_is_a_root_cause_too(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    rubric = root / "software-engineer" / "rubric.yaml"
    edit(rubric, "kind: rubric\n", "kind: &k rubric\n")
    bundle = load_content([root])
    assert len(bundle.problems) == 1
    assert bundle.problems[0].path == "yaml"
    assert "anchors and aliases" in bundle.problems[0].message
    assert bundle.problems[0].follows == _errors_without(root, rubric)
    assert (
        bundle.problems[0]
        .lines()[1]
        .startswith(f"  {bundle.problems[0].follows} more errors may follow from this one")
    )


def test_declared_reads_kind_and_slug_lines_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "kind: rubric\n"
        "slug: 'one'  # a comment\n"
        "categories: [unclosed\n"
        "---\n"
        'kind: "question"\n'
        "slug: two\n"
        "  slug: nested-is-not-a-slug\n"
        "---\n"
        "kind: [broken\n"
        "slug: three\n",
        encoding="utf-8",
    )
    found = declared(path)
    assert ("rubric", "one") in found
    assert ("question", "two") in found
    assert not any(slug == "nested-is-not-a-slug" for _, slug in found)
    # A kind that cannot be read could be any kind.
    assert {(kind, "three") for kind in KINDS} <= found
    assert declared(tmp_path / "missing.yaml") == set()


def test_without_an_unread_file_nothing_is_held_back(tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    loop = root / "software-engineer" / "loop.yaml"
    edit(loop, "interview_type: pairing-exercise", "interview_type: pairing")
    line = line_of(loop, "interview_type: pairing\n")
    problems = load_content([root]).problems
    assert [str(p) for p in problems] == [
        f"{loop}:{line}: stages.5.interview_type: unknown interview type 'pairing' "
        "(did you mean 'pairing-exercise'?)"
    ]
    assert problems[0].follows == 0
    assert not problems[0].unread
