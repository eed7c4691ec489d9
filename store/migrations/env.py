"""Alembic's entry point: runs the migrations on the connection store.migrate hands over (or on
``sqlalchemy.url`` when Alembic's own command line is used)."""

from alembic import context
from sqlalchemy import create_engine

from store.schema import Base

config = context.config


def run(connection):
    # Batch mode lets a later migration alter columns on SQLite, which has no ALTER COLUMN.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as own_connection:
        run(own_connection)
    engine.dispose()
