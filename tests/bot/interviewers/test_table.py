"""The roster: one row per person and type, live state over the pool file's, progress, agreement and load."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from bot.interviewers.progress import progress
from bot.interviewers.table import UnknownName, roster
from tests.bot.interviewers.table_data import NOW, kind, pairing_world, pool, qualify


def test_rows_show_state_sessions_agreement_and_load(session: Session) -> None:
    world = pairing_world(session)
    found = roster(session, NOW, weekly=5, daily=2)
    rows = {(r.user, r.type_slug): r for r in found.rows}
    tia = rows["U0TIA", "pairing"]
    assert (tia.state, tia.pools) == ("trainee", ("backend",))
    assert tia.sessions() == "shadow 1/2, reverse 1/1"
    assert tia.agreement() == "3 of 4 (75%)"
    assert tia.progress == progress(session, "U0TIA", world["pairing"])  # the same numbers as progress()
    assert tia.load_text() == "2 of 5"
    max_ = rows["U0MAX", "pairing"]
    assert (max_.sessions(), max_.agreement(), max_.load_text()) == ("-", "-", "2 of 1")
    assert max_.over_limit
    lee = rows["U0LEE", "arch-review"]
    assert lee.load == 0  # his interview was last week
    assert rows["U0TIA", "arch-review"].state == "observer_only"
    # Ordered by type name, then qualified before trainees.
    assert [(r.type_slug, r.user) for r in found.rows] == [
        ("arch-review", "U0LEE"),
        ("arch-review", "U0TIA"),
        ("pairing", "U0LEE"),
        ("pairing", "U0MAX"),
        ("pairing", "U0TIA"),
    ]


def test_the_live_state_wins_over_the_pool_file(session: Session) -> None:
    world = pairing_world(session)
    qualify(session, "U0MAX", world["pairing"], "trainee", source="override")
    [row] = [r for r in roster(session, NOW, 5, 2, type_slug="pairing").rows if r.user == "U0MAX"]
    assert (row.state, row.source) == ("trainee", "override")


def test_filters_by_pool_and_type(session: Session) -> None:
    pairing_world(session)
    assert {r.user for r in roster(session, NOW, 5, 2, pool="platform").rows} == {"U0LEE", "U0TIA"}
    assert {r.type_slug for r in roster(session, NOW, 5, 2, type_slug="pairing").rows} == {"pairing"}
    both = roster(session, NOW, 5, 2, pool="platform", type_slug="pairing")
    assert both.rows == []


def test_an_override_of_someone_in_no_pool_is_listed_without_a_pool_filter(session: Session) -> None:
    world = pairing_world(session)
    qualify(session, "U0NEW", world["arch"], "qualified", source="override")
    [row] = [r for r in roster(session, NOW, 5, 2).rows if r.user == "U0NEW"]
    assert row.pools == ()
    assert all(r.user != "U0NEW" for r in roster(session, NOW, 5, 2, pool="platform").rows)


def test_unknown_slugs_name_the_choices_and_a_close_one(session: Session) -> None:
    pairing_world(session)
    with pytest.raises(UnknownName) as raised:
        roster(session, NOW, 5, 2, type_slug="pairng")
    assert str(raised.value) == (
        "unknown interview type 'pairng' (did you mean 'pairing'?); choose from: arch-review, pairing"
    )
    with pytest.raises(UnknownName, match="unknown pool 'nope'; choose from: backend, platform"):
        roster(session, NOW, 5, 2, pool="nope")


def test_the_statement_count_does_not_grow_with_the_pools(session: Session) -> None:
    def statements(s: Session) -> int:
        seen: list[str] = []
        engine = s.get_bind()
        listen = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        event.listen(engine, "before_cursor_execute", listen)
        try:
            roster(s, NOW, 5, 2)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(seen)

    world = pairing_world(session)
    small = statements(session)
    many = [kind(session, f"t{n}", f"Type {n}") for n in range(5)]
    pool(
        session, "big", [(f"U0P{n:03d}", t, "trainee") for n in range(30) for t in [*many, world["pairing"]]]
    )
    assert statements(session) == small
