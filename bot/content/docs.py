"""examples/content/README.md: the format's guide, with every field of every kind read from the schema.

The field tables come from the pydantic models' field descriptions, so the documentation cannot drift
from what `content validate` accepts (`loopbot content docs -o examples/content/README.md`).
"""

from __future__ import annotations

import types
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from bot.content.docs_text import GUIDE, TAIL
from bot.content.schema import KINDS
from bot.content.schema_parts import SLUG_PATTERN

PATTERNS = {
    SLUG_PATTERN: "slug",
    r"^([UW][A-Z0-9]{2,31})?$": "Slack user id",
    r"^([CG][A-Z0-9]{2,31})?$": "Slack channel id",
}
SCALARS = {str: "text", int: "integer", bool: "true / false"}


def models() -> list[type[BaseModel]]:
    """Every model a content document is made of: the kinds, then nested models as they first appear."""
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in found:
            return
        found.append(model)
        for field in model.model_fields.values():
            for nested in _nested(field.annotation):
                visit(nested)

    for model in KINDS.values():
        visit(model)
    return found


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested(arg)]


def _pattern(meta: list[Any]) -> str | None:
    for item in meta:
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            return PATTERNS.get(pattern)
        if isinstance(item, FieldInfo):
            return _pattern(item.metadata)
    return None


def type_name(annotation: Any, meta: list[Any] | None = None) -> str:
    """How the guide names a field's type."""
    named = _pattern(meta or [])
    origin, args = get_origin(annotation), get_args(annotation)
    if named:
        return named
    if origin is Annotated:
        return type_name(args[0], list(args[1:]))
    if origin in (Union, types.UnionType):
        return " or ".join(type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is Literal:
        return " or ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return " or ".join(f"`{m.value}`" for m in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation.__name__
    return SCALARS.get(annotation, getattr(annotation, "__name__", str(annotation)))


def default_text(field: FieldInfo) -> str:
    """'required', or the default as YAML would spell it."""
    if field.is_required():
        return "required"
    value = field.default_factory() if field.default_factory else field.default  # type: ignore[call-arg]
    if value is PydanticUndefined or value is None:
        return "none"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[]" if not value else "see description"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(model: type[BaseModel]) -> list[str]:
    """The markdown table of one model's fields."""
    lines = ["| Field | Type | Default | What it is |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        what = _cell(field.description or "")
        kind = type_name(field.annotation, list(field.metadata))
        shown = field.alias or name  # `with`, not the attribute `with_`
        lines.append(f"| `{shown}` | {_cell(kind)} | {_cell(default_text(field))} | {what} |")
    return lines


def heading(model: type[BaseModel]) -> str:
    kind = next((k for k, m in KINDS.items() if m is model), None)
    return f"### `kind: {kind}`" if kind else f"### {model.__name__}"


def undocumented() -> list[str]:
    """`Model.field` for every field without a description (the test wants none)."""
    return [
        f"{model.__name__}.{name}"
        for model in models()
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]


def guide() -> str:
    """The whole of examples/content/README.md."""
    parts = [GUIDE.strip(), "## Every field"]
    for model in models():
        doc = (model.__doc__ or "").strip()
        if doc.startswith("`kind: "):
            doc = doc.split(": ", 2)[-1]  # the heading names the kind already
            doc = doc[:1].upper() + doc[1:]
        parts.append("\n".join([heading(model), "", doc, "", *table(model)]))
    parts.append(TAIL.strip())
    return "\n\n".join(parts) + "\n"
