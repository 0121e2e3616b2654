"""workforce: teams, skills, languages, schedules

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import truthline.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("role IN ('member', 'lead')", name="ck_team_members_role"),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id", "user_id"),
    )
    op.create_index("ix_team_members_user", "team_members", ["user_id", "team_id"])
    op.create_table(
        "person_skills",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("tag", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("created_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 5)", name="ck_skill_level"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "tag"),
    )
    op.create_index("ix_person_skills_tag", "person_skills", ["tag", "user_id"])
    op.create_table(
        "person_profiles",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "schedules",
        sa.Column("user_id", ID, nullable=False),
        sa.Column("weeks", JSON, nullable=False),
        sa.Column("rotation_start", sa.Date(), nullable=True),
        sa.Column("time_off", JSON, nullable=False),
        sa.Column("updated_by", ID, nullable=True),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "project_requirements",
        sa.Column("project_id", ID, nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("language_field", sa.String(length=80), nullable=True),
        sa.Column("updated_by", ID, nullable=True),
        sa.Column("updated_at", truthline.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("project_id"),
    )


def downgrade() -> None:
    op.drop_table("project_requirements")
    op.drop_table("schedules")
    op.drop_table("person_profiles")
    op.drop_index("ix_person_skills_tag", table_name="person_skills")
    op.drop_table("person_skills")
    op.drop_index("ix_team_members_user", table_name="team_members")
    op.drop_table("team_members")
    op.drop_table("teams")
