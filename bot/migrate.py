"""Alembic, driven from code: `loopbot db upgrade` and the schema tests use these."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the engine's database."""
    with engine.begin() as conn:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Revert migrations down to `revision`."""
    with engine.begin() as conn:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
