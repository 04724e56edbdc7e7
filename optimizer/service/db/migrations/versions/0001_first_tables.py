"""The platform's first tables: days, their stations and officers, requests, slots, plans.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

Written from Alembic's autogenerate output against `db/tables.py`, then folded by hand:
every table but `day` belongs to a day (an id, the day's key, deleted with it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(length=64)
MOMENT = sa.DateTime(timezone=True)


def _of_a_day(name: str, *columns, unique: tuple[str, ...] = ()) -> None:
    """A table whose rows belong to a day, with an index on the day."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["day_id"], ["day.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        *([sa.UniqueConstraint("day_id", *unique)] if unique else []),
    )
    op.create_index(f"ix_{name}_day_id", name, ["day_id"])


def upgrade() -> None:
    op.create_table(
        "day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("planning_until", MOMENT, nullable=True),
        sa.Column("loaded_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("date"),
    )
    _of_a_day(
        "station",
        sa.Column("station_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("max_visitors", sa.Integer(), nullable=True),
        sa.Column("rooms", sa.JSON(), nullable=False),
        sa.Column("bays", sa.JSON(), nullable=False),
        unique=("station_id",),
    )
    _of_a_day(
        "officer",
        sa.Column("officer_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("station_id", ID, nullable=False),
        sa.Column("shift", sa.String(length=20), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("max_supervision_minutes", sa.Integer(), nullable=True),
        sa.Column("max_handovers", sa.Integer(), nullable=True),
        unique=("officer_id",),
    )
    _of_a_day(
        "request",
        sa.Column("request_id", ID, nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=True, unique=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("category", ID, nullable=False),
        sa.Column("stations", sa.JSON(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("seller", ID, nullable=False),
        sa.Column("buyer", ID, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("party_size", sa.Integer(), nullable=False),
        sa.Column("submitted", MOMENT, nullable=True),
        *(sa.Column(name, ID, nullable=True) for name in ("lock_station",)),
        sa.Column("lock_start", sa.Integer(), nullable=True),
        *(sa.Column(name, ID, nullable=True) for name in ("lock_place", "lock_officer", "station", "place", "officer")),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("cancelled_at", MOMENT, nullable=True),
        unique=("request_id",),
    )
    op.create_index("ix_request_status", "request", ["status"])
    _of_a_day(
        "plan_run",
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("folder", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
    )
    op.create_table(
        "slot",
        sa.Column("day_id", sa.Integer(), nullable=False),
        sa.Column("resource", sa.String(length=80), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("request_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["day_id"], ["day.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_pk"], ["request.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("day_id", "resource", "slot"),
    )
    op.create_index("ix_slot_request_pk", "slot", ["request_pk"])


def downgrade() -> None:
    for table in ("slot", "plan_run", "request", "officer", "station", "day"):
        op.drop_table(table)
