"""Outcomes the generated workflows' `dev-agent apply`/`destroy` runs reported to the bot (one row per run and
environment), so the registry follows applies and destroys that ran in GitHub Actions.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workflow_outcomes",
        sa.Column("repository", sa.String(201), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("run", sa.String(32), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("workflow_outcomes")
