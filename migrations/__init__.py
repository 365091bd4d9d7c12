"""Alembic environment and revisions for loopbot's schema."""
