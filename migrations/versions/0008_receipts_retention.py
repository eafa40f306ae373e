"""receipt codes (hashed), removal of free text after the retention period, daily device-hash keys

Revision ID: 0008_receipts_retention
Revises: 0007_two_factor
Create Date: 2026-12-05 08:40:00

Hand-written and self-contained (no app imports). Existing responses have no receipt; existing device
hashes were made with the old long-lived key and simply age out of the duplicate window.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_receipts_retention'
down_revision = '0007_two_factor'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_responses_receipt_hash'), ['receipt_hash'])
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_removed_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'device_keys',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_device_keys')),
    )


def downgrade():
    op.drop_table('device_keys')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_column('text_removed_at')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_responses_receipt_hash'), type_='unique')
        batch_op.drop_column('receipt_hash')
