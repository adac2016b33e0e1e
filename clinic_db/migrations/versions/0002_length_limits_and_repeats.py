"""Every text column refuses over-long values (SQLite ignores VARCHAR lengths);
consult requests can be flagged as a repeat of an open one from the same contact.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LENGTH_LIMITS = {
    "consult_requests": {
        "reference": 16, "channel": 32, "name": 100, "contact": 254, "preferred_time": 200, "concern": 300,
        "status": 16, "dedupe_key": 64, "repeat_of": 16,
    },
    "handoffs": {"channel": 32, "conversation_id": 128, "reason": 200, "status": 16},
    "sms_opt_outs": {"number_hash": 64},
}


def check_name(table: str, column: str) -> str:
    return f"ck_{table}_{column}_length"


def upgrade() -> None:
    with op.batch_alter_table("consult_requests") as batch:
        batch.add_column(sa.Column("repeat_of", sa.String(16), nullable=True))
        batch.create_foreign_key("fk_consult_requests_repeat_of", "consult_requests", ["repeat_of"], ["reference"])
    for table, limits in LENGTH_LIMITS.items():
        for column, limit in limits.items():
            # SQLite may hold longer values stored before this revision; cut them so the check can apply.
            op.execute(f"UPDATE {table} SET {column} = substr({column}, 1, {limit}) WHERE length({column}) > {limit}")
        with op.batch_alter_table(table) as batch:
            for column, limit in limits.items():
                batch.create_check_constraint(check_name(table, column), f"length({column}) <= {limit}")


def downgrade() -> None:
    for table, limits in LENGTH_LIMITS.items():
        with op.batch_alter_table(table) as batch:
            for column in limits:
                batch.drop_constraint(check_name(table, column), type_="check")
    with op.batch_alter_table("consult_requests") as batch:
        batch.drop_constraint("fk_consult_requests_repeat_of", type_="foreignkey")
        batch.drop_column("repeat_of")
