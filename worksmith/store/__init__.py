"""The store: SQLModel tables and input models, engines and sessions, Alembic migrations."""
