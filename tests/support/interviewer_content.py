"""Content for interviewer-program tests: a small role whose pairing exercise trains interviewers.

One rubric (two categories), one question per category in one set, a `pairing-exercise` type with a
shadow seat and a `training:` rule, a loop, and a pool in which TRAINEE is a trainee and QUALIFIED is
qualified (OBSERVER observes only). Written as YAML files so tests import them the way `loopbot content
import` would; `write_content(tmp_path, training=...)` changes the type's rule.
"""

from __future__ import annotations

from pathlib import Path

TRAINEE, QUALIFIED, OBSERVER = "U0TRAINEE1", "U0QUALIF1", "U0OBSERVE1"
RECRUITER, HIRING_MANAGER, CHANNEL = "U0RECRUITR", "U0HIRINGMG", "C0HIRING"
TYPE, LOOP, STAGE, POOL = "pairing-exercise", "trainee-loop", "pairing", "pairing-interviewers"
TRAINING = "{shadow: 2, reverse_shadow: 1, approver: hiring_manager}"

RUBRIC = """\
kind: rubric
slug: trainee-rubric
name: Engineering
categories:
  - key: design
    name: Building systems
    description: Designs software that meets ambiguous requirements.
  - key: pairing
    name: Working together
    description: Keeps a partner in the loop.
"""

QUESTIONS = """\
kind: question
slug: pair-design
rubric: trainee-rubric
category: design
prompt: Extend the parser to accept <nested> lists.
goal: How they break a problem down.
great_signals: [Splits the work into small steps]
negative_signals: [Rewrites everything]
---
kind: question
slug: pair-together
rubric: trainee-rubric
category: pairing
prompt: Explain your next step to your partner.
goal: Whether they keep the partner in the loop.
great_signals: [Says what they are about to do]
negative_signals: [Types in silence]
---
kind: question_set
slug: pair-set
name: Pairing set
rubric: trainee-rubric
covers: [design, pairing]
questions: [pair-design, pair-together]
"""

INTERVIEW_TYPE = """\
kind: interview_type
slug: pairing-exercise
name: Pairing exercise
duration_minutes: 60
panel:
  - role: lead
    min: 1
    max: 1
  - role: shadow
    min: 0
    max: 1
training: {training}
"""

LOOP_FILE = f"""\
kind: loop
slug: {LOOP}
name: Trainee loop
role: Software Engineer
rubric: trainee-rubric
hiring_channel: {CHANNEL}
hiring_manager: {HIRING_MANAGER}
recruiter: {RECRUITER}
stages:
  - key: {STAGE}
    name: Pairing exercise
    interview_type: {TYPE}
    question_sets: [pair-set]
"""

POOL_FILE = f"""\
kind: interviewer_pool
slug: {POOL}
name: Pairing interviewers
interview_types: [{TYPE}]
members:
  - user: {QUALIFIED}
    types: {{{TYPE}: qualified}}
  - user: {TRAINEE}
    types: {{{TYPE}: trainee}}
  - user: {OBSERVER}
    types: {{{TYPE}: observer_only}}
"""


def write_content(tmp_path: Path, training: str = TRAINING) -> Path:
    """The content directory (one file per kind), ready for load_content([path])."""
    root = tmp_path / "interviewer-content"
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "rubric.yaml": RUBRIC,
        "questions.yaml": QUESTIONS,
        "interview-type.yaml": INTERVIEW_TYPE.format(training=training),
        "loop.yaml": LOOP_FILE,
        "pools.yaml": POOL_FILE,
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root
