"""Hostile requests at the WSGI app `loopbot serve` runs: body cap, signature before parsing, no 500s.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 and the timestamp must be within 5 minutes
(docs/architecture.md, "Requests and signing"; slack_sdk.signature.SignatureVerifier). Bolt's WSGI adapter
(slack_bolt/adapter/wsgi/http_request.py `get_body`) reads and decodes the whole body, and BoltRequest
parses it before the RequestVerification middleware runs; that middleware's failure branch logs the
body at INFO (`_debug_log_error`), and SignatureVerifier.is_valid calls int() on the timestamp. Each test
here pins what the gate in bot/guard/wsgi.py does instead.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App, BoltRequest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from blocks.feedback_modal import feedback_modal
from bot import migrate, server
from bot.app import create_app
from bot.clock import FakeClock
from bot.content.importer import import_bundle
from bot.content.loader import load_content
from bot.db import make_engine, make_session_factory
from bot.feedback.logic import covered_categories
from bot.guard.logs import SafeFormatter
from bot.guard.wsgi import MAX_BODY
from bot.scheduling.snapshots import kit_snapshot, rubric_snapshot
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import (
    block_actions_payload,
    interaction_body,
    slash_command_body,
    view_submission_payload,
)
from bot.standin.workspace import default_workspace
from models import Delivery, Feedback, Loop, PanelSeat, QuestionSet
from tests.support.content_files import EXAMPLES
from tests.support.factories import memory_interview, snapshot_interview
from tests.support.slack_payloads import SECRET, START, close_homes, filled
from tests.support.wsgi_calls import Unreadable, Wsgi, call, environ, post_signed

MARKER = "BODY-MARKER-7f3a"
FORGED = "2026-01-01 00:00:00,000 ERROR loopbot.server forged line"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'loopbot.db'}")
    migrate.upgrade(engine)
    with make_session_factory(engine).begin() as s:
        i = snapshot_interview(s, [("U0ENGLEAD", "lead"), ("U0ENGPAIR", "interviewer")], starts_at=START)
        assert i.id == 1
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def standin() -> Iterator[StandIn]:
    with StandIn(workspace=default_workspace(auto_users=True)) as s:
        yield s


def _app(standin: StandIn, engine: Engine, process_before_response: bool) -> App:
    settings = Settings(
        SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", SLACK_API_URL=standin.url, _env_file=None
    )
    clock = FakeClock(START.replace(hour=16))
    factory = make_session_factory(engine)
    return create_app(settings, factory, clock=clock, process_before_response=process_before_response)


@pytest.fixture(scope="module")
def app(standin: StandIn, engine: Engine) -> Iterator[App]:
    # Listeners run inside the dispatch, so an exception after ack() shows in the answer and the log.
    app = _app(standin, engine, process_before_response=True)
    yield app
    close_homes(app)


@pytest.fixture(scope="module")
def wsgi(app: App, engine: Engine) -> Wsgi:
    return server.wsgi_app(app, engine, SECRET)


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


def rows(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as s:
        return (
            s.scalar(select(func.count(Feedback.id))) or 0,
            s.scalar(select(func.count(Delivery.id))) or 0,
            s.scalar(select(func.count(PanelSeat.id)).where(PanelSeat.declined_at.is_not(None))) or 0,
        )


# --- 1. The body cap: nothing read beyond it ----------------------------------------------------


def test_a_body_over_the_cap_is_413_before_a_byte_is_read(
    wsgi: Wsgi, caplog: pytest.LogCaptureFixture
) -> None:
    """An unsigned 300 MB body used to be read and decoded whole (736 MB peak); now the declared
    length alone refuses it, so the body stream is never touched (Unreadable raises on read)."""
    caplog.set_level(logging.INFO)
    answer = call(wsgi, environ(Unreadable(), {}, length=300 * 2**20))
    assert answer.status == 413
    assert "request.refused status=413" in logged(caplog)
    assert tracebacks(caplog) == []


def test_no_more_than_the_declared_length_is_read(wsgi: Wsgi) -> None:
    stream = io.BytesIO(b"x" * 100 + b"y" * 10_000_000)
    answer = call(wsgi, {**environ(b"", {}), "wsgi.input": stream, "CONTENT_LENGTH": "100"})
    assert answer.status == 401  # unsigned
    assert stream.tell() == 100


def test_a_body_of_exactly_the_cap_is_not_refused_for_its_size(wsgi: Wsgi) -> None:
    payload = {
        "type": "view_closed",
        "user": {"id": "U0NOBODY"},
        "view": {"callback_id": "x", "type": "modal"},
    }
    body = interaction_body({**payload, "pad": ""})
    body = interaction_body({**payload, "pad": "p" * (MAX_BODY - len(body))})
    assert len(body) == MAX_BODY
    assert post_signed(wsgi, body, SECRET).status == 404  # read, verified, parsed: no listener for it
    assert post_signed(wsgi, body + b"p", SECRET).status == 413


def test_the_largest_legitimate_request_is_a_quarter_of_the_cap_or_less(tmp_path: Path) -> None:
    """Measured: a feedback modal of the example content with every text input at its max_length
    (3000) in 3-byte characters, encoded as Slack sends it (form `payload=` JSON, UTF-8 percent-encoded).
    It is the largest body loopbot's own views can make Slack send (219,425 bytes for the example
    content at the time of writing); the cap (1 MiB) is more than four times that."""
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    largest = 0
    with make_session_factory(engine).begin() as s:
        import_bundle(s, load_content([EXAMPLES]))
        loops = {loop.rubric_id: loop for loop in s.scalars(select(Loop))}
        for qs in s.scalars(select(QuestionSet)):
            if qs.rubric_id not in loops:
                continue
            i = memory_interview(
                [("U0ENGLEAD", "lead")], kits={"U0ENGLEAD": kit_snapshot(qs)}, candidate="語" * 200
            )
            i.candidate_loop.rubric = rubric_snapshot(loops[qs.rubric_id])
            seat = i.panel[0]
            view = feedback_modal(i, seat, covered_categories(seat.kit, i.candidate_loop.rubric)).to_dict()
            answers: dict[str, Any] = {}
            for b in view["blocks"]:
                el = b.get("element") or {}
                if el.get("type") == "plain_text_input":
                    answers[b["block_id"]] = "語" * int(el.get("max_length", 3000))
                elif el.get("type") == "checkboxes":
                    answers[b["block_id"]] = [o["value"] for o in el["options"]]
                elif el.get("options"):
                    answers[b["block_id"]] = el["options"][0]["value"]
            payload = view_submission_payload("U0ENGLEAD", filled(view, answers))
            body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)}).encode()
            largest = max(largest, len(body))
    engine.dispose()
    assert 100_000 < largest <= MAX_BODY // 4, largest


# --- 2. The signature before any parsing; never a body in the log -----------------------------


def _raw_signed(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Signed over the raw bytes, whatever they are (bot.standin.signing takes text)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    kind = "application/json" if body[:1] in b'{["' else "application/x-www-form-urlencoded"
    return {"Content-Type": kind, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac}


UNSIGNED = {
    "no headers": {},
    "wrong secret": None,  # filled in below: signed with another secret
    "stale": {
        "X-Slack-Request-Timestamp": str(int(time.time()) - 400),
        "X-Slack-Signature": "v0=" + "0" * 64,
    },
    "non-numeric timestamp": {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=" + "0" * 64},
    "Arabic-Indic digits": {"X-Slack-Request-Timestamp": "١٧٠٠٠٠٠٠٠٠", "X-Slack-Signature": "v0=" + "0" * 64},
    "huge timestamp": {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": "v0=" + "0" * 64},
    "malformed signature": {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v1=zz"},
}


@pytest.mark.parametrize("case", sorted(UNSIGNED))
@pytest.mark.parametrize(
    "body",
    [
        f"payload={MARKER}\n{FORGED}".encode(),
        f'{{"type": "event_callback", "x": "{MARKER}"\n{FORGED}'.encode(),  # does not even parse
        MARKER.encode() + b"\xff\xfe not utf-8",
    ],
    ids=["form", "unparsable", "not-utf8"],
)
def test_unsigned_requests_are_401_at_info_without_the_body_or_a_traceback(
    wsgi: Wsgi, engine: Engine, case: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """These used to be parsed first (500 with a traceback for the unparsable ones and for a
    non-numeric timestamp) and, once parsed, logged in full by Bolt."""
    caplog.set_level(logging.DEBUG)
    before = rows(engine)
    given = UNSIGNED[case]
    headers = given if given is not None else _raw_signed(b"something else")
    answer = call(wsgi, environ(body, headers))
    assert answer.status == 401
    assert MARKER not in logged(caplog)
    assert "forged" not in logged(caplog)
    assert tracebacks(caplog) == []
    assert [r.levelname for r in caplog.records if "request.refused" in r.getMessage()] == ["INFO"]
    assert rows(engine) == before


def test_bolts_own_signature_check_never_logs_the_body(app: App, caplog: pytest.LogCaptureFixture) -> None:
    """Requests dispatched to the app directly (Socket Mode aside, tests) still meet Bolt's check,
    whose rejection logs `body: ...` at INFO (slack_bolt RequestVerification._debug_log_error).
    Bolt's loggers take the root's level when the App is built; `loopbot serve` runs at INFO."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="slack_bolt.RequestVerification")
    body = slash_command_body(f"status {MARKER}")
    headers = {"x-slack-request-timestamp": str(int(time.time())), "x-slack-signature": "v0=" + "0" * 64}
    request = BoltRequest(body=body.decode(), headers=dict(headers))
    assert app.dispatch(request).status == 401
    assert MARKER not in logged(caplog)


SIGNED_UNPARSABLE = [
    b"payload=not-json",
    b"payload=%7B%22type%22",
    b"{",
    b"[1, 2, 3]",
    b'"just a string"',
    b"payload=%5B%5D",
    b"payload=null",
    b"[" * 50_000 + b"]" * 50_000,
    b"payload=" + b"[" * 30_000,
]
NOT_UTF8 = [b"\xff\xfe\xfd", b'{"type": "block_actions", "actions": "\xc3\x28"}']


@pytest.mark.parametrize("body", SIGNED_UNPARSABLE, ids=range(len(SIGNED_UNPARSABLE)))
def test_signed_but_unparsable_bodies_are_400_at_info(
    wsgi: Wsgi, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answer = call(wsgi, environ(body, _raw_signed(body)))
    assert answer.status == 400
    assert b"Traceback" not in answer.body
    assert tracebacks(caplog) == []


@pytest.mark.parametrize("body", NOT_UTF8, ids=range(len(NOT_UTF8)))
def test_a_body_that_is_not_utf8_cannot_carry_a_valid_signature(wsgi: Wsgi, body: bytes) -> None:
    """SignatureVerifier signs text (it decodes the body as UTF-8, the only encoding Slack sends):
    such a body is refused as unsigned, where it used to raise UnicodeDecodeError (a 500)."""
    assert call(wsgi, environ(body, _raw_signed(body))).status == 401


# --- 3. Malformed but signed payloads: 4xx, never a 500 or a traceback -------------------------


def _action(**overrides: Any) -> dict[str, Any]:
    payload = block_actions_payload("U0ENGLEAD", "open_feedback", "1")
    payload.update(overrides)
    return payload


def _act(action: dict[str, Any], **more: Any) -> dict[str, Any]:
    payload = block_actions_payload("U0ENGLEAD", "open_feedback", "1")
    payload["actions"] = [action]
    payload.update(more)
    return payload


def _view(
    callback: str, meta: object = '{"interview_id": 1, "user": "U0ENGLEAD"}', state: object = None
) -> Any:
    view: dict[str, Any] = {"id": "V1", "type": "modal", "callback_id": callback, "blocks": []}
    if meta is not None:
        view["private_metadata"] = meta
    if state is not None:
        view["state"] = state
    return {"type": "view_submission", "user": {"id": "U0ENGLEAD"}, "team": {"id": "T1"}, "view": view}


MALFORMED: list[dict[str, Any]] = [
    _action(actions=[]),
    _action(actions="open_feedback"),
    _action(actions=[1]),
    _action(actions=[{}]),
    _action(actions=[{"action_id": 5}]),
    _act({"action_id": "open_feedback", "value": {"id": 1}}),
    _act({"action_id": "open_feedback", "value": "1e9"}),
    _act({"action_id": "open_feedback", "value": "-1"}),
    _act({"action_id": "open_feedback", "value": " 1"}),
    _act({"action_id": "open_feedback", "value": "1_0"}),
    _act({"action_id": "open_feedback", "value": "99999999999999999999999"}),
    _act({"action_id": "open_feedback", "value": "１"}),  # a full-width digit: int() would take it
    _act({"action_id": "open_feedback", "value": "1\x00"}),
    _act({"action_id": "open_feedback", "value": "\ud800"}),  # a lone surrogate: no UTF-8 for it
    _act({"action_id": "cant_make_it", "value": "x"}),
    _act({"action_id": "release_scorecards", "value": ""}),
    _act({"action_id": "show_status"}),
    _act({"action_id": "cancel_interview", "value": "4294967297"}),
    _act({"action_id": "move_interview", "value": "1"}, trigger_id=5),
    _act({"action_id": "choose_loop"}),  # a modal action without the modal
    _act({"action_id": "add_interview"}, view={"id": "V1", "type": "modal", "callback_id": "x"}),
    _act({"action_id": "add_interview"}, view={"type": "modal"}),
    _action(user=None),
    _action(user="U0ENGLEAD"),
    _action(user={"id": 5}),
    _action(user={"id": "U0ENGLEAD> <!channel>"}),
    _action(user={"name": "nobody"}),
    _action(team=7),
    _action(team={"id": ["T1"]}),
    _action(enterprise=[]),
    _action(authorizations="x"),
    _action(authorizations=[1]),
    _action(response_urls=[1]),
    _action(container="x"),
    _action(container={"channel_id": 5}),
    _action(channel=5),
    _action(channel={"id": "<#C1>"}),
    _action(message=[]),
    _action(is_ext_shared_channel=True, event="x"),
    _view("feedback_modal", meta="{"),
    _view("feedback_modal", meta='{"interview_id": "one", "user": "U1"}'),
    _view("feedback_modal", meta='{"interview_id": 99999999999999999999, "user": "U1"}'),
    _view("feedback_modal", meta='{"interview_id": -3, "user": "U1"}'),
    _view("feedback_modal", meta=None),
    _view("feedback_modal", meta=17),
    _view("feedback_modal", state="values"),
    _view("feedback_modal", state={"values": []}),
    _view("feedback_modal", state={"values": {"summary": "text"}}),
    _view("feedback_modal", state={"values": {"summary": {"field": "text"}}}),
    _view(
        "feedback_modal", state={"values": {"summary": {"field": {"type": "plain_text_input", "value": 5}}}}
    ),
    _view("feedback_modal", state={"values": {"rating__learn": {"field": {"selected_option": "yes"}}}}),
    _view("feedback_modal", state={"values": {"signals__q": {"field": {"selected_options": [1]}}}}),
    _view("feedback_modal", state={"values": {"summary": {"field": {"value": "x" * 3001}}}}),
    _view("schedule_modal", meta='{"count": 1000000}'),
    _view("schedule_modal", meta='{"count": -1}'),
    _view("schedule_modal", meta='{"loop": 5}'),
    _view("schedule_modal", state={"values": {"sched_start__0": {"f": {"selected_date_time": "soon"}}}}),
    _view("schedule_modal", state={"values": {"sched_start__0": {"f": {"selected_date_time": 10**30}}}}),
    _view("schedule_modal", state={"values": {"sched_lead__0": {"f": {"selected_users": ["<!here>"]}}}}),
    _view(
        "schedule_modal", state={"values": {"sched_channel": {"f": {"selected_conversation": "<!channel>"}}}}
    ),
    _view(
        "move_interview", meta='{"interview_id": 1}', state={"values": {"move_start": {"f": {"value": "x"}}}}
    ),
    _view("move_interview_modal", meta="{}"),
    _view(
        "reassign",
        meta='{"interview_id": 1}',
        state={"values": {"reassign_new": {"f": {"selected_user": 9}}}},
    ),
    {"type": "view_submission", "user": {"id": "U0ENGLEAD"}, "view": "feedback"},
    {"type": "view_submission", "user": {"id": "U0ENGLEAD"}, "view": {"callback_id": "feedback"}},
    {"type": "view_closed", "user": {"id": "U0ENGLEAD"}, "view": {"callback_id": 3, "type": "modal"}},
    {
        "type": "view_closed",
        "user": {"id": "U0ENGLEAD"},
        "view": {"callback_id": "feedback", "type": "modal"},
    },
    {"type": "event_callback", "event": "app_home_opened"},
    {"type": "event_callback", "event": {"type": 5}},
    {"type": "event_callback", "event": {"type": "app_home_opened", "user": 5}},
    {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1\n<!channel>"}},
    {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U0ENGLEAD", "tab": ["home"]}},
    {"type": 17},
    {"type": None, "actions": [{"action_id": "open_feedback"}]},
    {"type": "url_verification"},
    {"type": "ssl_check"},
    {},
]


@pytest.mark.parametrize("payload", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_signed_payloads_get_a_4xx_or_a_refusal_never_a_500(
    wsgi: Wsgi, engine: Engine, standin: StandIn, payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Before: 19 of 56 such payloads ended in a 500 with an ERROR traceback."""
    caplog.set_level(logging.INFO)
    before, calls = rows(engine), len(standin.calls)
    answer = post_signed(wsgi, interaction_body(payload), SECRET)
    assert answer.status < 500, answer
    assert b"Traceback" not in answer.body
    assert tracebacks(caplog) == []
    assert rows(engine) == before
    assert all("<!" not in json.dumps(c.args) for c in standin.calls[calls:])


@pytest.mark.parametrize(
    "fields",
    [
        {"user_id": ""},
        {"user_id": "U0ENGLEAD> <!channel>"},
        {"text": "status " + "x" * 5000},
        {"text": "status Ada\x00"},  # PostgreSQL refuses a NUL in text (a DataError, found by test_fuzz)
        {"channel_id": "<#C1|general>"},
    ],
)
def test_malformed_slash_commands_are_400(wsgi: Wsgi, fields: dict[str, str]) -> None:
    body = urlencode({"command": "/loop", "user_id": "U0ENGLEAD", "text": "help", **fields}).encode()
    assert post_signed(wsgi, body, SECRET).status == 400


def test_a_long_query_is_quoted_back_short_and_escaped(wsgi: Wsgi, standin: StandIn) -> None:
    """A section's text is capped at 3000 characters: the reply used to quote the whole query and fail."""
    before = len(standin.ephemerals())
    body = slash_command_body("status " + "<!here>" * 500, user="U0RECRUIT")
    assert post_signed(wsgi, body, SECRET).status == 200
    [reply] = standin.ephemerals()[before:]
    assert "No candidate matches" in reply["text"] or "No candidate matches" in json.dumps(reply["blocks"])
    assert "<!here>" not in json.dumps(reply)


@pytest.mark.parametrize(
    ("text", "channel_name"), [("status payload", "general"), ("status Ada", "payload-team")]
)
def test_the_word_payload_in_a_command_does_not_lose_it(
    wsgi: Wsgi, standin: StandIn, text: str, channel_name: str
) -> None:
    """Bolt's parse_body takes "payload" anywhere in a form body for an interaction's `payload=` field
    and reads such a command as {} (slack_bolt/request/internals.py): it reached no listener (404)."""
    before = len(standin.ephemerals())
    body = slash_command_body(text, user="U0RECRUIT").replace(
        b"channel_name=directmessage", f"channel_name={channel_name}".encode()
    )
    assert channel_name.encode() in body
    assert post_signed(wsgi, body, SECRET).status == 200
    [reply] = standin.ephemerals()[before:]
    assert "No candidate matches" in json.dumps(reply) or "Status" in json.dumps(reply)


# --- 4. Log lines cannot be forged ---------------------------------------------------------------


def _format(msg: str, *args: object, exc: BaseException | None = None) -> str:
    record = logging.LogRecord("loopbot.t", logging.INFO, __file__, 1, msg, args, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    return SafeFormatter("%(levelname)s %(name)s %(message)s").format(record)


def test_a_newline_in_request_text_cannot_start_a_log_line() -> None:
    line = _format("command.loop user=%s text=%r name=%s", "U1", "x", f"Eve\n{FORGED}\r\u2028x\x1b[31m")
    assert not any(c in line for c in "\n\r\u2028\x1b")
    assert "\\n2026-01-01" in line


def test_traceback_lines_are_indented_under_their_record() -> None:
    try:
        raise KeyError(f"x\n{FORGED}")
    except KeyError as exc:
        text = _format("listener.failed", exc=exc)
    first, *rest = text.split("\n")
    assert first == "INFO loopbot.t listener.failed"
    assert rest
    assert all(line.startswith("    | ") for line in rest)
    assert not any(line.startswith("2026") for line in text.splitlines())


def test_the_cli_logs_through_the_safe_formatter() -> None:
    script = (
        "import logging, bot.cli\n"
        "bot.cli.main.callback()\n"  # what every `loopbot` command runs first
        f"logging.getLogger('x').info('name=%s', {('Eve' + chr(10) + FORGED)!r})\n"
        f"logging.getLogger('slack_bolt.RequestVerification').info('body: {MARKER}')\n"
    )
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PATH": "", "LOOPBOT_LOG_LEVEL": "INFO"}
    with tempfile.TemporaryDirectory() as cwd:
        command = [sys.executable, "-c", script]
        done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("name=Eve\\n" + FORGED)
    assert MARKER not in done.stderr
