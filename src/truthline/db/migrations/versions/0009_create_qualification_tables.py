"""qualification quizzes and guideline images

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import truthline.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "guideline_assets",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "sha256", name="uq_guideline_assets_content"),
    )
    op.create_table(
        "qualification_quizzes",
        sa.Column("id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("guideline_version_id", ID, nullable=False),
        sa.Column("guideline_version", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("cooldown_minutes", sa.Integer(), nullable=False),
        sa.Column("questions", JSON, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["guideline_version_id"], ["guideline_versions.id"], ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guideline_version_id"),
    )
    op.create_index(
        "ix_qualification_quizzes_gate",
        "qualification_quizzes",
        ["project_id", "enabled", "guideline_version"],
    )
    op.create_table(
        "qualification_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("quiz_id", ID, nullable=False),
        sa.Column("project_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("quiz_revision", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["quiz_id"], ["qualification_quizzes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_qualification_attempts_user",
        "qualification_attempts",
        ["quiz_id", "user_id", "passed"],
    )
    op.create_index(
        "ix_qualification_attempts_project", "qualification_attempts", ["project_id", "quiz_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_qualification_attempts_project", table_name="qualification_attempts")
    op.drop_index("ix_qualification_attempts_user", table_name="qualification_attempts")
    op.drop_table("qualification_attempts")
    op.drop_index("ix_qualification_quizzes_gate", table_name="qualification_quizzes")
    op.drop_table("qualification_quizzes")
    op.drop_table("guideline_assets")
