"""`loopbot demo` end to end: the real app, dispatcher and stand-in on simulated time.

Checked by what people saw (the transcript and the stand-in's record) and by where the outbox ended.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.demo import script
from bot.demo import workspace as ws
from bot.demo.runner import DemoResult
from bot.demo.transcript import Entry
from bot.standin import dm_id

TYPE_NAMES = {
    "team-interviews": "Infrastructure leadership interview",
    "values": "Values interview",
    "cross-functional": "Cross-functional collaboration",
}
ASKERS = ("lead", "interviewer")


@pytest.fixture(scope="module")
def result(demo_result: DemoResult) -> DemoResult:
    return demo_result


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message.get("blocks") or message.get("text"), ensure_ascii=False)


def entries(result: DemoResult, audience: str, kind: str | None = None) -> list[Entry]:
    return [e for e in result.transcript.of(audience) if kind in (None, e.kind)]


def test_every_panelist_got_a_prep_dm_and_nudge_with_their_kit_in_their_time_zone(result: DemoResult) -> None:
    sets: dict[tuple[int, str], str] = {}
    for n, slot in enumerate(script.SLOTS):
        title = f"Interview prep: {TYPE_NAMES[slot.stage]} with {script.CANDIDATE}"
        for user, role in slot.panel:
            dms = result.standin.messages(dm_id(user))
            [prep] = [m for m in dms if m["text"] == title]
            assert any(m["text"] == f"Starting soon: {title.removeprefix('Interview prep: ')}" for m in dms)
            if slot.stage == "team-interviews":
                found = re.search(r"Your question set: ([^*]+)\*", text_of(prep))
                assert found, f"{user} got no question set"
                sets[(n, role)] = found.group(1)
                assert "A great answer mentions" in text_of(prep)
                assert "Negative signals" in text_of(prep)
    askers = [name for (_, role), name in sets.items() if role in ASKERS]
    assert len(askers) == 3
    assert len(set(askers)) == 3, "panelists on one candidate must not repeat a set"
    assert sets[(0, "shadow")] == sets[(0, "lead")], "a shadow follows the lead's set"
    # The same instant, each in the reader's own time zone.
    [kenji_prep, *_] = [e for e in entries(result, ws.KENJI, "dm") if "INTERVIEW PREP" in "".join(e.lines)]
    [priya_prep, *_] = [e for e in entries(result, ws.PRIYA, "dm") if "INTERVIEW PREP" in "".join(e.lines)]
    assert any("Tue 05 Mar 2030 at 18:00 JST" in line for line in kenji_prep.lines)
    assert any("Tue 05 Mar 2030 at 14:30 IST" in line for line in priya_prep.lines)


def test_the_incomplete_form_showed_inline_errors_then_went_through(result: DemoResult) -> None:
    modal = entries(result, ws.PRIYA, "modal")
    [errors] = [e for e in modal if e.title == "modal stays open with inline errors"]
    shown = "\n".join(errors.lines)
    assert "Summary" in shown
    assert "Overall recommendation" in shown
    assert "rating" in shown.lower()
    after = modal[modal.index(errors) + 1 :]
    assert after
    assert after[0].title == "modal replaced"
    assert "Feedback submitted" in after[0].lines[0]


def test_the_late_panelist_was_reminded_in_working_hours_then_escalated(result: DemoResult) -> None:
    sent = Counter((r.kind, r.recipient) for r in result.outbox if r.status == "sent")
    reminded = {who for kind, who in sent if kind == "reminder"}
    assert reminded == {script.LATE}
    assert sent[("reminder", script.LATE)] == 2
    assert {who for kind, who in sent if kind == "escalation"} == {ws.RECRUITER, ws.HIRING_MANAGER}
    assert all(n == 1 for (kind, _), n in sent.items() if kind == "escalation")
    # Shadows are never chased: their reminders are not even planned.
    preps = [r for r in result.outbox if r.kind == "prep" and r.recipient == ws.DIEGO]
    shadowed = {r.interview_id for r in preps if r.interview_id is not None}
    second = min(shadowed)  # Diego shadows the second interview and leads the fourth
    assert not [
        r for r in result.outbox if (r.kind, r.recipient, r.interview_id) == ("reminder", ws.DIEGO, second)
    ]
    # The second reminder fell before 09:00 in New York and waited for the working day.
    reminders = [e for e in entries(result, script.LATE, "dm") if "Reminder 2" in "".join(e.lines)]
    assert reminders
    assert "(Wed 09:00 EST)" in reminders[0].heading()
    for boss in (ws.RECRUITER, ws.HIRING_MANAGER):
        [escalation] = [e for e in entries(result, boss, "dm") if "overdue" in "\n".join(e.lines)]
        assert "Marcus Chen" in "\n".join(escalation.lines)


def test_the_digest_was_posted_then_updated_by_the_late_feedback(result: DemoResult) -> None:
    channel = result.standin.messages(ws.HIRING_CHANNEL)
    top = [m for m in channel if m.get("thread_ts") in (None, m["ts"])]
    replies = [m for m in channel if m not in top]
    assert len(top) == 1, "one digest, updated in place"
    assert "edited" in top[0]
    submitted = sum(1 for slot in script.SLOTS for user, _ in slot.panel if user in script.CARDS)
    assert len(replies) == submitted  # every seat, the shadows' included
    assert ws.MARCUS in text_of(replies[-1]) or "Marcus" in text_of(replies[-1])
    posted = [e for e in entries(result, ws.HIRING_CHANNEL) if e.kind == "channel"]
    updated = [e for e in entries(result, ws.HIRING_CHANNEL) if e.kind == "update"]
    late_submit = [e for e in entries(result, script.LATE, "action") if "[Submit]" in e.title]
    assert posted
    assert updated
    assert late_submit
    assert posted[0].at < late_submit[-1].at <= updated[-1].at
    assert posted[0].lines != updated[-1].lines


def test_no_message_was_sent_twice_and_nothing_failed(result: DemoResult) -> None:
    with result.standin.state.lock:
        messages = [m for conv in result.standin.state.messages.values() for m in conv]
    keys = Counter(m["metadata"]["event_payload"]["key_hash"] for m in messages if m.get("metadata"))
    assert keys
    assert max(keys.values()) == 1
    assert len(keys) == len(messages), "every loopbot post carries its delivery key"
    assert [r for r in result.outbox if r.status == "failed"] == []
    assert [e for e in result.transcript.entries if e.kind == "error"] == []
    assert result.elapsed < 60


def test_the_cli_prints_the_transcript_and_writes_the_html_page(tmp_path: Path) -> None:
    before = set(Path(tempfile.gettempdir()).glob("loopbot-demo-*"))
    out = tmp_path / "out"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'untouched.db'}"}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "loopbot"),
            "demo",
            "--out",
            str(out),
            "--start",
            "2030-03-04T07:00",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    page = (out / "transcript.html").read_text(encoding="utf-8")
    assert "# hiring-infra-manager" in page
    assert 'class="reply-count">9 replies' in page
    assert '<span class="edited">(edited)</span>' in page
    assert "INTERVIEW PREP" in done.stdout
    assert "Who saw what" in done.stdout
    assert "\x1b[" not in done.stdout, "piped output is plain text"
    assert "Connect a Slack workspace" in done.stdout
    finished = re.search(r"Finished in ([\d.]+) s", done.stdout)
    assert finished is not None, done.stdout[-3000:]
    seconds = float(finished.group(1))
    assert seconds < 60
    assert set(Path(tempfile.gettempdir()).glob("loopbot-demo-*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_app_home_shows_what_is_due_and_the_loop_to_its_manager(result: DemoResult) -> None:
    assert result.missing == []
    homes = entries(result, script.LATE, "home")
    assert len(homes) == 2
    assert "Overdue" in "\n".join(homes[0].lines)
    assert "[Open feedback form]" in "\n".join(homes[0].lines)
    assert "Overdue" not in "\n".join(homes[1].lines)
    opened_from_home = [e for e in entries(result, script.LATE, "action") if "on App Home" in e.title]
    assert opened_from_home, "the late panelist opened the form from App Home"
    [status] = [e for e in entries(result, ws.HIRING_MANAGER, "modal") if "Candidate status" in e.lines[0]]
    assert any("@Marcus Chen" in line and "not in yet" in line for line in status.lines)
