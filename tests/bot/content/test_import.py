"""Importing content upserts by slug in one transaction; importing the same files again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.cli import main
from bot.content.importer import ContentImportError, import_bundle
from bot.content.loader import load_content
from models import Base, Loop, Question, QuestionSet, Rubric
from tests.support.content_files import EXAMPLES, copy_examples, edit

CONTENT_TABLES = [
    "rubrics",
    "rubric_categories",
    "questions",
    "question_sets",
    "question_set_items",
    "interview_types",
    "loops",
    "loop_stages",
    "stage_question_sets",
]


def snapshot(session: Session) -> dict[str, list[Any]]:
    tables = Base.metadata.tables
    return {
        name: [tuple(row) for row in session.execute(select(tables[name]).order_by(tables[name].c.id))]
        for name in CONTENT_TABLES
    }


def test_examples_import_with_their_structure(session: Session) -> None:
    report = import_bundle(session, load_content([EXAMPLES]))
    assert report.counts["loops"]["created"] == 3
    assert report.counts["questions"]["created"] == 25
    loop = session.scalars(select(Loop).where(Loop.slug == "infrastructure-manager")).one()
    assert loop.rubric.slug == "infrastructure-manager"
    assert [c.key for c in loop.rubric.categories] == [
        "running-the-team",
        "operations",
        "strategy",
        "team-member",
    ]
    team = next(s for s in loop.stages if s.key == "team-interviews")
    assert [a.question_set.slug for a in team.alternatives] == ["im-set-a", "im-set-b", "im-set-c"]
    assert team.interview_type is not None
    assert team.interview_type.duration_minutes == 30
    kit = session.scalars(select(QuestionSet).where(QuestionSet.slug == "im-set-a")).one()
    assert [i.question.slug for i in kit.items][-1] == "im-build-pipeline"
    backup = kit.items[-1].question
    assert backup.is_backup
    assert "cloud and self-hosted" in backup.backup_when
    assert backup.category.key == "running-the-team"
    assert [s.key for s in loop.stages][-1] == "references"
    assert loop.stages[-1].interview_type_id is None


def test_importing_twice_changes_nothing(session: Session) -> None:
    bundle = load_content([EXAMPLES])
    import_bundle(session, bundle)
    session.flush()
    before = snapshot(session)
    report = import_bundle(session, load_content([EXAMPLES]))
    assert report.changed == 0, str(report)
    assert snapshot(session) == before


def test_edits_update_in_place_and_keep_ids(session: Session, tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    import_bundle(session, load_content([root]))
    question = session.scalars(select(Question).where(Question.slug == "im-automate-toil")).one()
    rubric = session.scalars(select(Rubric).where(Rubric.slug == "infrastructure-manager")).one()
    ids = {c.key: c.id for c in rubric.categories}
    qid = question.id

    edit(
        root / "infrastructure-manager" / "questions.yaml",
        "Tell us about a tedious manual",
        "Describe a dull manual",
    )
    rubric_file = root / "infrastructure-manager" / "rubric.yaml"
    text = rubric_file.read_text()
    # Swap two categories: positions are unique, so this needs the parking step.
    ops = text[text.index("  - key: operations") : text.index("  - key: strategy")]
    strategy = text[text.index("  - key: strategy") : text.index("  - key: team-member")]
    rubric_file.write_text(text.replace(ops + strategy, strategy + ops))
    loop_file = root / "infrastructure-manager" / "loop.yaml"
    edit(loop_file, "[im-set-a, im-set-b, im-set-c]", "[im-set-c, im-set-a]")
    edit(
        loop_file,
        "  - key: leadership\n    name: Leadership interview\n    required: false\n"
        "    interview_type: leadership-interview\n",
        "",
    )

    report = import_bundle(session, load_content([root]))
    assert report.counts["questions"]["updated"] == 1
    assert report.counts["rubrics"]["updated"] == 1
    assert report.counts["loops"]["updated"] == 1
    session.expire_all()
    question = session.get_one(Question, qid)
    assert question.prompt.startswith("Describe a dull manual")
    rubric = session.scalars(select(Rubric).where(Rubric.slug == "infrastructure-manager")).one()
    assert [c.key for c in rubric.categories] == ["running-the-team", "strategy", "operations", "team-member"]
    assert {c.key: c.id for c in rubric.categories} == ids
    loop = session.scalars(select(Loop).where(Loop.slug == "infrastructure-manager")).one()
    assert "leadership" not in [s.key for s in loop.stages]
    team = next(s for s in loop.stages if s.key == "team-interviews")
    assert [a.question_set.slug for a in team.alternatives] == ["im-set-c", "im-set-a"]


def test_import_is_all_or_nothing(session: Session, tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    import_bundle(session, load_content([root]))
    session.commit()  # a savepoint: the state the failed import must leave behind
    before = snapshot(session)
    rubric_file = root / "infrastructure-manager" / "rubric.yaml"
    edit(rubric_file, "name: Infrastructure manager\n", "name: Infra boss\n")
    text = rubric_file.read_text()
    # Drop a category that questions already in the database still use; only the rubric file is imported.
    rubric_file.write_text(
        text[: text.index("  - key: operations")] + text[text.index("  - key: strategy") :]
    )
    bundle = load_content([rubric_file])
    assert bundle.problems == []
    with pytest.raises(ContentImportError, match="category 'operations' is still used by question"):
        import_bundle(session, bundle)
    session.rollback()
    assert snapshot(session) == before


def test_a_category_renamed_in_the_rubric_and_its_questions_imports(session: Session, tmp_path: Path) -> None:
    root = copy_examples(tmp_path)
    import_bundle(session, load_content([root]))
    folder = root / "infrastructure-manager"
    edit(folder / "rubric.yaml", "  - key: operations\n", "  - key: ops\n")
    questions = folder / "questions.yaml"
    moved = questions.read_text().count("category: operations")
    questions.write_text(questions.read_text().replace("category: operations", "category: ops"))
    edit(folder / "interview-type.yaml", "running-the-team, operations,", "running-the-team, ops,")
    bundle = load_content([root])
    assert bundle.problems == []
    import_bundle(session, bundle)  # refused before: the old category was checked before questions moved
    session.expire_all()
    rubric = session.scalars(select(Rubric).where(Rubric.slug == "infrastructure-manager")).one()
    keys = [c.key for c in rubric.categories]
    assert "ops" in keys
    assert "operations" not in keys
    assert [c.position for c in rubric.categories] == list(range(len(keys)))
    ops = next(c for c in rubric.categories if c.key == "ops")
    assert moved > 0
    assert len(session.scalars(select(Question).where(Question.category_id == ops.id)).all()) == moved


def test_cli_import_and_if_empty(fresh_engine: Engine, tmp_path: Path) -> None:
    url = fresh_engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    first = runner.invoke(main, ["content", "import", "--if-empty", str(EXAMPLES)], env={"DATABASE_URL": url})
    assert first.exit_code == 0, first.output
    assert "loops: 3 created" in first.output
    second = runner.invoke(
        main, ["content", "import", "--if-empty", str(EXAMPLES)], env={"DATABASE_URL": url}
    )
    assert second.exit_code == 0
    assert "already has loops; nothing imported" in second.output
    again = runner.invoke(main, ["content", "import", str(EXAMPLES)], env={"DATABASE_URL": url})
    assert "loops: 0 created, 0 updated, 3 unchanged" in again.output

    root = copy_examples(tmp_path)
    edit(root / "software-engineer" / "loop.yaml", "rubric: software-engineer", "rubric: nope")
    bad = runner.invoke(main, ["content", "import", str(root)], env={"DATABASE_URL": url})
    assert bad.exit_code == 1
    assert "rubric: unknown rubric 'nope'" in bad.output
    assert "nothing imported" in bad.output
