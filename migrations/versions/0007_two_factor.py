"""staff two-factor sign-in (TOTP): an encrypted secret and the last time step used

Revision ID: 0007_two_factor
Revises: 0006_false_alarm
Create Date: 2026-12-05 08:40:00

Hand-written and self-contained (no app imports). Existing accounts have no second factor yet.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_two_factor'
down_revision = '0006_false_alarm'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
