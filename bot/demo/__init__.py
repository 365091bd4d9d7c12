"""The offline demo: the whole workflow on SQLite, a local Slack stand-in and simulated time."""
