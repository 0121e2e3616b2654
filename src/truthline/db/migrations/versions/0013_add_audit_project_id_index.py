"""add an index of audit events by project and id, for the log read newest first

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-09 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A project's log is paged by id, newest first. (project_id, at) finds the project's rows
    # but not in id order, so every page sorted all of them: the log holds a row per lease.
    op.create_index("ix_audit_project_id", "audit_events", ["project_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_project_id", table_name="audit_events")
