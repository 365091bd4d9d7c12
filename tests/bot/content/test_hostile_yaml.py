"""Hostile YAML is refused at its line before anything is built: aliases, deep nesting, size, node count."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.content import yamlsrc
from bot.content.loader import load_content
from bot.content.schedule_file import load_schedule

# 629 bytes that used to expand to billions of strings (9 aliases per level, 9 levels).
ALIAS_BOMB = "kind: rubric\nslug: bomb\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 9)}]\n" for n in range(1, 9)
)


def write(tmp_path: Path, text: str, name: str = "content.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def only_error(path: Path) -> str:
    bundle = load_content([path])
    [problem] = bundle.errors
    return str(problem)


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    path = write(tmp_path, ALIAS_BOMB)
    assert only_error(path) == f"{path}:3: yaml: {yamlsrc.NO_ALIASES}"


def test_a_merge_key_alias_is_refused_too(tmp_path: Path) -> None:
    path = write(tmp_path, "base: &b {a: 1}\nkind: rubric\n<<: *b\n")
    assert only_error(path) == f"{path}:1: yaml: {yamlsrc.NO_ALIASES}"


def test_a_schedule_file_alias_bomb_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, ALIAS_BOMB.replace("kind: rubric\nslug: bomb\n", "candidate: X\n"), "s.yaml")
    request, _doc, problems = load_schedule(path)
    assert request is None
    assert [str(p) for p in problems] == [f"{path}:2: yaml: {yamlsrc.NO_ALIASES}"]


def test_deep_nesting_is_refused_at_the_line_it_goes_too_deep(tmp_path: Path) -> None:
    text = "kind: rubric\nslug: deep\nx: " + "[" * 5000 + "]" * 5000 + "\n"  # crashed validate before
    path = write(tmp_path, text)
    assert only_error(path) == f"{path}:3: yaml: nested more than {yamlsrc.MAX_DEPTH} levels deep"


def test_nesting_up_to_the_limit_is_read(tmp_path: Path) -> None:
    inner = "[" * (yamlsrc.MAX_DEPTH - 1) + "]" * (yamlsrc.MAX_DEPTH - 1)
    path = write(tmp_path, f"kind: nope\nslug: x\nx: {inner}\n")
    assert "unknown kind 'nope'" in only_error(path)  # read, then judged on its content


def test_a_file_over_the_size_cap_is_refused_without_parsing(tmp_path: Path) -> None:
    path = write(tmp_path, "kind: rubric\n" + "# padding\n" * (yamlsrc.MAX_FILE_BYTES // 10))
    assert only_error(path) == f"{path}: file: larger than 128 KiB: split it into several files"


def test_too_many_values_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "kind: rubric\nslug: many\nx: [" + "1," * yamlsrc.MAX_NODES + "1]\n")
    assert only_error(path) == f"{path}:3: yaml: more than {yamlsrc.MAX_NODES} values: split the file"


def test_a_scalar_document_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path, "# notes\n\n\n---\njust a sentence\n")
    assert only_error(path) == f"{path}:5: (document): a content document must be a mapping with a 'kind'"


def test_a_missing_path_is_named_without_a_line_zero(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    assert only_error(missing) == f"{missing}: file: no such file or directory"


def test_an_empty_file_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "# nothing yet\n")
    bundle = load_content([path])
    assert bundle.errors == []
    assert [str(w) for w in bundle.warnings] == [f"{path}: warning: file: empty: no YAML documents in it"]


@pytest.mark.parametrize("text", [ALIAS_BOMB, "x: " + "[" * 3000 + "]" * 3000])
def test_content_validate_answers_with_one_line_and_exit_1(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    result = CliRunner().invoke(main, ["content", "validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:" in result.output
    assert "Traceback" not in result.output
