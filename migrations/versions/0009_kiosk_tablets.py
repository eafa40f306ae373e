"""kiosk tablets: expiring enrolment links, a bounded tablet cookie, revocation, per-tablet idle timeout

Revision ID: 0009_kiosk_tablets
Revises: 0008_receipts_retention
Create Date: 2026-12-05 08:40:00

Hand-written and self-contained (no app imports). Tablets enrolled before this revision keep working
for 30 days (their cookie's server-side life starts now); enrolment links not yet used expire in 24 hours.
"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


revision = '0009_kiosk_tablets'
down_revision = '0008_receipts_retention'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrol_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('device_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('idle_seconds', sa.Integer(), nullable=False, server_default='300'))
    devices = sa.table('kiosk_devices', sa.column('device_hash', sa.String), sa.column('enrol_token', sa.String),
                       sa.column('device_expires_at', sa.DateTime(timezone=True)),
                       sa.column('enrol_expires_at', sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    op.execute(devices.update().where(devices.c.device_hash.is_not(None))
               .values(device_expires_at=now + timedelta(days=30)))
    op.execute(devices.update().where(devices.c.enrol_token.is_not(None))
               .values(enrol_expires_at=now + timedelta(hours=24)))


def downgrade():
    with op.batch_alter_table('kiosk_devices', schema=None) as batch_op:
        batch_op.drop_column('idle_seconds')
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('device_expires_at')
        batch_op.drop_column('enrolled_at')
        batch_op.drop_column('enrol_expires_at')
