"""The demo's moving parts: simulated time, the dispatcher, the real Bolt app and the Slack stand-in.

People act only through the app, as Slack would deliver their clicks: signed `block_actions`,
`view_submission`, `view_closed` and `app_home_opened` requests dispatched to `create_app()`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltRequest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from blocks.ids import ActionId
from bot.clock import FakeClock
from bot.delivery.dispatcher import Dispatcher
from bot.demo import forms
from bot.demo.render import view_lines
from bot.demo.transcript import Transcript
from bot.demo.workspace import mention_name, person
from bot.standin import StandIn, dm_id
from bot.standin.signing import (
    app_home_opened,
    block_actions_payload,
    event_body,
    interaction_body,
    signed_headers,
    view_closed_payload,
    view_submission_payload,
)
from models import Delivery, DeliveryStatus

WAIT_SECONDS = 10.0


def find_button(blocks: list[dict[str, Any]], action_id: str, value: str | None) -> tuple[str, str] | None:
    """(block_id, value) of the button with that action id (and value), in elements or as accessory."""
    for block in blocks:
        elements = [*block.get("elements", []), *([block["accessory"]] if block.get("accessory") else [])]
        for e in elements:
            if e.get("action_id") == action_id and value in (None, e.get("value")):
                return str(block.get("block_id") or ""), str(e.get("value") or "")
    return None


class DemoError(RuntimeError):
    """The app did not do what the story needs (the message says what was missing)."""


class Unhandled(DemoError):
    """The app has no listener for a request (Bolt answers 404)."""


@dataclass
class World:
    """Everything the story drives; `transcript` records what each person saw."""

    clock: FakeClock
    session_factory: sessionmaker[Session]
    app: App
    dispatcher: Dispatcher
    standin: StandIn
    signing_secret: str
    transcript: Transcript
    ticks: int = 0
    missing: set[str] = field(default_factory=set)  # parts of the story this build could not show
    progress: Callable[[datetime, int], None] | None = None  # told the simulated time and entries so far

    # -- time
    def now(self) -> datetime:
        return self.clock.now()

    def _next_due(self) -> datetime | None:
        with self.session_factory() as s:
            return s.scalar(
                select(func.min(Delivery.next_attempt_at)).where(Delivery.status == DeliveryStatus.PENDING)
            )

    def run_until(self, when: datetime) -> None:
        """Move the clock to each due delivery up to `when` in turn, ticking the dispatcher at each stop."""
        for _ in range(500):  # a guard: each stop sends, defers or ends at least one row
            due = self._next_due()
            if due is None or due > when:
                break
            self.clock.set(max(due, self.now()))
            self.tick()
        else:
            raise DemoError("deliveries kept coming due without being sent")
        self.clock.set(max(when, self.now()))
        self.tick()

    def tick(self) -> None:
        self.dispatcher.tick()
        self.ticks += 1
        self.transcript.collect(self.standin, self.now())
        if self.progress is not None:
            self.progress(self.now(), len(self.transcript.entries))

    # -- requests as Slack would send them
    def _dispatch(self, body: bytes, unhandled_ok: bool = False) -> dict[str, Any] | None:
        headers: dict[str, str | Sequence[str]] = {**signed_headers(self.signing_secret, body)}
        request = BoltRequest(body=body.decode(), headers=headers)
        response = self.app.dispatch(request)
        if response.status == 404 and unhandled_ok:
            raise Unhandled(response.body)
        if response.status != 200:
            raise DemoError(f"the app answered {response.status}: {response.body[:200]}")
        return json.loads(response.body) if response.body else None

    def _settle(self, method: str, before: int) -> None:
        """Listeners run after ack: wait until the app has made its `method` call and it was answered."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            calls = self.standin.calls_to(method)[before:]
            if calls and all(c.outcome != "pending" for c in calls):
                break
            time.sleep(0.01)
        else:
            raise DemoError(f"the app made no {method} call within {WAIT_SECONDS:.0f}s")
        self.transcript.collect(self.standin, self.now())

    def open_feedback(self, user: str, interview_id: int, via_home: bool = False) -> dict[str, Any]:
        """Click "Open feedback form" for the interview, on the newest DM with it (or App Home)."""
        return self.click(user, ActionId.OPEN_FEEDBACK, "Open feedback form", str(interview_id), via_home)

    def click(
        self, user: str, action_id: str, label: str, value: str | None, via_home: bool
    ) -> dict[str, Any]:
        """Click a button that opens a modal, on App Home or the newest DM that has it; returns the modal.

        `value` None takes the first button with that action id.
        """
        trigger = self.standin.new_trigger_id(user)
        if via_home:
            home = self.standin.home(user) or {}
            found = find_button(home.get("blocks", []), action_id, value)
            kw: dict[str, Any] = {"view": home}
            where = "on App Home"
        else:
            for message in reversed(self.standin.messages(dm_id(user))):
                found = find_button(message.get("blocks", []), action_id, value)
                if found is not None:
                    break
            kw = {"message": message}
            where = "in loopbot's DM"
        if found is None:
            raise DemoError(f"{person(user).name} has no [{label}] button {where}")
        block_id, value = found
        self.transcript.action(self.now(), user, f"clicks [{label}] {where}")
        before = len(self.standin.calls_to("views.open"))
        payload = block_actions_payload(user, action_id, value, block_id=block_id, trigger_id=trigger, **kw)
        self._dispatch(interaction_body(payload))
        self._settle("views.open", before)
        stack = self.standin.modal_stack(user)
        if not stack:
            raise DemoError(f"no modal is open for {person(user).name}")
        return stack[-1]

    def press(self, user: str, action_id: str, label: str, about: str) -> None:
        """Press a button that settles its own message (no modal), in the newest DM that has it and
        mentions `about`; waits until the app has updated that message."""
        found, message = None, {}
        for message in reversed(self.standin.messages(dm_id(user))):
            if f"<@{about}>" in json.dumps([message.get("text"), message.get("blocks")]):
                found = find_button(message.get("blocks", []), action_id, None)
                if found is not None:
                    break
        if found is None:
            raise DemoError(f"{person(user).name} has no [{label}] button about {person(about).name}")
        block_id, value = found
        what = f"clicks [{label}] in loopbot's DM (the one about {person(about).name})"
        self.transcript.action(self.now(), user, what)
        before = len(self.standin.calls_to("chat.update"))
        trigger = self.standin.new_trigger_id(user)
        payload = block_actions_payload(
            user, action_id, value, block_id=block_id, trigger_id=trigger, message=message
        )
        self._dispatch(interaction_body(payload))
        self._settle("chat.update", before)

    def dismiss(self, user: str) -> None:
        """Close a modal that only shows something (no notify_on_close)."""
        self.transcript.action(self.now(), user, "closes the modal")
        self.standin.close_modals(user)

    def submit(self, user: str, view: dict[str, Any], card: forms.Scorecard) -> dict[str, Any] | None:
        """Fill in the modal as `card` says and press submit; returns the app's response to Slack."""
        answers = forms.answers_for(view, card)
        what = "▶ fills in the form and presses [Submit]"
        self.transcript.add(self.now(), user, "action", what, forms.describe(view, answers))
        filled = forms.submitted_view(view, answers)
        reply = self._dispatch(interaction_body(view_submission_payload(user, filled)))
        self._show_reply(user, filled, reply)
        return reply

    def close(self, user: str, view: dict[str, Any], card: forms.Scorecard) -> None:
        """Type part of the form, then close the modal (the app keeps a draft)."""
        answers = forms.answers_for(view, card)
        what = "▶ types a few answers, then presses [Save for later]"
        self.transcript.add(self.now(), user, "action", what, forms.describe(view, answers))
        self._dispatch(interaction_body(view_closed_payload(user, forms.submitted_view(view, answers))))
        self.standin.close_modals(user)

    def open_home(self, user: str) -> bool:
        """Open loopbot's App Home tab (an `app_home_opened` event); False if the app has no App Home."""
        before = len(self.standin.calls_to("views.publish"))
        self.transcript.collect(self.standin, self.now())  # earlier background refreshes stay background
        self.transcript.home_open.add(user)
        try:
            self._dispatch(event_body(app_home_opened(user)), unhandled_ok=True)
        except Unhandled:
            self.missing.add("App Home (the app has no app_home_opened listener)")
            return False
        self.transcript.action(self.now(), user, "opens loopbot's App Home")
        self._settle("views.publish", before)
        return True

    def _show_reply(self, user: str, view: dict[str, Any], reply: dict[str, Any] | None) -> None:
        tz = person(user).tz
        action = (reply or {}).get("response_action")
        if action == "errors":
            labels = {b.get("block_id"): b.get("label", {}).get("text", "") for b in view.get("blocks", [])}
            errors = {str(k): str(v) for k, v in reply["errors"].items()}  # type: ignore[index]
            lines = [f"✗ {labels.get(k) or k}: {msg}" for k, msg in errors.items()]
            title = "modal stays open with inline errors"
            # The view as the reader sees it then: what they typed, and the errors under their fields.
            self.transcript.add(
                self.now(), user, "modal", title, lines, payload={"view": view}, errors=errors
            )
        elif action in ("update", "push"):
            lines = view_lines(reply["view"], tz, mention_name)  # type: ignore[index]
            payload = {"view": reply["view"]}  # type: ignore[index]
            self.transcript.add(self.now(), user, "modal", "modal replaced", lines, payload=payload)
            self.standin.close_modals(user)
        else:
            self.transcript.add(self.now(), user, "modal", "modal closed")
            self.standin.close_modals(user)
