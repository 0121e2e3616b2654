"""the questions portal: tickets, replies, SLA policies, notifications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import truthline.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TS = truthline.db.types.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("item_id", ID, nullable=True),
        sa.Column("guideline_section", sa.String(length=40), nullable=True),
        sa.Column("guideline_version", sa.Integer(), nullable=True),
        sa.Column("asker_id", ID, nullable=False),
        sa.Column("assignee_id", ID, nullable=True),
        sa.Column("assignee_group", sa.String(length=20), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("draft", JSON, nullable=True),
        sa.Column("parked_assignment_id", ID, nullable=True),
        sa.Column("released_at", TS(), nullable=True),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("escalated_at", TS(), nullable=True),
        sa.Column("response_due_at", TS(), nullable=False),
        sa.Column("resolution_due_at", TS(), nullable=False),
        sa.Column("response_warn_at", TS(), nullable=False),
        sa.Column("resolution_warn_at", TS(), nullable=False),
        sa.Column("response_warned", sa.Boolean(), nullable=False),
        sa.Column("resolution_warned", sa.Boolean(), nullable=False),
        sa.Column("response_breached", sa.Boolean(), nullable=False),
        sa.Column("resolution_breached", sa.Boolean(), nullable=False),
        sa.Column("first_response_at", TS(), nullable=True),
        sa.Column("resolved_at", TS(), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("updated_at", TS(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["asker_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["parked_assignment_id"], ["assignments.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_questions_project", "questions", ["project_id", "status", "created_at"])
    op.create_index("ix_questions_asker", "questions", ["asker_id", "created_at"])
    op.create_index("ix_questions_assignee", "questions", ["assignee_id", "status"])
    op.create_index("ix_questions_item", "questions", ["item_id"])
    op.create_index(
        "ix_questions_open_due",
        "questions",
        ["response_warn_at"],
        sqlite_where=sa.text("resolved_at IS NULL"),
        postgresql_where=sa.text("resolved_at IS NULL"),
    )
    op.create_table(
        "question_replies",
        sa.Column("id", ID, nullable=False),
        sa.Column("question_id", ID, nullable=False),
        sa.Column("author_id", ID, nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("faq_version", sa.Integer(), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_question_replies_question", "question_replies", ["question_id", "id"])
    op.create_table(
        "question_settings",
        sa.Column("project_id", ID, nullable=False),
        sa.Column("calendar", JSON, nullable=True),
        sa.Column("routing", JSON, nullable=False),
        sa.Column("policies", JSON, nullable=False),
        sa.Column("updated_by", ID, nullable=True),
        sa.Column("updated_at", TS(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "notifications",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("created_at", TS(), nullable=False),
        sa.Column("read_at", TS(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "id"])
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["user_id"],
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_notifications_user", table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("question_settings")
    op.drop_index("ix_question_replies_question", table_name="question_replies")
    op.drop_table("question_replies")
    for name in (
        "ix_questions_open_due",
        "ix_questions_item",
        "ix_questions_assignee",
        "ix_questions_asker",
        "ix_questions_project",
    ):
        op.drop_index(name, table_name="questions")
    op.drop_table("questions")
