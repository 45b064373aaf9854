"""announcements (staff messages to a segment), their deliveries, and the person's opt-out

Revision ID: 0012_18b
Revises: 0011_18a_console_access
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_18b"
down_revision: str | None = "0011_18a_console_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column(
                "announcements_stopped", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("segment", sa.Text(), nullable=False),
        sa.Column("texts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_table(
        "announcement_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_deliveries_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement_deliveries")),
        sa.UniqueConstraint(
            "announcement_id", "user_id", name="uq_announcement_deliveries_announcement_id_user_id"
        ),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_announcement_deliveries_dedupe_key")),
    )
    op.create_index(
        op.f("ix_announcement_deliveries_announcement_id"),
        "announcement_deliveries",
        ["announcement_id"],
    )
    op.create_index(
        op.f("ix_announcement_deliveries_user_id"), "announcement_deliveries", ["user_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_announcement_deliveries_user_id"), "announcement_deliveries")
    op.drop_index(op.f("ix_announcement_deliveries_announcement_id"), "announcement_deliveries")
    op.drop_table("announcement_deliveries")
    op.drop_table("announcements")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("announcements_stopped")
