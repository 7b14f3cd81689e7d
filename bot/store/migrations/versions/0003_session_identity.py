"""Sessions say how the user signed in (GitHub or an OIDC provider) and who they are there; what they may see is
asked of GitHub on each request (bot/api/access.py), so the repository list read at sign-in is no longer kept.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(sa.Column("provider", sa.String(20), nullable=False, server_default="github"))
        batch.add_column(sa.Column("name", sa.String(200), nullable=False, server_default=""))
        batch.drop_column("repositories")


def downgrade() -> None:
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(sa.Column("repositories", sa.JSON, nullable=False, server_default="[]"))
        batch.drop_column("name")
        batch.drop_column("provider")
