"""Slack surfaces of the interviewer program: training decisions and dry runs (one module per feature)."""
