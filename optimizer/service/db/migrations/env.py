"""Alembic's environment for remise: run on the connection `engine.migrate` shares, or on
the URL of the config when Alembic is driven by hand (to write a new revision)."""

from alembic import context
from sqlalchemy import create_engine

from optimizer.service.db.tables import Base

config = context.config


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).connect() as own:
        run(own)
        own.commit()
