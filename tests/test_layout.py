"""The layout is the architecture: who may import whom, read from the source (docs/architecture.md#layout)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "blocks", "models", "migrations")
APP_FACTORY = "bot/app.py"  # the one module that registers the handlers


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_no_module_of_bot_imports_handlers_but_the_app_factory() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m.split(".")[0] == "handlers")
        for p in _modules("bot")
        if str(p.relative_to(ROOT)) != APP_FACTORY
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_a_handler_imports_no_other_handler_module() -> None:
    shared = "handlers.replies"
    offenders = {}
    for p in _modules("handlers"):
        own = _name(p)
        others = {
            m
            for m in _imports(p)
            if m.startswith("handlers.") and m not in (own, shared) and not m.startswith(shared + ".")
        }
        if others:
            offenders[own] = sorted(others)
    assert offenders == {}


@pytest.mark.parametrize("layer", ["blocks", "models"])
def test_builders_and_models_import_no_handlers(layer: str) -> None:
    offenders = [p.name for p in _modules(layer) if any(m.startswith("handlers") for m in _imports(p))]
    assert offenders == []


def test_pure_logic_modules_touch_neither_sqlalchemy_sessions_nor_slack() -> None:
    offenders = {}
    for p in ROOT.glob("bot/**/*logic.py"):
        bad = sorted(
            m for m in _imports(p) if m.startswith(("slack_sdk", "slack_bolt", "sqlalchemy", "blocks"))
        )
        if bad:
            offenders[str(p.relative_to(ROOT))] = bad
    assert offenders == {}


def test_every_module_imports_on_its_own_without_a_cycle() -> None:
    """Each module imported first in a fresh interpreter: an import cycle fails whichever side comes first."""
    names = [_name(p) for package in PACKAGES for p in _modules(package) if p.name != "env.py"]
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        "for name in sys.argv[1:]:\n"
        "    for m in [k for k in sys.modules if k.split('.')[0] in PACKAGES]:\n"
        "        del sys.modules[m]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError as exc:\n"
        "        bad.append(f'{name}: {exc}')\n"
        "print('\\n'.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    ).replace("PACKAGES", repr(PACKAGES))
    done = subprocess.run(
        [sys.executable, "-c", script, *names], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
