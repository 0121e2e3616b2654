"""a project's idle window: seconds without input before the workspace stops the clock

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("activity_settings") as batch:
        batch.add_column(
            sa.Column("idle_after_s", sa.Integer(), nullable=False, server_default="60")
        )


def downgrade() -> None:
    with op.batch_alter_table("activity_settings") as batch:
        batch.drop_column("idle_after_s")
