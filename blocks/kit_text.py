"""The mrkdwn of a prep kit: facts, guidance and questions, read from the scheduling-time snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from blocks.text import esc, esc_name, mention
from bot.feedback.focus_logic import Category
from models import Interview, PanelRole, PanelSeat

ROLE_NAMES = {
    PanelRole.LEAD: "Lead",
    PanelRole.INTERVIEWER: "Interviewer",
    PanelRole.SHADOW: "Shadow",
    PanelRole.REVERSE_SHADOW: "Reverse shadow",
}
# How long to keep for the candidate's questions is the interview type's to say (its guidance).
ROLE_DUTIES = {
    PanelRole.LEAD: "You run the interview: open it, keep time, ask your questions and hand over to the "
    "other panelists.",
    PanelRole.INTERVIEWER: "You ask your questions when the lead hands over, take notes throughout, "
    "and submit your own feedback.",
    PanelRole.SHADOW: "You observe to learn how this interview is run: stay muted unless invited, "
    "take notes. Feedback from observers is optional and does not count toward the decision.",
    PanelRole.REVERSE_SHADOW: "You lead this interview as part of your training while the qualified lead "
    "observes and may step in: open it, keep time and ask the questions. Submit your own feedback: it is "
    "compared with the lead's for your training and does not count toward the decision.",
}
# Without a question set the interview runs on its type's plan (the prep shows it).
PLAN_DUTIES = {
    PanelRole.LEAD: "You run the interview from the plan below: open it, keep time, and bring in the "
    "other panelists.",
    PanelRole.INTERVIEWER: "You and the lead share the plan below: agree before you start who asks about "
    "what, take notes throughout, and submit your own feedback.",
}
FOLLOWER_DUTY = (
    "The lead drives this interview: follow the lead's plan, stay in the background unless invited, "
    "note the signals below as you see them, and submit your own feedback."
)


_ROLES = {r.value: r for r in PanelRole}


def role_name(role: str) -> str:
    """The reader-facing name of a panel role."""
    return ROLE_NAMES[_ROLES[role]] if role in _ROLES else esc(role)


def role_duty(role: str, has_questions: bool = True, follows: bool = False) -> str:
    """One line on what a panel role does (with or without questions; following the lead or not)."""
    if role not in _ROLES:
        return ""
    if role == PanelRole.INTERVIEWER and follows:
        return FOLLOWER_DUTY
    if not has_questions and role in PLAN_DUTIES:
        return PLAN_DUTIES[_ROLES[role]]
    return ROLE_DUTIES[_ROLES[role]]


def candidate_name(interview: Interview) -> str:
    return esc_name(interview.candidate_loop.candidate.name)


def type_name(interview: Interview) -> str:
    return esc(str(interview.guidance.get("type_name") or "Interview"))


def what(interview: Interview) -> str:
    """`*Type* with *Candidate*` (mrkdwn, escaped): how every message names an interview."""
    return f"*{type_name(interview)}* with *{candidate_name(interview)}*"


def job_role(interview: Interview) -> str:
    cl = interview.candidate_loop
    return esc(str(cl.rubric.get("role") or cl.rubric.get("loop_name") or ""))


def duration_minutes(interview: Interview) -> int:
    minutes = interview.guidance.get("duration_minutes")
    if isinstance(minutes, int) and minutes > 0:
        return minutes
    return int((interview.ends_at - interview.starts_at).total_seconds() // 60)


def starts_in(start: datetime, now: datetime) -> str:
    """A rough 'in 3 hours' for the header line; the date token gives the exact local time."""
    minutes = int((start - now).total_seconds() // 60)
    if minutes <= 0:
        return "now"
    if minutes < 90:
        return f"in {minutes} minutes"
    hours = round(minutes / 60)
    return f"in {hours} hours" if hours < 36 else f"in {round(hours / 24)} days"


def bullets(items: Iterable[Any]) -> str:
    return "\n".join(f"• {esc(str(item))}" for item in items if str(item).strip())


def link(resource: dict[str, Any]) -> str:
    """A resource as a link when its URL is safe inside <url|title>, else as escaped text."""
    title, url = str(resource.get("title") or ""), str(resource.get("url") or "")
    if url.startswith(("https://", "http://")) and not any(c in url for c in "<>| \n"):
        return f"• <{url}|{esc(title or url)}>"
    return f"• {esc(' '.join(p for p in (title, url) if p))}"


def guidance_parts(guidance: dict[str, Any]) -> list[str]:
    """The interview type's guidance, one mrkdwn paragraph per heading present."""
    parts = []
    if str(guidance.get("candidate_prep") or "").strip():
        parts.append(f"*How the candidate prepares*\n{esc(str(guidance['candidate_prep']))}")
    for key, title in (
        ("must_do_before", ":warning: *Before the interview, you must*"),
        ("guidance_during", "*During the interview*"),
        ("look_for", "*What to look for*"),
    ):
        if guidance.get(key):
            parts.append(f"{title}\n{bullets(guidance[key])}")
    if guidance.get("resources"):
        parts.append("*Resources*\n" + "\n".join(link(r) for r in guidance["resources"]))
    return parts


def focus_text(categories: Iterable[Category], loop_rubric: str) -> str:
    """What an interview assesses: each category with its description and attributes (mrkdwn)."""
    lines = ["*What this interview assesses*"]
    for c in categories:
        whose = f" _({esc(c.rubric_name)})_" if c.rubric_name and c.rubric != loop_rubric else ""
        about = f": {esc(c.description)}" if c.description.strip() else ""
        lines.append(f"• *{esc(c.name)}*{whose}{about}")
        lines += [f"    ◦ {esc(a)}" for a in c.attributes if a.strip()]
    return "\n".join(lines)


def kit_categories(kit: dict[str, Any]) -> list[str]:
    """Names of the categories a kit's main (non-backup) questions cover, in kit order."""
    names = [str(q.get("category_name") or q.get("category_key") or "") for q in main_questions(kit)]
    return list(dict.fromkeys(n for n in names if n))


def main_questions(kit: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for q in kit.get("questions", []) if not q.get("is_backup")]


def panel_lines(interview: Interview, me: PanelSeat) -> list[str]:
    """Who else is on the panel, their role and what they cover."""
    lines = []
    for seat in interview.panel:
        if seat.user_id == me.user_id or seat.declined_at is not None:
            continue
        covers = ", ".join(esc(c) for c in kit_categories(seat.kit))
        if seat.role == PanelRole.SHADOW:
            covers = ""  # observers ask nothing, whatever kit they were handed
        line = f"• {mention(seat.user_id)}: {role_name(seat.role)}"
        lines.append(line + (f", covers {covers}" if covers else ""))
    return lines


def question_text(n: int, q: dict[str, Any]) -> str:
    """Everything an interviewer needs for one question, in mrkdwn."""
    category = esc(str(q.get("category_name") or q.get("category_key") or ""))
    title = f"*Backup question · {category}*" if q.get("is_backup") else f"*Q{n} · {category}*"
    lines = [title]
    if q.get("is_backup") and str(q.get("backup_when") or "").strip():
        lines.append(f"_Use it when: {esc(str(q['backup_when']))}_")
    lines.append(esc(str(q.get("prompt") or "")))
    sections = (
        ("follow_ups", "*Follow-ups*"),
        ("great_signals", ":white_check_mark: *A great answer mentions*"),
        ("negative_signals", ":x: *Negative signals*"),
    )
    if str(q.get("goal") or "").strip():
        lines.append(f"*Goal:* {esc(str(q['goal']))}")
    for key, heading in sections:
        if q.get(key):
            lines.append(f"{heading}\n{bullets(q[key])}")
    if q.get("technologies"):
        lines.append("*Technologies that may come up:* " + ", ".join(esc(str(t)) for t in q["technologies"]))
    return "\n".join(lines)


def numbered(kit: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """Questions with their number; backups are not numbered (0) since they replace another."""
    out, n = [], 0
    for q in kit.get("questions", []):
        if not q.get("is_backup"):
            n += 1
        out.append((0 if q.get("is_backup") else n, q))
    return out
