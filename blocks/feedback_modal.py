"""The feedback modal as sent to views.open, from a cache of the blocks each kit renders to.

slack_sdk validates every object again on each `to_dict()`; for a scorecard of a hundred options
that is most of the CPU of opening the modal. Only the intro (interview, candidate, draft state),
the View frame (private_metadata) and the parts a draft fills in differ between opens, so the rest
is built with blocks.feedback, serialised and checked once per kit, rubric and layout, and reused.
The result equals `blocks.feedback.feedback_view(...)` for the same inputs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from blocks import limits
from blocks.feedback import LAYOUTS, Part, frame, intro, parts
from bot.feedback.focus_logic import Category, Signal, checklist
from bot.feedback.logic import FeedbackForm, scale
from models import Interview, PanelSeat

# Kits are shared by every interview of a type; a kit takes one template per layout tried. A
# template holds its blocks serialised: ~40 KiB for a five-question kit, ~500 KiB for thirty.
TEMPLATES = 64

Blocks = list[dict[str, Any]]


@dataclass(frozen=True)
class Template:
    """One layout of one kit: its parts, each with its blocks serialised for an empty form."""

    parts: tuple[tuple[Part, Blocks], ...]
    count: int
    refused: str  # why the layout cannot be used whatever the form (a LimitError), else ""

    @classmethod
    def of(cls, layout_parts: list[Part]) -> Template:
        empty = FeedbackForm()
        built = tuple((p, [b.to_dict() for b in p.build(empty)]) for p in layout_parts)
        blocks = [b for _, dicts in built for b in dicts]
        if len(blocks) >= limits.VIEW_BLOCKS:  # no room left for the intro
            return cls((), len(blocks), f"{len(blocks)} blocks below the intro")
        try:
            limits.check_blocks(blocks)
        except limits.LimitError as e:
            return cls((), len(blocks), str(e))  # a layout refused for every form keeps nothing
        return cls(built, len(blocks), "")


class TemplateCache:
    """A bounded, thread-safe LRU of templates (listeners run on several threads)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[bytes, str], Template] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[bytes, str], build: Callable[[], Template]) -> Template:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = build()  # outside the lock: a race builds the same template twice, harmlessly
        with self._lock:
            self._items[key] = made
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


templates = TemplateCache(TEMPLATES)


def kit_key(
    kit: dict[str, Any],
    categories: Sequence[Category],
    rubric: dict[str, Any],
    signals: Sequence[Signal] = (),
) -> bytes:
    """A digest of everything the cached parts are built from."""
    inputs = {
        "kit": kit,
        "categories": [[c.key, c.name, c.description] for c in categories],
        "scale": scale(rubric),
        "checklist": [[s.id, s.text, s.group] for s in signals],
    }
    text = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).digest()


def _template(
    categories: Sequence[Category],
    rubric: dict[str, Any],
    kit: dict[str, Any],
    layout: str,
    signals: Sequence[Signal],
) -> Template:
    # The template outlives this request: keep its own copy of the kit, not the ORM row's.
    kept = copy.deepcopy(kit)
    return Template.of(parts(list(categories), copy.deepcopy(rubric), kept, layout, list(signals)))


def _fits(blocks: Blocks) -> bool:
    try:
        limits.check_blocks(blocks)
    except limits.LimitError:
        return False
    return True


def _blocks(template: Template, form: FeedbackForm) -> Blocks:
    out: Blocks = []
    for part, cached in template.parts:
        if part.touched(form):
            fresh = [b.to_dict() for b in part.build(form)]
            limits.check_blocks(fresh)
            out.extend(fresh)
        else:
            out.extend(cached)
    return out


def feedback_modal(
    interview: Interview,
    seat: PanelSeat,
    categories: Sequence[Category],
    form: FeedbackForm | None = None,
    status_line: str = "",
    submitted: bool = False,
) -> limits.CheckedView:
    """The scorecard modal for one panelist, serialised and checked; equal to `feedback_view(...)`."""
    form = form or FeedbackForm()
    rubric = interview.candidate_loop.rubric
    signals = checklist(interview.guidance, categories, seat.kit)
    key = kit_key(seat.kit, categories, rubric, signals)
    top = [b.to_dict() for b in intro(interview, status_line)]
    fits = _fits(top)
    for layout in LAYOUTS if fits else ():
        build = partial(_template, categories, rubric, seat.kit, layout, signals)
        template = templates.get((key, layout), build)
        if template.refused or len(top) + template.count > limits.VIEW_BLOCKS:
            continue
        try:
            return limits.CheckedView([*top, *_blocks(template, form)], **frame(interview, seat, submitted))
        except limits.LimitError:
            continue
    raise limits.LimitError(f"the kit of {seat.user_id} on interview {interview.id} does not fit a modal")
