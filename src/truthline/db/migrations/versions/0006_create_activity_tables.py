"""time accounting and targets: activity events, targets, activity settings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import truthline.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "activity_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("project_id", BIG_ID, nullable=False),
        sa.Column("assignment_id", BIG_ID, nullable=True),
        sa.Column("at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("client_active_ms", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('lease', 'heartbeat', 'submit', 'skip', 'release')",
            name="ck_activity_events_kind",
        ),
        sa.CheckConstraint(
            "state IN ('active', 'idle', 'hidden')", name="ck_activity_events_state"
        ),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_events_user_at", "activity_events", ["user_id", "at"])
    op.create_index("ix_activity_events_assignment", "activity_events", ["assignment_id", "at"])
    op.create_index("ix_activity_events_project_at", "activity_events", ["project_id", "at"])
    op.create_table(
        "activity_targets",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("project_id", BIG_ID, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("stage", sa.String(length=40), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("metric", sa.String(length=30), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "metric IN ('items_per_day', 'items_per_hour', 'gold_accuracy', 'review_pass_rate')",
            name="ck_activity_targets_metric",
        ),
        sa.CheckConstraint("user_id IS NULL OR role IS NULL", name="ck_activity_targets_scope"),
        sa.CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
            name="ck_activity_targets_weekday",
        ),
        sa.CheckConstraint("value >= 0", name="ck_activity_targets_value"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_targets_project", "activity_targets", ["project_id", "metric"])
    op.create_table(
        "activity_settings",
        sa.Column("project_id", BIG_ID, nullable=False),
        sa.Column("max_gap_s", sa.Integer(), nullable=False),
        sa.Column("session_gap_s", sa.Integer(), nullable=False),
        sa.Column("too_fast_ratio", sa.Float(), nullable=False),
        sa.Column("too_fast_min_s", sa.Float(), nullable=False),
        sa.Column("long_idle_share", sa.Float(), nullable=False),
        sa.Column("fix_counts_as_pass", sa.Boolean(), nullable=False),
        sa.Column("updated_by", BIG_ID, nullable=True),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("project_id"),
    )


def downgrade() -> None:
    op.drop_table("activity_settings")
    op.drop_index("ix_activity_targets_project", table_name="activity_targets")
    op.drop_table("activity_targets")
    op.drop_index("ix_activity_events_project_at", table_name="activity_events")
    op.drop_index("ix_activity_events_assignment", table_name="activity_events")
    op.drop_index("ix_activity_events_user_at", table_name="activity_events")
    op.drop_table("activity_events")
