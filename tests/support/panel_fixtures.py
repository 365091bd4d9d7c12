"""Fixtures for handler and wiring tests (registered in tests/conftest.py): deps, a fake client, a loop."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import FakeClock
from bot.deps import Deps
from bot.settings import Settings
from tests.support.factories import snapshot_interview
from tests.support.slack_payloads import SECRET, START, FakeClient, LoopData, as_web_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START.replace(hour=16, minute=5))  # just after the interview ended


@pytest.fixture
def fake_client() -> FakeClient:
    return FakeClient()


@pytest.fixture
def settings() -> Settings:
    return Settings(SLACK_SIGNING_SECRET=SECRET, SLACK_BOT_TOKEN="xoxb-test", _env_file=None)


@pytest.fixture
def deps(
    session_factory: sessionmaker[Session], clock: FakeClock, fake_client: FakeClient, settings: Settings
) -> Deps:
    return Deps(
        settings=settings, session_factory=session_factory, client=as_web_client(fake_client), clock=clock
    )


@pytest.fixture
def loop_data(session_factory: sessionmaker[Session]) -> LoopData:
    with session_factory.begin() as s:
        i = snapshot_interview(s, [("U1", "lead"), ("U2", "interviewer"), ("U3", "shadow")], starts_at=START)
        return LoopData(interview_id=i.id, candidate_loop_id=i.candidate_loop_id)
