"""quiz entries answered like tasks: a gold item and the answer expected of it

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "qualification_gold_entries",
        sa.Column("quiz_id", ID, nullable=False),
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("item_id", ID, nullable=False),
        sa.Column("answer", JSON, nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["quiz_id"], ["qualification_quizzes.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("quiz_id", "entry_id"),
        sa.UniqueConstraint("quiz_id", "item_id", name="uq_qualification_gold_entries_item"),
    )
    op.create_index("ix_qualification_gold_entries_item", "qualification_gold_entries", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_qualification_gold_entries_item", table_name="qualification_gold_entries")
    op.drop_table("qualification_gold_entries")
