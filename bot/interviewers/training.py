"""How far a trainee's ratings agree with the qualified interviewer's: pure, no database, no Slack.

Both scorecards rate categories on the candidate loop's scale (its rubric snapshot, worst level first).
A category is compared only when both rated it on that scale: "no signal", a missing rating or a level
the scale does not know on either side leaves it out, so saying nothing never counts for or against.
"Close" means at most one step apart AND on the same side of the scale's middle, so an exact match is
close too but "No" against "Yes" is not: one step across the hire line is a disagreement that matters
(on a 2-level scale, opposite ratings are never close). An even scale's middle lies between its two
central levels; an odd scale's central level (e.g. "Mixed" of five) leans neither way, so it is on both
sides: one step from it in either direction is close.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Agreement:
    """One category both rated: the two levels (keys) and how near they are."""

    key: str
    name: str
    trainee: str
    qualified: str
    exact: bool
    close: bool

    def as_dict(self) -> dict[str, Any]:
        """The form TrainingSession.details stores."""
        return {
            "key": self.key,
            "name": self.name,
            "trainee": self.trainee,
            "qualified": self.qualified,
            "exact": self.exact,
            "close": self.close,
        }


@dataclass(frozen=True)
class Comparison:
    """Every compared category, in the order given, with the totals a TrainingSession keeps."""

    categories: tuple[Agreement, ...]

    @property
    def compared(self) -> int:
        return len(self.categories)

    @property
    def exact(self) -> int:
        return sum(1 for c in self.categories if c.exact)

    @property
    def close(self) -> int:
        return sum(1 for c in self.categories if c.close)

    def details(self) -> list[dict[str, Any]]:
        return [c.as_dict() for c in self.categories]


def scale_keys(rubric: Mapping[str, Any]) -> list[str]:
    """The level keys of a rubric snapshot's scale, worst first ("no signal" is not a level)."""
    return [str(level["key"]) for level in rubric.get("scale") or []]


def same_side(size: int, a: int, b: int) -> bool:
    """Whether levels `a` and `b` (0 = worst) of a `size`-level scale are on the same side of its middle."""
    half, odd = divmod(size, 2)
    if odd and half in (a, b):
        return True  # the central level of an odd scale is on both sides
    return (a < half) == (b < half)


def close(size: int, a: int, b: int) -> bool:
    """At most one step apart and on the same side of the middle (exact is close)."""
    return abs(a - b) <= 1 and same_side(size, a, b)


def compare(
    scale: Sequence[str],
    names: Mapping[str, str],
    trainee: Mapping[str, Any],
    qualified: Mapping[str, Any],
) -> Comparison:
    """Compare two scorecards' ratings ({category: level key}) category by category.

    `names` gives the categories in display order with their names; a category both rated that `names`
    does not know is still compared, after the known ones, under its key.
    """
    step = {key: n for n, key in enumerate(scale)}
    order = [*names, *sorted(k for k in trainee if k not in names and k in qualified)]
    found = []
    for key in order:
        mine, theirs = str(trainee.get(key, "")), str(qualified.get(key, ""))
        if mine not in step or theirs not in step:
            continue
        a, b = step[mine], step[theirs]
        found.append(Agreement(key, names.get(key, key), mine, theirs, a == b, close(len(scale), a, b)))
    return Comparison(tuple(found))
