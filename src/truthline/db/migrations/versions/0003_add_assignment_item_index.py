"""add an index of assignments by item and person

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Submits and drafts look up "my lease of this item" whatever its status; the partial
    # unique index cannot serve that, so without this every submit scanned the table.
    op.create_index("ix_assignments_item_user", "assignments", ["item_id", "user_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_item_user", table_name="assignments")
