"""comments: the model's uncertainty (the office's 请确认 queue)

Revision ID: 0010_comment_uncertainty
Revises: 0009_kiosk_tablets
Create Date: 2026-12-05 09:00:00

Hand-written and self-contained (no app imports). Comments classified before have no uncertainty and
stay out of the queue until reclassified.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_comment_uncertainty'
down_revision = '0009_kiosk_tablets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uncertainty', sa.Float(), nullable=True))
        batch_op.create_index('ix_comments_uncertainty', ['uncertainty'])


def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index('ix_comments_uncertainty')
        batch_op.drop_column('uncertainty')
