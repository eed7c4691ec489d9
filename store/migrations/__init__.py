"""Alembic's migrations for store/schema.py (a package, so they install with the code)."""
