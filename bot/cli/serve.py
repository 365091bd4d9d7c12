"""CLI commands: serve."""

from __future__ import annotations

import click

from bot.settings import load_settings


@click.command("serve")
@click.option("--socket-mode", is_flag=True, help="Use Socket Mode (SLACK_APP_TOKEN), not HTTP.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Interface to listen on (see --port).")
@click.option(
    "--port", type=int, default=None, help="Port to listen on; default PORT (Socket Mode: only /healthz)."
)
@click.option("--threads", type=int, default=8, show_default=True, help="HTTP threads per process.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="HTTP mode: processes sharing the port, e.g. one per core (each a replica with its own dispatcher).",
)
def serve(socket_mode: bool, host: str, port: int | None, threads: int, workers: int) -> None:
    """Run loopbot: Slack requests at POST /slack/events, GET /healthz, and the delivery dispatcher.

    Migrations are not applied here: run `loopbot db upgrade` first.
    """
    from bot import server

    overrides = {"PORT": port} if port is not None else {}
    settings = load_settings(**overrides)
    if socket_mode:
        server.serve_socket_mode(settings, host=host)
    elif workers > 1:
        raise SystemExit(server.serve_http_workers(settings, host, threads, workers))
    else:
        server.serve_http(settings, host=host, threads=threads)


COMMANDS: list[click.Command] = [serve]
