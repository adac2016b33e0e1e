"""The staff console: staff accounts, their sessions and failed sign-ins, the access
log; consult requests get the statuses new/contacted/booked/closed and a note.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

STATUS_CHECK = "ck_consult_requests_status"
STATUSES = "('new', 'contacted', 'booked', 'closed')"


def length_checks(table: str, limits: dict[str, int]) -> list[sa.CheckConstraint]:
    """The same CHECKs as clinic_db.models.limit_text_lengths (SQLite ignores VARCHAR lengths)."""
    return [
        sa.CheckConstraint(f"length({column}) <= {limit}", name=f"ck_{table}_{column}_length")
        for column, limit in limits.items()
    ]


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *length_checks("staff_users", {"email": 254, "password_hash": 200}),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        *length_checks("staff_sessions", {"token_hash": 64}),
    )
    op.create_index("ix_staff_sessions_staff_id", "staff_sessions", ["staff_id"])
    op.create_table(
        "staff_sign_in_failures",
        sa.Column("email", sa.String(254), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        *length_checks("staff_sign_in_failures", {"email": 254}),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_email", sa.String(254), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("record", sa.String(200), nullable=False),
        *length_checks("access_log", {"staff_email": 254, "action": 32, "record": 200}),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.execute("UPDATE consult_requests SET status = 'new' WHERE status = 'open'")
    op.execute("UPDATE consult_requests SET status = 'closed' WHERE status NOT IN " + STATUSES)
    with op.batch_alter_table("consult_requests") as batch:
        batch.add_column(sa.Column("note", sa.String(1000), nullable=False, server_default=""))
        batch.create_check_constraint("ck_consult_requests_note_length", "length(note) <= 1000")
        batch.create_check_constraint(STATUS_CHECK, "status IN " + STATUSES)


def downgrade() -> None:
    with op.batch_alter_table("consult_requests") as batch:
        batch.drop_constraint(STATUS_CHECK, type_="check")
        batch.drop_constraint("ck_consult_requests_note_length", type_="check")
        batch.drop_column("note")
    op.execute("UPDATE consult_requests SET status = 'open' WHERE status <> 'closed'")
    op.execute("UPDATE consult_requests SET status = 'done' WHERE status = 'closed'")
    op.drop_table("access_log")
    op.drop_table("staff_sign_in_failures")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
