"""urgent alerts the office judged not urgent (误报)

Revision ID: 0006_false_alarm
Revises: 0005_indicators
Create Date: 2026-12-02 02:15:00

Hand-written and self-contained (no app imports). Existing alerts are not false alarms.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_false_alarm'
down_revision = '0005_indicators'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('urgent_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('false_alarm', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('urgent_alerts', schema=None) as batch_op:
        batch_op.drop_column('false_alarm')
