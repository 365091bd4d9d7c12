"""The interviewer program in the offline demo: a trainee's calibration card, a first-time lead's dry run.

Checked by what people saw (the transcript, in order), the stand-in's record, the outbox, and the page.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.demo import script
from bot.demo import workspace as ws
from bot.demo.overview import CALIBRATION, DRY_RUN_REQUEST
from bot.demo.pool import wanted, write_pool
from bot.demo.runner import DemoResult, example_content
from bot.demo.story import Item, arrange
from bot.demo.transcript import Entry
from bot.standin import dm_id

TRAINEE, QUALIFIED, PARTNER = script.TRAINEE, script.LATE, ws.HIRING_MANAGER
FIRST_LEADS = (ws.KENJI, ws.MARCUS)  # lead the team interview, whose type asks for a dry run


@pytest.fixture(scope="module")
def result(demo_result: DemoResult) -> DemoResult:
    return demo_result


def text(entry: Entry) -> str:
    """What an entry says: a message's text and lines, or what someone did."""
    return "\n".join([str(entry.payload.get("text") or entry.title), *entry.lines])


def index_of(result: DemoResult, who: str, kind: str, contains: str) -> list[int]:
    return [
        n
        for n, e in enumerate(result.transcript.entries)
        if e.audience == who and e.kind == kind and contains in text(e)
    ]


def submits(result: DemoResult, who: str) -> list[int]:
    return index_of(result, who, "action", "[Submit]")


def test_the_demo_pool_is_content_like_any_other(tmp_path: Path) -> None:
    examples = load_content([example_content()])
    assert wanted(examples), "the examples name no people, so the demo brings its pool"
    with_pool = load_content([example_content(), write_pool(tmp_path)])
    assert with_pool.problems == []
    assert not wanted(with_pool), "content with its own pool for the type keeps it"
    pool = with_pool.pools["demo-infrastructure-interviewers"]
    states = {m.user: m.types for m in pool.model.members}
    assert states[TRAINEE] == {"infra-manager-technical": "trainee"}


def test_the_trainee_gets_a_calibration_card_only_after_both_submitted(result: DemoResult) -> None:
    cards = [(n, e) for n, e in enumerate(result.transcript.entries) if text(e).startswith(CALIBRATION)]
    assert [(e.audience, e.kind) for _, e in cards] == [(TRAINEE, "dm")], "one card, to the trainee only"
    [(card_at, card)] = cards
    trainee_submits, lead_submits = submits(result, TRAINEE), submits(result, QUALIFIED)
    assert trainee_submits
    assert lead_submits
    # The trainee submitted days before the lead; the card came only after the lead's (late) scorecard.
    assert trainee_submits[0] < lead_submits[-1] < card_at
    assert result.transcript.entries[trainee_submits[0]].at.weekday() == 1  # Tuesday
    assert card.at.weekday() == 4  # Friday
    shown = "\n".join(card.lines).replace("*", "")  # as read, without the bold marks
    assert "compared with @Marcus Chen's scorecard" in shown
    assert "Same rating in 2 of 4 categories" in shown
    assert re.search(r"Same rating in 2 of 4 categories; [^\n]* in 3 of 4\.", shown), "and close in 3"
    assert "Where you agreed" in shown
    assert "Where you differed" in shown
    assert "Effective member of the team?: you Strong Yes, @Marcus Chen No (2 steps apart)" in shown
    # The lead's notes on the questions where they differed, and nothing else of the lead's scorecard.
    for slug, note in script.MARCUS_NOTES.items():
        assert note in shown, slug
    assert script.CARDS[QUALIFIED].summary not in shown
    assert "shadowed 1/2, reverse shadow 0/1, agreement 3 of 4 categories" in shown
    sent = [r for r in result.outbox if r.kind == "calibration"]
    assert [(r.recipient, r.status) for r in sent] == [(TRAINEE, "sent")]


def test_the_trainee_scorecard_is_in_the_thread_marked_as_training(result: DemoResult) -> None:
    channel = result.standin.messages(ws.HIRING_CHANNEL)
    replies = [m for m in channel if m.get("thread_ts") not in (None, m["ts"])]
    mine = [m for m in replies if f"<@{TRAINEE}>" in json.dumps(m.get("blocks"))]
    training = [m for m in mine if "Training scorecard" in json.dumps(m.get("blocks"))]
    assert len(training) == 1, "the shadow-seat card is marked; Diego's own lead card is not"
    assert len(mine) == 2


def test_first_time_leads_get_the_dry_run_request_and_the_partner_confirms(result: DemoResult) -> None:
    for lead in FIRST_LEADS:
        [request] = index_of(result, lead, "dm", DRY_RUN_REQUEST)
        [confirmed] = index_of(result, lead, "dm", "confirmed your dry run")
        [pressed] = [
            n
            for n in index_of(result, PARTNER, "action", "[Dry run done]")
            if ws.person(lead).name in result.transcript.entries[n].title
        ]
        assert request < pressed < confirmed
        asked = "\n".join(result.transcript.entries[request].lines).replace("*", "")
        assert "first time leading it" in asked
        assert "@Hugo Brandt presses Dry run done" in asked
    # The partner's message had the button; pressing it replaced the button with what happened.
    asks = result.standin.messages(dm_id(PARTNER))
    [partner_message] = [m for m in asks if m["text"].startswith(f"Dry run with <@{ws.KENJI}>")]
    assert "edited" in partner_message
    assert "dry_run_done" not in json.dumps(partner_message["blocks"])
    assert "confirmed on" in json.dumps(partner_message["blocks"])
    sent = {(r.kind, r.recipient) for r in result.outbox if r.status == "sent"}
    assert {("dry_run", who) for who in (*FIRST_LEADS, PARTNER)} <= sent
    # Confirmed in time: no lead was reminded, the recruiter was never warned.
    assert not {kind for kind, _ in sent} & {"dry_run_reminder", "dry_run_warning"}


def test_the_prep_says_whether_the_dry_run_is_done(result: DemoResult) -> None:
    title = f"Interview prep: Infrastructure leadership interview with {script.CANDIDATE}"
    [kenji] = [e for e in result.transcript.of(ws.KENJI) if e.payload.get("text") == title]
    [marcus] = [e for e in result.transcript.of(ws.MARCUS) if e.payload.get("text") == title]
    # Kenji's prep went before Hugo confirmed, Marcus's after.
    assert any("Dry run: not done yet" in line for line in kenji.lines)
    assert any("Dry run: done on Mar 4, 2030 with @Hugo Brandt" in line for line in marcus.lines)


def test_the_page_shows_the_card_the_request_and_the_button(result: DemoResult, demo_page: Path) -> None:
    page = demo_page.read_text(encoding="utf-8")
    story = arrange(result.transcript)
    panes = {ps.person.id: ps for ps in story.people}

    def dms(who: str, starts: str) -> list[Item]:
        found = [i for i in panes[who].stream if i.entry.kind == "dm"]
        return [i for i in found if str(i.entry.payload.get("text")).startswith(starts)]

    [card] = dms(TRAINEE, CALIBRATION)
    [request] = dms(ws.KENJI, DRY_RUN_REQUEST)
    [ask] = dms(PARTNER, f"Dry run with <@{ws.KENJI}>")

    def article(item_id: str) -> str:
        found = re.search(rf'<article class="msg message" id="{item_id}".*?</article>', page, re.S)
        assert found, item_id
        return found.group(0)

    def words(markup: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", markup))

    shown = article(card.id)
    assert f'data-audience="{TRAINEE}"' in shown
    assert "Where you differed" in words(shown)
    assert shown.count('<div class="block section"') >= 4, "head, numbers, agreed, differed, notes"
    progress = re.search(r'<div class="block context"[^>]*>(.*?)</div>', shown, re.S)
    assert progress
    assert "agreement 3 of 4 categories" in words(progress.group(1))
    assert 'data-code=":chart_with_upwards_trend:"' in progress.group(1), "drawn, not typed out"
    assert "unknown" not in shown
    assert "first time leading it" in words(article(request.id))
    partner = article(ask.id)
    # As it reads now: settled; as first posted (under "show the message as first posted"): the button.
    assert len(ask.versions) == 2
    assert "Dry run with @Kenji Tanaka confirmed on Mar 4, 2030." in words(partner)
    assert '<button type="button" class="btn primary" data-action-id="dry_run_done">Dry run done' in partner
    # The first screen points at both moments.
    assert f'href="#{card.id}"><b>Diego\'s calibration card</b>' in html.unescape(page)
    assert f'href="#{request.id}"><b>Kenji\'s dry-run request</b>' in html.unescape(page)
