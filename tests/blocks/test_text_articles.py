"""Indefinite articles by sound: "an Infrastructure leadership interview", never "a Infrastructure…"."""

from __future__ import annotations

import pytest

from blocks.text import a_or_an, article


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("Infrastructure leadership interview panel", "an Infrastructure leadership interview panel"),
        ("Architecture review", "an Architecture review"),
        ("Values interview", "a Values interview"),
        ("*Onboarding* interviewer", "an *Onboarding* interviewer"),  # mrkdwn is skipped
        ("_Engineering_ panel", "an _Engineering_ panel"),
        ("user research interview", "a user research interview"),
        ("one-on-one", "a one-on-one"),
        ("European sales loop", "a European sales loop"),
        ("hour", "an hour"),
        ("honest answer", "an honest answer"),
        ("hiring manager screen", "a hiring manager screen"),
        ("SRE screen", "an SRE screen"),
        ("HR screen", "an HR screen"),
        ("QA pairing", "a QA pairing"),
        ("8-week plan", "an 8-week plan"),
        ("18-month review", "an 18-month review"),
        ("2-hour take-home", "a 2-hour take-home"),
    ],
)
def test_the_article_follows_the_sound_of_the_next_word(phrase: str, expected: str) -> None:
    assert a_or_an(phrase) == expected


def test_an_empty_or_symbol_only_word_takes_a() -> None:
    assert article("") == "a"
    assert article("…") == "a"
    assert a_or_an("") == "a "
