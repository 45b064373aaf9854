"""data key check

Revision ID: 0009_15b
Revises: 0008_13b
Create Date: 2026-11-30 19:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009_15b'
down_revision: str | None = '0008_13b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('data_key_check',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('check_value', sa.Text(), nullable=False),
    sa.Column('pending_value', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_key_check'))
    )


def downgrade() -> None:
    op.drop_table('data_key_check')
