"""Each request remembers the day's version that last changed it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

A booking checks its slot on a snapshot, outside any lock, and its write transaction only
asks whether a row of the same station or parties changed since that snapshot's version.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.add_column(sa.Column("changed", sa.Integer(), nullable=True))
    op.create_index("ix_request_day_changed", "request", ["day_id", "changed"])


def downgrade() -> None:
    op.drop_index("ix_request_day_changed", "request")
    with op.batch_alter_table("request") as batch:
        batch.drop_column("changed")
