"""Alembic environment: runs migrations on the URL that clinic_db.migrate sets."""

from alembic import context

from clinic_db.database import make_engine
from clinic_db.models import Base

connectable = make_engine(context.config.get_main_option("sqlalchemy.url"))
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
