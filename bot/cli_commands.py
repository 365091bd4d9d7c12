"""The list of command groups attached to `loopbot` besides `db`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
