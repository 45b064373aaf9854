"""staff chat migrations (a group upgraded to a supergroup gets a new id)

Revision ID: 0010_15a
Revises: 0009_15b
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_15a"
down_revision: str | None = "0009_15b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_chat_migrations",
        sa.Column("from_chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("to_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("migrated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("from_chat_id", name=op.f("pk_staff_chat_migrations")),
    )


def downgrade() -> None:
    op.drop_table("staff_chat_migrations")
