from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import worksmith.store.models  # noqa: F401 - registers the tables on SQLModel.metadata

target_metadata = SQLModel.metadata


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    # only the plain `alembic` command comes here; the app and the CLI pass their own connection
    with create_engine(context.config.get_main_option("sqlalchemy.url")).begin() as conn:
        run(conn)
