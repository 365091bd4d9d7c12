"""What scheduling a file again would change: the differences between a scheduled loop and a request.

Pure: plain values in, a list of changes out. `loopbot schedule` shows them when the same candidate is
scheduled on the same loop twice, and `--update` applies the moves and reassignments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Booked:
    """One interview as it stands (or as requested): its stage, start, length and panel (user, role)."""

    stage: str
    start: datetime
    minutes: int
    panel: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Change:
    """One difference; `index` is the position of the interview in the scheduled loop (None: added)."""

    kind: str  # "move" | "reassign" | "add" | "remove" | "length"
    index: int | None
    text: str
    start: datetime | None = None
    old_user: str = ""
    new_user: str = ""

    @property
    def applicable(self) -> bool:
        """Moves and reassignments can be applied to the scheduled loop; the rest needs a person."""
        return self.kind in ("move", "reassign")


def _pairs(
    old: Sequence[Booked], new: Sequence[Booked]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Match interviews by stage, in order within a stage: (old index, new index), unmatched of each."""
    pairs: list[tuple[int, int]] = []
    left = list(range(len(old)))
    added: list[int] = []
    for j, wanted in enumerate(new):
        match = next((i for i in left if old[i].stage == wanted.stage), None)
        if match is None:
            added.append(j)
        else:
            left.remove(match)
            pairs.append((match, j))
    return pairs, left, added


def _panel_changes(i: int, was: Booked, now: Booked) -> list[Change]:
    changes: list[Change] = []
    for role in dict.fromkeys(r for _, r in (*was.panel, *now.panel)):
        gone = [u for u, r in was.panel if r == role and (u, r) not in now.panel]
        came = [u for u, r in now.panel if r == role and (u, r) not in was.panel]
        for old_user, new_user in zip(gone, came, strict=False):
            text = f"{was.stage}: {role} {old_user} -> {new_user}"
            changes.append(Change("reassign", i, text, old_user=old_user, new_user=new_user))
        for user in gone[len(came) :]:
            changes.append(Change("remove", i, f"{was.stage}: {role} {user} leaves the panel"))
        for user in came[len(gone) :]:
            changes.append(Change("add", i, f"{was.stage}: {role} {user} joins the panel"))
    return changes


def differences(scheduled: Sequence[Booked], requested: Sequence[Booked]) -> list[Change]:
    """Every change that would turn `scheduled` into `requested`, in the order of the request."""
    pairs, removed, added = _pairs(scheduled, requested)
    changes: list[Change] = []
    for i, j in pairs:
        was, now = scheduled[i], requested[j]
        if was.start != now.start:
            text = f"{was.stage}: moves from {was.start.isoformat()} to {now.start.isoformat()}"
            changes.append(Change("move", i, text, start=now.start))
        if was.minutes != now.minutes:
            text = f"{was.stage}: {was.minutes} -> {now.minutes} minutes"
            changes.append(Change("length", i, text))
        changes += _panel_changes(i, was, now)
    changes += [Change("add", None, f"{requested[j].stage}: a new interview") for j in added]
    changes += [Change("remove", i, f"{scheduled[i].stage}: no longer in the file") for i in removed]
    return changes
