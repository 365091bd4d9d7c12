"""What one interview assesses, read from its scheduling-time snapshots. Pure: no Slack, no SQL.

An interview is rated on the categories its panelist's questions probe (a kit); without questions, on
its focus: its stage's `focus` (in the candidate loop's rubric snapshot), else its type's (in the
interview's guidance). Snapshots from before focus existed have neither: such an interview is rated
on every category of the loop's rubric, as it always was. Without questions, the form's checklist is
what the type looks for and the attributes of the focus categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models.hiring import PanelRole

SHORT_WIDTH = 20  # a default short label, at most; content may give one of up to 24 characters
LOOK_FOR = "What to look for"


@dataclass(frozen=True)
class Category:
    """A category a form rates: `short` labels it in the digest, `rubric` says whose it is."""

    key: str
    name: str
    description: str = ""
    short: str = ""
    rubric: str = ""
    rubric_name: str = ""
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signal:
    """A signal the form offers as a checkbox; `id` is what the feedback row stores.

    A question's great-answer or negative signal ("great:<question>:<n>"), or an item of the checklist
    of an interview without questions: what its type looks for ("look:<n>") and the attributes of its
    focus categories ("attr:<category>:<n>"), listed under `group`.
    """

    id: str
    kind: str  # "great" | "negative" | "look" | "attribute"
    text: str
    group: str = ""


def short_label(name: str, width: int = SHORT_WIDTH) -> str:
    """A category's label for the digest's matrix: its name, shortened at a word boundary if need be."""
    text = name.strip().rstrip("?").strip() or name
    if len(text) <= width:
        return text
    kept = ""
    for word in text.split():
        longer = f"{kept} {word}".strip()
        if len(longer) > width - 1:
            break
        kept = longer
    return (kept or text[: width - 1]) + "…"


def rubric_categories(rubric: dict[str, Any]) -> list[Category]:
    """The categories of a rubric snapshot (a candidate loop's, or a type's own), in rubric order."""
    slug, title = str(rubric.get("slug") or ""), str(rubric.get("name") or "")
    out = []
    for c in rubric.get("categories", []):
        name = str(c.get("name") or c["key"])
        out.append(
            Category(
                key=str(c["key"]),
                name=name,
                description=str(c.get("description") or ""),
                short=str(c.get("short") or short_label(name)),
                rubric=str(c.get("rubric") or slug),
                rubric_name=title,
                attributes=tuple(str(a) for a in c.get("attributes") or []),
            )
        )
    return out


def kit_categories(kit: dict[str, Any], known: Sequence[Category]) -> list[Category]:
    """Categories the kit's questions probe, in the order of `known` (unknown ones after, by their name)."""
    asked = list(dict.fromkeys(k for k in (str(q.get("category_key") or "") for q in kit["questions"]) if k))
    names = {str(q.get("category_key")): str(q.get("category_name") or "") for q in kit["questions"]}
    by_key = {c.key: c for c in known}
    ordered = [c for c in known if c.key in asked]
    extra = [k for k in asked if k not in by_key]
    return ordered + [
        Category(key=k, name=names.get(k) or k, short=short_label(names.get(k) or k)) for k in extra
    ]


def pool(rubric: dict[str, Any], guidance: dict[str, Any]) -> list[Category]:
    """What an interview may be rated on: the loop's rubric's categories, then its type's own rubric's."""
    found: dict[str, Category] = {}
    own = guidance.get("rubric") or {}
    for c in [*rubric_categories(rubric), *rubric_categories(own)]:
        found.setdefault(c.key, c)
    return list(found.values())


def focus_keys(rubric: dict[str, Any], guidance: dict[str, Any], stage_key: str) -> list[str] | None:
    """The category keys an interview's focus names: its stage's, else its type's; None without."""
    stage: dict[str, Any] = next((s for s in rubric.get("stages") or [] if s.get("key") == stage_key), {})
    for keys in (stage.get("focus"), guidance.get("focus")):
        if keys:
            return [str(k) for k in keys]
    return None


def interview_focus(
    rubric: dict[str, Any], guidance: dict[str, Any], stage_key: str
) -> list[Category] | None:
    """The focus categories of an interview, in scorecard order; None when it has no (known) focus."""
    keys = focus_keys(rubric, guidance, stage_key)
    chosen = [c for c in pool(rubric, guidance) if c.key in (keys or ())]
    return chosen or None


def form_categories(
    kit: dict[str, Any], rubric: dict[str, Any], guidance: dict[str, Any], stage_key: str
) -> list[Category]:
    """What one panelist rates: their questions' categories, else the focus, else all (as before focus)."""
    everything = pool(rubric, guidance)
    if kit.get("questions"):
        return kit_categories(kit, everything)
    focus = interview_focus(rubric, guidance, stage_key)
    if focus is not None:
        return focus
    return rubric_categories(rubric)


def checklist(guidance: dict[str, Any], categories: Sequence[Category], kit: dict[str, Any]) -> list[Signal]:
    """The signal checkboxes of a form without questions: what to look for, then category attributes."""
    if kit.get("questions"):
        return []
    items = [
        Signal(f"look:{n}", "look", str(t), LOOK_FOR) for n, t in enumerate(guidance.get("look_for") or [])
    ]
    for c in categories:
        items += [Signal(f"attr:{c.key}:{n}", "attribute", t, c.name) for n, t in enumerate(c.attributes)]
    seen: set[str] = set()
    kept = []
    for item in items:  # an attribute worded like a look-for item is offered once
        text = " ".join(item.text.lower().split())
        if text and text not in seen:
            seen.add(text)
            kept.append(item)
    return kept


def follows_lead(role: str, guidance: dict[str, Any]) -> bool:
    """Whether a panelist without questions follows the lead's plan: a shadow, or where the lead drives."""
    return role == PanelRole.SHADOW or (role == PanelRole.INTERVIEWER and bool(guidance.get("lead_drives")))


def stage_position(rubric: dict[str, Any], stage_key: str) -> int:
    """Where a stage comes in its loop (the digest's column order); after every stage when unknown."""
    keys = [str(s.get("key")) for s in rubric.get("stages") or []]
    return keys.index(stage_key) if stage_key in keys else len(keys)
