"""Hand-offs to programme staff and their messages (bot.handoffs).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("lang", sa.String(length=16), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("bot_answer", sa.Text(), nullable=False),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("waiting_noted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoffs_user_id", "handoffs", ["user_id"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("staff_message_id", sa.BigInteger(), nullable=True),
        sa.Column("staff_user_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["handoff_id"], ["handoffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_handoff_messages_handoff_id", "handoff_messages", ["handoff_id"])
    op.create_index(
        "ix_handoff_messages_staff_message_id", "handoff_messages", ["staff_message_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_handoff_messages_staff_message_id", table_name="handoff_messages")
    op.drop_index("ix_handoff_messages_handoff_id", table_name="handoff_messages")
    op.drop_table("handoff_messages")
    op.drop_index("ix_handoffs_user_id", table_name="handoffs")
    op.drop_table("handoffs")
