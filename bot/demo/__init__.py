"""The offline demo: the whole workflow on SQLite, a local Slack stand-in and simulated time."""

# Loggers kept quiet while the demo runs: the transcript is the output.
QUIET_LOGGERS = ("loopbot", "slack_bolt", "slack_sdk", "alembic", "urllib3")
