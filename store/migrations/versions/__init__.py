"""One file per schema revision; Alembic chains them by ``down_revision``."""
