"""loopbot: structured interviewing for hiring teams, in Slack."""
