"""The command groups attached to `loopbot` besides `db`, one module per area."""

from __future__ import annotations

import click

from bot.cli import content, deliveries, demo, doctor, interviewers, serve

COMMANDS: list[click.Command] = [
    *content.COMMANDS,
    *deliveries.COMMANDS,
    *serve.COMMANDS,
    *demo.COMMANDS,
    *doctor.COMMANDS,
    *interviewers.COMMANDS,
]
