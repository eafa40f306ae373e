"""discharge follow-up: campaigns, invitations, messages, opt-outs; responses carry campaign and channel

Revision ID: 0015_followup
Revises: 0014_hotline
Create Date: 2026-12-05 11:40:00

Hand-written and self-contained (no app imports).
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_followup'
down_revision = '0014_hotline'
branch_labels = None
depends_on = None

CHANNELS = "channel IN ('sms', 'email', 'letter')"


def upgrade():
    op.create_table(
        'followup_campaigns',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('hospital_id', sa.Integer(), sa.ForeignKey('hospitals.id'), nullable=False, index=True),
        sa.Column('name', sa.String(200), nullable=False),
        sa.Column('status', sa.String(10), nullable=False),
        sa.Column('reminder_days', sa.SmallInteger(), nullable=False),
        sa.Column('retention_days', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True)),
        sa.Column('purged_at', sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('open', 'closed', 'purged')", name='status'),
    )
    op.create_table(
        'followup_wards',
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('departments.id'), primary_key=True),
        sa.Column('delay_days', sa.SmallInteger(), nullable=False),
    )
    op.create_table(
        'followup_invitations',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('campaign_id', sa.Integer(), sa.ForeignKey('followup_campaigns.id'), nullable=False, index=True),
        sa.Column('department_id', sa.Integer(), sa.ForeignKey('departments.id'), nullable=False),
        sa.Column('point_id', sa.Integer(), sa.ForeignKey('survey_points.id'), nullable=False),
        sa.Column('channel', sa.String(10), nullable=False),
        sa.Column('discharged_on', sa.Date(), nullable=False),
        sa.Column('admission_hash', sa.String(64)),
        sa.Column('name_encrypted', sa.LargeBinary()),
        sa.Column('phone_encrypted', sa.LargeBinary()),
        sa.Column('email_encrypted', sa.LargeBinary()),
        sa.Column('token', sa.String(64), nullable=False, unique=True),
        sa.Column('opened_at', sa.DateTime(timezone=True)),
        sa.Column('answered_at', sa.DateTime(timezone=True)),
        sa.Column('opted_out_at', sa.DateTime(timezone=True)),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint('campaign_id', 'admission_hash'),
        sa.CheckConstraint(CHANNELS, name='channel'),
    )
    op.create_table(
        'followup_messages',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('invitation_id', sa.Integer(), sa.ForeignKey('followup_invitations.id'), nullable=False,
                  index=True),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('channel', sa.String(10), nullable=False),
        sa.Column('state', sa.String(10), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('client_ref', sa.String(40), nullable=False, unique=True),
        sa.Column('claimed_by', sa.String(40)),
        sa.Column('claimed_at', sa.DateTime(timezone=True)),
        sa.Column('finished_at', sa.DateTime(timezone=True)),
        sa.Column('delivered_at', sa.DateTime(timezone=True)),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('provider_ref', sa.String(80)),
        sa.Column('error', sa.String(40)),
        sa.UniqueConstraint('invitation_id', 'kind'),
        sa.CheckConstraint("kind IN ('invite', 'reminder')", name='kind'),
        sa.CheckConstraint("state IN ('pending', 'claimed', 'sending', 'sent', 'failed', 'unknown', 'skipped')",
                           name='state'),
        sa.CheckConstraint(CHANNELS, name='channel'),
        sa.Index('ix_followup_messages_due', 'state', 'channel', 'due_at'),
    )
    op.create_table(
        'followup_optouts',
        sa.Column('contact_hash', sa.String(64), primary_key=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('campaign_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(10), nullable=True))
        batch_op.create_index('ix_responses_campaign_id', ['campaign_id'])
        batch_op.create_foreign_key('fk_responses_campaign_id', 'followup_campaigns', ['campaign_id'], ['id'])


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_responses_campaign_id', type_='foreignkey')
        batch_op.drop_index('ix_responses_campaign_id')
        batch_op.drop_column('channel')
        batch_op.drop_column('campaign_id')
    op.drop_table('followup_optouts')
    op.drop_table('followup_messages')
    op.drop_table('followup_invitations')
    op.drop_table('followup_wards')
    op.drop_table('followup_campaigns')
