"""Alembic environment: takes the engine from the config (set by cspm.storage.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from cspm.storage.migrate import hold_migration_lock
from cspm.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # `alembic` command line: sqlalchemy.url from the ini/config
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        hold_migration_lock(connection)  # any number of first opens at once: one migrates
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        )
        context.run_migrations()


run_migrations_online()
