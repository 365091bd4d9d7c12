"""The command groups attached to `loopbot` besides `db`, one module per area."""

from __future__ import annotations

import click

from bot import cli_content, cli_deliveries, cli_demo, cli_serve

COMMANDS: list[click.Command] = [
    *cli_content.COMMANDS,
    *cli_deliveries.COMMANDS,
    *cli_serve.COMMANDS,
    *cli_demo.COMMANDS,
]
