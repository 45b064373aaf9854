"""urgent alerts, concerns, voice recordings of information pages, outbox priority

Revision ID: 0008_13b
Revises: 0007
Create Date: 2026-11-30 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008_13b"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("listen_locale", sa.String(length=8), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "urgent_alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("taken_by", sa.BigInteger(), nullable=True),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=True),
        sa.Column("repeat_message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urgent_alerts")),
    )
    with op.batch_alter_table("urgent_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_urgent_alerts_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_urgent_alerts_staff_message_id"), ["staff_message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_urgent_alerts_repeat_message_id"), ["repeat_message_id"], unique=False
        )

    op.create_table(
        "concerns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text_enc", sa.Text(), nullable=True),
        sa.Column("file_enc", sa.Text(), nullable=True),
        sa.Column("registration_enc", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concerns")),
        sa.UniqueConstraint("reference", name=op.f("uq_concerns_reference")),
    )
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concerns_user_id"), ["user_id"], unique=False)

    op.create_table(
        "voice_recordings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("file_id", sa.String(length=255), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_recordings")),
        sa.UniqueConstraint(
            "topic", "page", "locale", name="uq_voice_recordings_topic_page_locale"
        ),
    )


def downgrade() -> None:
    op.drop_table("voice_recordings")
    with op.batch_alter_table("concerns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concerns_user_id"))
    op.drop_table("concerns")
    with op.batch_alter_table("urgent_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_repeat_message_id"))
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_staff_message_id"))
        batch_op.drop_index(batch_op.f("ix_urgent_alerts_user_id"))
    op.drop_table("urgent_alerts")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("priority")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("listen_locale")
