"""quality steps enqueued with the submit they concern

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import truthline.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "quality_outbox",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("project_id", BIG_ID, nullable=False),
        sa.Column("annotation_id", BIG_ID, nullable=False),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.Column("done_at", truthline.db.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["annotation_id"], ["annotations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("annotation_id", name="uq_quality_outbox_annotation"),
    )
    op.create_index(
        "ix_quality_outbox_pending",
        "quality_outbox",
        ["created_at"],
        sqlite_where=sa.text("done_at IS NULL"),
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.create_index("ix_quality_outbox_done", "quality_outbox", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_quality_outbox_done", table_name="quality_outbox")
    op.drop_index("ix_quality_outbox_pending", table_name="quality_outbox")
    op.drop_table("quality_outbox")
