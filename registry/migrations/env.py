"""Alembic environment: runs against the engine that ``registry.db.upgrade`` hands over."""

from alembic import context

from registry.db import make_engine
from registry.models import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:  # the alembic command line: the URL comes from -x url=...
    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
