"""Property-based: generated payloads at every listener, through signed requests to the WSGI app.

Whatever the shape (random JSON, wrong types, huge strings, unicode, control characters, crafted ids
and metadata), a signed request gets no 5xx and no traceback, stores no row nobody asked for, and
makes loopbot send no special mention (`<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>`). The
app runs listeners inside the dispatch (process_before_response), so a failure after the ack shows in
the status code and in the log, not on a thread nobody watches.

Bounded so the whole module takes well under two minutes on SQLite and PostgreSQL together: one
database and one Slack stand-in per backend, `max_examples` per property, no deadline (the first
requests warm caches), and no example database (nothing is written to the checkout).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from slack_bolt import App
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from blocks.ids import ActionId, BlockId, CallbackId
from bot import migrate, server
from bot.app import create_app
from bot.clock import FakeClock
from bot.db import make_engine, make_session_factory
from bot.settings import Settings
from bot.standin import StandIn
from bot.standin.signing import event_body, interaction_body
from bot.standin.workspace import default_workspace
from models import Base, CandidateLoop, Loop
from tests.support.databases import new_database_url
from tests.support.factories import snapshot_interview, submitted_feedback
from tests.support.slack_payloads import SECRET, START, close_homes
from tests.support.wsgi_calls import Wsgi, post_signed

LEAD, PAIR, RECRUITER, MANAGER = "U0ENGLEAD", "U0ENGPAIR", "U0RECRUIT", "U0MANAGER"
KNOWN = {LEAD, PAIR, RECRUITER, MANAGER}
SPECIAL = re.compile(r"<!(channel|here|everyone|subteam)")
CONTENT = ("text", "blocks", "view", "attachments")  # what Slack renders of a Web API call
RUN = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


class Errors(logging.Handler):
    """Every ERROR record and every record with a traceback, wherever it is logged."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@dataclass
class World:
    wsgi: Wsgi
    engine: Engine
    standin: StandIn
    errors: Errors
    seen: int = 0
    tables: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    engine = make_engine(new_database_url(backend, tmp_path_factory.mktemp("fuzz")))
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with factory.begin() as s:
        i = snapshot_interview(s, [(LEAD, "lead"), (PAIR, "interviewer")], starts_at=START)
        submitted_feedback(s, i, LEAD, private_note="a note")
        s.get_one(Loop, s.get_one(CandidateLoop, i.candidate_loop_id).loop_id).recruiter = RECRUITER
    errors = Errors()
    logging.getLogger().addHandler(errors)
    with StandIn(workspace=default_workspace(auto_users=True)) as standin:
        config = Settings(
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_API_URL=standin.url,
            _env_file=None,
        )
        app: App = create_app(config, factory, clock=FakeClock(START), process_before_response=True)
        tables = [t.name for t in Base.metadata.sorted_tables]
        yield World(server.wsgi_app(app, engine, SECRET), engine, standin, errors, tables=tables)
        close_homes(app)
    logging.getLogger().removeHandler(errors)
    engine.dispose()


def counts(w: World) -> dict[str, int]:
    with Session(w.engine) as s:
        return {t: int(s.scalar(select(func.count()).select_from(text(f'"{t}"'))) or 0) for t in w.tables}


def check(w: World, body: bytes, strangers_only: bool) -> None:
    """One signed request, and everything that must hold after it."""
    w.errors.records.clear()
    before_rows, before_calls = counts(w), len(w.standin.calls)
    answer = post_signed(w.wsgi, body, SECRET)
    event(f"answered {answer.status}")  # --hypothesis-show-statistics: how deep the examples went
    assert answer.status < 500, (answer, body[:500])
    assert b"Traceback" not in answer.body
    assert b'File "' not in answer.body
    assert [r.getMessage() for r in w.errors.records] == [], body[:500]
    calls = w.standin.calls[before_calls:]
    shown = json.dumps([{k: c.args.get(k) for k in CONTENT} for c in calls], ensure_ascii=False)
    assert not SPECIAL.search(shown), shown[:500]
    assert not any("link_names" in c.args or c.args.get("parse") == "full" for c in calls)
    if strangers_only:
        assert counts(w) == before_rows, body[:500]


# --- what goes into the payloads -----------------------------------------------------------------

NASTY = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S1|@eng>",
    "<@U0ENGLEAD>",
    "U0NEW> <!channel> <@U0X",
    "*bold* _it_ ~s~ `c`",
    "line\nbreak\r\n",
    "\x00\x1b[31m\u2028\u202e",
    "\ud800",
    "1",
    "2",
    "0",
    "-1",
    " 1",
    "1_000",
    "１",
    "1e9",
    "99999999999999999999",
    "4294967297",
    "null",
    "{}",
    "[]",
    '{"interview_id": 1}',
    "x" * 3001,
]
texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=12),
    st.integers(3001, 20_000).map(lambda n: "é" * n),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), texts)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
strangers = st.from_regex(r"[UW][A-Z0-9]{1,11}", fullmatch=True).filter(lambda u: u not in KNOWN)
ids = st.one_of(st.sampled_from(["1", "2", "3", "1000000"]), texts)
action_ids = st.one_of(st.sampled_from([a.value for a in ActionId]), texts)
callback_ids = st.one_of(st.sampled_from([c.value for c in CallbackId]), texts)
block_ids = st.one_of(
    st.sampled_from([b.value for b in BlockId]),
    st.sampled_from(
        [f"{b.value}0" for b in BlockId if b.value.endswith("__")] + ["rating__learn", "note__q-learn"]
    ),
    texts,
)
element_types = st.sampled_from(
    ["plain_text_input", "static_select", "radio_buttons", "checkboxes", "multi_users_select",
     "users_select", "datetimepicker", "conversations_select", "number_input", "button"]
)  # fmt: skip
option = st.fixed_dictionaries({"value": texts}) | json_values
action_state = st.fixed_dictionaries(
    {"type": element_types},
    optional={
        "value": st.none() | texts | json_values,
        "selected_option": st.none() | option,
        "selected_options": st.lists(option, max_size=3) | json_values,
        "selected_user": st.none() | strangers | texts | st.sampled_from(sorted(KNOWN)),
        "selected_users": st.lists(strangers | texts | st.sampled_from(sorted(KNOWN)), max_size=3),
        "selected_conversation": st.none() | texts | st.just("C0HIRING"),
        "selected_date_time": st.none() | st.integers() | texts,
    },
)
state = st.one_of(
    st.dictionaries(block_ids, st.dictionaries(texts | action_ids, action_state, max_size=2), max_size=6),
    json_values,
)
metadata = st.one_of(
    st.builds(
        json.dumps,
        st.fixed_dictionaries(
            {},
            optional={
                "interview_id": st.integers() | texts | st.just(1),
                "user": texts | st.just(LEAD),
                "count": st.integers() | texts,
                "loop": st.none() | texts | st.just("swe"),
            },
        ),
    ),
    texts,
    json_values,
)


triggers = st.from_regex(r"[0-9]{4,10}\.[0-9]{1,8}\.[a-f0-9]{4,16}", fullmatch=True)
channels = st.sampled_from(["C0HIRING", "D0ENGLEAD", "G0PRIVATE", "C0NOWHERE"])
team = st.fixed_dictionaries({"id": st.just("T0STANDIN")}, optional={"domain": texts})


def _pick(deep: bool, good: st.SearchStrategy[Any], junk: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Deep examples keep the envelope Slack's (so they reach the listeners); shallow ones do not."""
    return good if deep else st.one_of(good, junk)


def _user(who: st.SearchStrategy[str], deep: bool) -> st.SearchStrategy[Any]:
    shaped = st.fixed_dictionaries({"id": who}, optional={"team_id": st.just("T0STANDIN"), "username": texts})
    return _pick(deep, shaped, json_values | st.fixed_dictionaries({"id": texts, "team_id": texts}))


def block_actions(who: st.SearchStrategy[str], deep: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    action = st.fixed_dictionaries(
        {"action_id": action_ids, "type": st.just("button")}, optional={"value": ids, "block_id": texts}
    )
    container = st.fixed_dictionaries(
        {"type": st.sampled_from(["message", "view"])},
        optional={"channel_id": _pick(deep, channels, texts), "message_ts": texts, "view_id": texts},
    )
    view = st.fixed_dictionaries(
        {"type": st.just("modal"), "callback_id": callback_ids, "id": _pick(deep, st.just("V1"), texts)},
        optional={
            "private_metadata": metadata,
            "state": st.fixed_dictionaries({"values": state}),
            "hash": texts,
        },
    )
    return st.fixed_dictionaries(
        {
            "type": st.just("block_actions"),
            "user": _user(who, deep),
            "actions": st.lists(action, min_size=1, max_size=2),
        },
        optional={
            "trigger_id": _pick(deep, triggers, texts),
            "team": _pick(deep, team, json_values),
            "container": container,
            "channel": st.fixed_dictionaries({"id": _pick(deep, channels, texts)}),
            "view": view,
            "message": st.fixed_dictionaries({"ts": texts}, optional={"text": texts, "blocks": json_values}),
        },
    )


def view_payloads(who: st.SearchStrategy[str], deep: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    view = st.fixed_dictionaries(
        {"type": st.just("modal"), "callback_id": callback_ids},
        optional={
            "id": _pick(deep, st.just("V1"), texts),
            "hash": texts,
            "private_metadata": metadata,
            "state": _pick(deep, st.fixed_dictionaries({"values": state}), json_values),
            "blocks": st.lists(
                st.fixed_dictionaries({"type": st.just("input"), "block_id": block_ids}), max_size=4
            ),
        },
    )
    return st.fixed_dictionaries(
        {"type": st.sampled_from(["view_submission", "view_closed"]), "user": _user(who, deep), "view": view},
        optional={
            "team": _pick(deep, team, json_values),
            "trigger_id": _pick(deep, triggers, texts),
            "response_urls": _pick(deep, st.just([]), json_values),
        },
    )


def commands(who: st.SearchStrategy[str], deep: bool = False) -> st.SearchStrategy[bytes]:
    words = st.sampled_from(["", "help", "status", "feedback", "prep", "schedule", "STATUS", "status Ada"])
    line = st.builds(lambda a, b: f"{a} {b}".strip(), words, texts | st.just("Ada Lovelace"))
    return st.builds(
        lambda user, line, channel: urlencode(
            {
                "command": "/loop",
                "user_id": user,
                "text": line,
                "channel_id": channel,
                "trigger_id": "1.2.ab",
            },
            errors="surrogatepass",
        ).encode(),
        _pick(deep, who, texts),
        line,
        _pick(deep, channels, texts),
    )


def events(who: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    event = st.fixed_dictionaries(
        {"type": st.sampled_from(["app_home_opened", "message", "reaction_added"]) | texts},
        optional={"user": who | texts | json_values, "tab": st.sampled_from(["home", "messages"]) | texts},
    )
    return st.builds(event_body, event)


def as_body(payload: Any) -> st.SearchStrategy[bytes]:
    """Interactive payloads go form-encoded (payload=<json>), as Slack sends them, or as raw JSON."""
    raw = json.dumps(payload, ensure_ascii=False).encode("utf-8", "surrogatepass")  # a lone surrogate stays
    return st.sampled_from([interaction_body(payload), raw])


# --- the properties --------------------------------------------------------------------------------


@RUN
@given(data=st.data())
def test_block_actions_of_any_shape(world: World, data: st.DataObject) -> None:
    check(world, data.draw(block_actions(strangers).flatmap(as_body)), strangers_only=True)


@RUN
@given(data=st.data())
def test_modal_submissions_and_closes_of_any_shape(world: World, data: st.DataObject) -> None:
    check(world, data.draw(view_payloads(strangers).flatmap(as_body)), strangers_only=True)


@settings(RUN, max_examples=200)
@given(data=st.data())
def test_well_formed_envelopes_from_strangers_with_junk_inside(world: World, data: st.DataObject) -> None:
    """Slack's envelope, a stranger's id, anything in the values, metadata and state: these reach the
    listeners, which must refuse them without storing anything."""
    payloads = st.one_of(block_actions(strangers, deep=True), view_payloads(strangers, deep=True))
    body = data.draw(st.one_of(payloads.flatmap(as_body), commands(strangers, deep=True)))
    check(world, body, strangers_only=True)


@settings(RUN, max_examples=200)
@given(data=st.data())
def test_the_panel_and_the_recruiter_sending_junk(world: World, data: st.DataObject) -> None:
    """People with real seats and loops: their junk reaches the deepest code paths (stored rows are
    not checked: a well-formed draft, a decline or a re-sent prep may be exactly what they asked for)."""
    who = st.sampled_from(sorted(KNOWN))
    payloads = st.one_of(block_actions(who, deep=True), view_payloads(who, deep=True))
    body = data.draw(st.one_of(payloads.flatmap(as_body), commands(who, deep=True)))
    check(world, body, strangers_only=False)


@RUN
@given(body=commands(strangers))
def test_slash_commands(world: World, body: bytes) -> None:
    check(world, body, strangers_only=True)


@settings(RUN, max_examples=60)
@given(body=events(strangers))
def test_events(world: World, body: bytes) -> None:
    check(world, body, strangers_only=True)


@settings(RUN, max_examples=80)
@given(value=json_values, form=st.booleans())
def test_any_json_at_all(world: World, value: Any, form: bool) -> None:
    raw = json.dumps(value, ensure_ascii=False)
    body = (
        urlencode({"payload": raw}, errors="surrogatepass").encode()
        if form
        else raw.encode("utf-8", "surrogatepass")
    )
    check(world, body, strangers_only=True)
