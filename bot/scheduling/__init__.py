"""Scheduling a candidate's loop, and moving, reassigning and cancelling its interviews.

Each function writes the domain rows and the delivery plan in the caller's transaction, and freezes
the content it uses (kit, guidance, rubric) into snapshots, so later content edits never reach it.
"""

from bot.scheduling.changes import cancel_interview, move_interview, reassign_panelist
from bot.scheduling.create import schedule_loop
from bot.scheduling.requests import InterviewIn, PanelistIn, ScheduleRequest, SchedulingError
from bot.scheduling.snapshots import guidance_snapshot, kit_snapshot, rubric_snapshot

__all__ = [
    "InterviewIn",
    "PanelistIn",
    "ScheduleRequest",
    "SchedulingError",
    "cancel_interview",
    "guidance_snapshot",
    "kit_snapshot",
    "move_interview",
    "reassign_panelist",
    "rubric_snapshot",
    "schedule_loop",
]
