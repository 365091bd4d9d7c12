"""Every action_id, block_id and callback_id loopbot uses, once."""

from __future__ import annotations

from enum import StrEnum


class CallbackId(StrEnum):
    FEEDBACK = "feedback_modal"
    SCHEDULE = "schedule_modal"
    MOVE_INTERVIEW = "move_interview_modal"
    REASSIGN = "reassign_modal"
    FULL_KIT = "full_kit_modal"
    # The interviewer program (bot/interviewers/).
    GRADUATION_NOT_YET = "graduation_not_yet_modal"


class ActionId(StrEnum):
    OPEN_FEEDBACK = "open_feedback"
    CANT_MAKE_IT = "cant_make_it"
    VIEW_FULL_KIT = "view_full_kit"
    OPEN_SCHEDULE = "open_schedule"
    MOVE_INTERVIEW = "move_interview"
    REASSIGN_PANELIST = "reassign_panelist"
    CANCEL_INTERVIEW = "cancel_interview"
    SHOW_STATUS = "show_status"
    RELEASE_SCORECARDS = "release_scorecards"
    # The one action_id of each input in the feedback modal (block ids tell them apart).
    FEEDBACK_FIELD = "feedback_field"
    # The scheduling modal: loop chosen, interview added or removed, and the action_id of each of its inputs.
    ADD_INTERVIEW = "add_interview"
    REMOVE_INTERVIEW = "remove_interview"
    CHOOSE_LOOP = "choose_loop"
    SCHEDULE_FIELD = "schedule_field"
    # The interviewer program: an approver's decision, a dry run confirmed, a lead swapped, a panel suggested.
    APPROVE_GRADUATION = "approve_graduation"
    NOT_YET_GRADUATION = "not_yet_graduation"
    DRY_RUN_DONE = "dry_run_done"
    SWAP_LEAD = "swap_lead"
    SUGGEST_PANEL = "suggest_panel"
    # The "not yet" modal's reason input.
    GRADUATION_REASON_FIELD = "graduation_reason_field"


class BlockId(StrEnum):
    RECOMMENDATION = "recommendation"
    SUMMARY = "summary"
    PRIVATE_NOTE = "private_note"
    # Per-category and per-question blocks are RATING_PREFIX + category key / NOTE_PREFIX + question slug.
    RATING_PREFIX = "rating__"
    NOTE_PREFIX = "note__"
    SIGNALS_PREFIX = "signals__"
    # The buttons under a prep DM / feedback request, and their confirmation.
    PREP_ACTIONS = "prep_actions"
    PREP_CONFIRMATION = "prep_confirmation"
    FEEDBACK_HEADER = "feedback_header"
    # The scheduling modal's blocks (per-interview ones end in `__<n>`), the move / reassign modals,
    # the status view and App Home.
    CANDIDATE = "sched_candidate"
    LOOP = "sched_loop"
    CHANNEL = "sched_channel"
    STAGE = "sched_stage__"
    TYPE = "sched_type__"
    START = "sched_start__"
    DURATION = "sched_duration__"
    LEAD = "sched_lead__"
    INTERVIEWERS = "sched_interviewers__"
    SHADOWS = "sched_shadows__"
    REVERSE_SHADOWS = "sched_reverse_shadows__"
    SUGGESTED = "sched_suggested__"
    QUESTION_SET = "sched_question_set__"
    CONSENT = "sched_consent__"
    INTERVIEW_TOOLS = "sched_tools"
    NEW_START = "move_start"
    OLD_USER = "reassign_old"
    NEW_USER = "reassign_new"
    STATUS_ACTIONS = "status_actions__"
    HOME_SCHEDULE = "home_schedule"
    # The interviewer program: graduation and dry-run buttons, the reason for "not yet", the
    # scheduling modal's over-limit confirmation.
    GRADUATION_ACTIONS = "graduation_actions"
    GRADUATION_REASON = "graduation_reason"
    DRY_RUN_ACTIONS = "dry_run_actions"
    DRY_RUN_SETTLED = "dry_run_settled"  # what replaced the buttons of a dry-run message
    OVER_LIMIT = "sched_over_limit"
