"""Shared state for several bot replicas: dialogues, the broadcast schedule, report turns.

- ``conversations``: where an /announce or /newevent dialogue stands, so the next step may
  reach another replica (bot.dialogue_store).
- ``broadcast_pace``: one schedule of broadcast slots for all senders (bot.broadcast.schedule).
- ``announcements.progress_at`` / ``report_taken_at``: one progress edit per interval and one
  final report, whichever replica sends them.
- ``deliveries.claimed_by`` grows to name the sender as host:pid:id.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcast_pace",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_slot", sa.Float(), nullable=False),
        sa.Column("paused_until", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "conversations",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("busy_until", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "user_id", "name"),
    )
    op.create_index("ix_conversations_updated_at", "conversations", ["updated_at"])
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.add_column(sa.Column("progress_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("report_taken_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.alter_column(
            "claimed_by",
            existing_type=sa.String(length=36),
            type_=sa.String(length=80),
            existing_nullable=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch_op:
        batch_op.alter_column(
            "claimed_by",
            existing_type=sa.String(length=80),
            type_=sa.String(length=36),
            existing_nullable=True,
        )
    with op.batch_alter_table("announcements") as batch_op:
        batch_op.drop_column("report_taken_at")
        batch_op.drop_column("progress_at")
    op.drop_index("ix_conversations_updated_at", table_name="conversations")
    op.drop_table("conversations")
    op.drop_table("broadcast_pace")
