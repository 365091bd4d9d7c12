"""Comparing a trainee's ratings with the qualified interviewer's: pure, category by category."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.interviewers.training import compare, scale_keys
from tests.support.factories import RUBRIC_SNAPSHOT, SCALE

LEVELS = [level["key"] for level in SCALE]  # strong_no, no, yes, strong_yes
NAMES = {"learn": "Ability to learn and teach", "build": "Building systems", "team": "Team member"}


def test_the_scale_is_read_worst_first_without_no_signal() -> None:
    assert scale_keys(RUBRIC_SNAPSHOT) == ["strong_no", "no", "yes", "strong_yes"]
    assert scale_keys({}) == []


def test_exact_close_and_far_per_category_in_the_rubric_order() -> None:
    result = compare(
        LEVELS,
        NAMES,
        {"team": "strong_no", "build": "yes", "learn": "yes"},
        {"learn": "yes", "build": "strong_yes", "team": "yes"},
    )
    assert [(c.key, c.name, c.trainee, c.qualified, c.exact, c.close) for c in result.categories] == [
        ("learn", "Ability to learn and teach", "yes", "yes", True, True),
        ("build", "Building systems", "yes", "strong_yes", False, True),
        ("team", "Team member", "strong_no", "yes", False, False),
    ]
    assert (result.exact, result.close, result.compared) == (1, 2, 3)
    assert result.details()[1] == {
        "key": "build",
        "name": "Building systems",
        "trainee": "yes",
        "qualified": "strong_yes",
        "exact": False,
        "close": True,
    }


def test_no_signal_missing_or_unknown_levels_on_either_side_are_not_compared() -> None:
    result = compare(
        LEVELS,
        NAMES,
        {"learn": "no_signal", "build": "yes", "team": "maybe"},
        {"learn": "yes", "team": "yes"},
    )
    assert result.categories == ()
    assert (result.exact, result.close, result.compared) == (0, 0, 0)


def test_a_category_both_rated_that_the_names_lack_is_compared_after_the_known_ones() -> None:
    result = compare(LEVELS, {"learn": "Learn"}, {"zeta": "no", "learn": "no"}, {"zeta": "no", "learn": "no"})
    assert [(c.key, c.name) for c in result.categories] == [("learn", "Learn"), ("zeta", "zeta")]


ratings = st.dictionaries(
    st.sampled_from(sorted(NAMES)), st.sampled_from([*LEVELS, "no_signal"]), max_size=len(NAMES)
)


@given(ratings, ratings)
def test_totals_are_consistent_and_symmetric(trainee: dict[str, str], qualified: dict[str, str]) -> None:
    result = compare(LEVELS, NAMES, trainee, qualified)
    back = compare(LEVELS, NAMES, qualified, trainee)
    assert result.exact <= result.close <= result.compared <= len(NAMES)
    assert (result.exact, result.close, result.compared) == (back.exact, back.close, back.compared)
    both = {k for k in trainee if k in qualified and "no_signal" not in (trainee[k], qualified[k])}
    assert {c.key for c in result.categories} == both


@given(ratings)
def test_a_scorecard_agrees_exactly_with_itself(card: dict[str, str]) -> None:
    result = compare(LEVELS, NAMES, card, card)
    assert result.exact == result.close == result.compared


@given(st.sampled_from(LEVELS), st.sampled_from(LEVELS))
def test_close_means_at_most_one_step_on_the_same_side_of_the_hire_line(mine: str, theirs: str) -> None:
    [c] = compare(LEVELS, NAMES, {"learn": mine}, {"learn": theirs}).categories
    assert c.exact == (mine == theirs)
    hire = {"yes", "strong_yes"}
    assert c.close == (
        abs(LEVELS.index(mine) - LEVELS.index(theirs)) <= 1 and (mine in hire) == (theirs in hire)
    )


def closeness(scale: list[str], mine: str, theirs: str) -> tuple[bool, bool]:
    [c] = compare(scale, {"a": "A"}, {"a": mine}, {"a": theirs}).categories
    return c.exact, c.close


def test_on_a_two_level_scale_opposite_ratings_are_not_close() -> None:
    assert closeness(["no", "yes"], "no", "yes") == (False, False)
    assert closeness(["no", "yes"], "yes", "no") == (False, False)
    assert closeness(["no", "yes"], "yes", "yes") == (True, True)


def test_on_a_four_level_scale_no_against_yes_crosses_the_middle() -> None:
    assert closeness(LEVELS, "no", "yes") == (False, False)
    assert closeness(LEVELS, "strong_no", "no") == (False, True)
    assert closeness(LEVELS, "yes", "strong_yes") == (False, True)


def test_on_a_five_level_scale_the_central_level_is_close_to_both_neighbours() -> None:
    five = ["strong_no", "no", "mixed", "yes", "strong_yes"]
    assert closeness(five, "mixed", "yes") == (False, True)
    assert closeness(five, "no", "mixed") == (False, True)
    assert closeness(five, "no", "yes") == (False, False)  # two steps
    assert closeness(five, "strong_no", "no") == (False, True)
