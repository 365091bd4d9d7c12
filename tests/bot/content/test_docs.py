"""examples/content/README.md is generated from the schema's field descriptions, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import Field

from bot.cli import main
from bot.content import docs
from bot.content.schema_parts import Item
from tests.support.content_files import EXAMPLES

README = EXAMPLES / "README.md"


def test_the_committed_guide_is_the_generated_one() -> None:
    committed = README.read_text(encoding="utf-8")
    assert committed == docs.guide(), "run: loopbot content docs -o examples/content/README.md"


def test_every_field_of_every_kind_has_a_description_and_a_row() -> None:
    assert docs.undocumented() == []
    guide = docs.guide()
    for model in docs.models():
        assert docs.heading(model) in guide
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in guide, f"{model.__name__}.{name}"


def test_a_field_without_a_description_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    class Nested(Item):
        """A nested item."""

        said: str = Field("", description="Described.")
        silent: int = 0

    class Thing(Item):
        """A kind."""

        parts: list[Nested] = Field(default_factory=list, description="Nested items.")

    monkeypatch.setattr(docs, "KINDS", {"thing": Thing})
    assert docs.undocumented() == ["Nested.silent"]


def test_the_guide_explains_focus_type_rubrics_and_checklists() -> None:
    guide = docs.guide()
    for heading in (
        "## Focus: what each interview assesses",
        "## Rubrics of interview types",
        "## Checklists",
    ):
        assert heading in guide
    assert "| `focus` | list of slug | none |" in guide
    assert "| `lead_drives` | true / false | false |" in guide
    assert "| `role` | `lead` or `interviewer` or `shadow` | required |" in guide


def test_the_cli_prints_and_writes_the_guide(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(main, ["content", "docs"])
    assert printed.exit_code == 0
    assert printed.output == docs.guide()
    target = tmp_path / "README.md"
    assert runner.invoke(main, ["content", "docs", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == docs.guide()
