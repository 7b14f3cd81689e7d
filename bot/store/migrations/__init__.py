"""Alembic migrations of the durable store (bot/store/schema.py); `dev-agent db upgrade` applies them."""
