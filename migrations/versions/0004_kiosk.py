"""kiosk interviews: who interviewed, on which tablet

Revision ID: 0004_kiosk
Revises: 0003_office
Create Date: 2026-11-22 09:00:00

Hand-written and self-contained (no app imports). Both columns are nullable: self-completed responses
have neither, and rows stored before this revision stay as they were.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_kiosk'
down_revision = '0003_office'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('volunteer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kiosk_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_responses_volunteer_id_users'), 'users',
                                    ['volunteer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_responses_kiosk_id_kiosk_devices'), 'kiosk_devices',
                                    ['kiosk_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_responses_volunteer_id'), ['volunteer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_volunteer_id'))
        batch_op.drop_constraint(batch_op.f('fk_responses_kiosk_id_kiosk_devices'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_responses_volunteer_id_users'), type_='foreignkey')
        batch_op.drop_column('kiosk_id')
        batch_op.drop_column('volunteer_id')
