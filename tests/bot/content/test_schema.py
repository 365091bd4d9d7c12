"""The JSON Schema for editors is exported from the pydantic models and committed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.cli.content import schema_text
from tests.support.content_files import EXAMPLES


def test_committed_schema_equals_the_export() -> None:
    committed = (EXAMPLES / "loopbot.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: loopbot content schema -o examples/content/loopbot.schema.json"


def test_cli_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["content", "schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    kinds = {
        schema["$defs"][ref["$ref"].split("/")[-1]]["properties"]["kind"]["const"] for ref in schema["oneOf"]
    }
    assert kinds == {"rubric", "question", "question_set", "interview_type", "loop", "interviewer_pool"}
    assert schema["$defs"]["QuestionDoc"]["additionalProperties"] is False
    assert "prompt" in schema["$defs"]["QuestionDoc"]["required"]


def test_an_unwritable_output_path_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "schema.json"
    result = CliRunner().invoke(main, ["content", "schema", "-o", str(target)])
    assert result.exit_code == 1
    assert result.output == f"loopbot: cannot write {target}: No such file or directory\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)
