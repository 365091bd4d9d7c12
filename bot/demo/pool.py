"""The demo's interviewer pool for the infrastructure leadership interview, naming its own people.

The example content gives that type training and dry-run rules but no pool: a pool names real people,
and the examples are what a team copies. The demo adds this one, written as a content file beside its
temporary database and read and imported with the rest, so a pool works in the demo exactly as it does
for a team that writes one.
"""

from __future__ import annotations

from pathlib import Path

from bot.content.bundle import Bundle
from bot.demo.workspace import DIEGO, KENJI, MARCUS, PRIYA, SOFIA

TYPE = "infra-manager-technical"
FILE = "demo-pool.yaml"

POOL = f"""\
kind: interviewer_pool
slug: demo-infrastructure-interviewers
name: Infrastructure interviewers
description: The demo workspace's people who run the infrastructure leadership interview.
interview_types: [{TYPE}]
members:
  - user: {KENJI}
    types: {{{TYPE}: qualified}}
  - user: {PRIYA}
    types: {{{TYPE}: qualified}}
  - user: {MARCUS}  # leads it, at most three interviews a week
    types: {{{TYPE}: lead_only}}
    weekly_limit: 3
  - user: {SOFIA}  # from product: sits in as a silent observer, never trained to lead it
    types: {{{TYPE}: observer_only}}
  - user: {DIEGO}  # learning it in the shadow seat
    types: {{{TYPE}: trainee}}
"""


def wanted(bundle: Bundle) -> bool:
    """Does this content have the demo's interview type, and no pool of its own for it?"""
    staffed = any(TYPE in item.model.interview_types for item in bundle.pools.values())
    return TYPE in bundle.interview_types and not staffed


def write_pool(folder: Path) -> Path:
    """Write the pool file into `folder` (the demo's temporary directory); returns its path."""
    path = folder / FILE
    path.write_text(POOL, encoding="utf-8")
    return path
