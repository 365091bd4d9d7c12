"""Trivial stand-ins for the block builders (owned by other areas) where they do not exist yet."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from blocks.message import Message


def _prep_messages(interview: Any, seat: Any, now: Any) -> list[Message]:
    return [Message(text=f"prep {interview.id} {seat.user_id}")]


STUBS: dict[str, dict[str, Any]] = {
    "blocks.prep": {
        "prep_messages": _prep_messages,
        "prep_nudge": lambda interview, seat: Message(text=f"nudge {interview.id} {seat.user_id}"),
        "feedback_request": lambda interview, seat: Message(text=f"feedback {interview.id} {seat.user_id}"),
        "feedback_reminder": lambda interview, seat, nth: Message(text=f"reminder{nth} {interview.id}"),
        "notice": lambda text: Message(text=text),
    },
    "blocks.digest": {
        "digest_message": lambda cl, feedback, now: Message(text=f"digest {cl.id} {len(feedback)}"),
        "scorecard_reply": lambda cl, interview, fb: Message(text=f"scorecard {fb.id}"),
        "escalation": lambda cl, late, now: Message(text="late: " + ",".join(u for _, u in late)),
    },
}


def install(monkeypatch: Any = None) -> list[str]:
    """Add each builder that is missing (undone after the test when given pytest's monkeypatch)."""
    import blocks

    def put(obj: Any, name: str, value: Any) -> None:
        if monkeypatch is None:
            setattr(obj, name, value)
        else:
            monkeypatch.setattr(obj, name, value, raising=False)

    stubbed = []
    for module_name, functions in STUBS.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = types.ModuleType(module_name)
            if monkeypatch is None:
                sys.modules[module_name] = module
            else:
                monkeypatch.setitem(sys.modules, module_name, module)
            put(blocks, module_name.split(".")[1], module)
        for name, fn in functions.items():
            if not hasattr(module, name):
                put(module, name, fn)
                stubbed.append(f"{module_name}.{name}")
    return stubbed
