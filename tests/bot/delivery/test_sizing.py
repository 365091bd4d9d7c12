"""How many posts are kept in flight: Little's law on the post rate and the measured time per post."""

from __future__ import annotations

from bot.delivery.sizing import FIRST_GUESS, Sizer, in_flight


def test_sequential_posts_cannot_reach_the_rate_so_several_are_kept_in_flight() -> None:
    assert in_flight(rate=10, seconds_per_post=0.1, cap=64) == 2  # 10/s x 0.1 s = 1, with margin
    assert in_flight(rate=48, seconds_per_post=0.11, cap=64) == 7  # the benchmark: 5.3 x 1.25
    assert in_flight(rate=48, seconds_per_post=0.3, cap=64) == 18  # a slower Slack needs more


def test_the_cap_and_the_floor_bound_it() -> None:
    assert in_flight(rate=48, seconds_per_post=2.0, cap=8) == 8
    assert in_flight(rate=0.1, seconds_per_post=0.01, cap=8) == 1


def test_the_target_follows_the_measured_time_per_post() -> None:
    sizer = Sizer(rate=40, cap=64)
    assert sizer.seconds_per_post == FIRST_GUESS
    sizer.observe(0.1)
    assert sizer.seconds_per_post == 0.1  # the first measurement replaces the guess
    assert sizer.target == 5
    for _ in range(100):
        sizer.observe(0.4)
    assert 0.39 < sizer.seconds_per_post <= 0.4  # a moving average: it follows a lasting change
    assert sizer.target == 20
    sizer.observe(4.0)
    assert sizer.seconds_per_post < 1.0  # one slow post moves it only a little
