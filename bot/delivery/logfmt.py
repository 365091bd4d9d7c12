"""key=value log fields, quoted when needed, so delivery logs can be grepped and parsed."""

from __future__ import annotations


def kv(**fields: object) -> str:
    """Render fields as `a=1 b="two words"` in the order given."""
    out = []
    for key, value in fields.items():
        text = "" if value is None else str(value)
        if not text or any(ch in text for ch in ' "='):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        out.append(f"{key}={text}")
    return " ".join(out)
