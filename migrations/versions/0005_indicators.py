"""indicator cache: answer tallies of closed months and days

Revision ID: 0005_indicators
Revises: 0004_kiosk
Create Date: 2026-11-22 10:00:00

Hand-written and self-contained (no app imports). Only counts are stored; the tables can be emptied at
any time and are rebuilt on demand.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_indicators'
down_revision = '0004_kiosk'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'indicator_periods',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('max_response_id', sa.Integer(), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_periods')),
        sa.UniqueConstraint('period', name=op.f('uq_indicator_periods_period')),
    )
    op.create_table(
        'indicator_cells',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('bank_version_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('mode', sa.String(length=24), nullable=False),
        sa.Column('question_code', sa.String(length=48), nullable=False),
        sa.Column('answers', sa.Integer(), nullable=False),
        sa.Column('top', sa.Integer(), nullable=False),
        sa.Column('score_sum', sa.Integer(), nullable=False),
        sa.Column('na', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['period_id'], ['indicator_periods.id'],
                                name=op.f('fk_indicator_cells_period_id_indicator_periods'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['point_id'], ['survey_points.id'],
                                name=op.f('fk_indicator_cells_point_id_survey_points'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_cells')),
    )
    with op.batch_alter_table('indicator_cells', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_cells_period_point', ['period_id', 'point_id'], unique=False)
    op.create_table(
        'indicator_responses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('mode', sa.String(length=24), nullable=False),
        sa.Column('responses', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['period_id'], ['indicator_periods.id'],
                                name=op.f('fk_indicator_responses_period_id_indicator_periods'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['point_id'], ['survey_points.id'],
                                name=op.f('fk_indicator_responses_point_id_survey_points'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_responses')),
    )
    with op.batch_alter_table('indicator_responses', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_responses_period_point', ['period_id', 'point_id'], unique=False)


def downgrade():
    with op.batch_alter_table('indicator_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_responses_period_point')
    op.drop_table('indicator_responses')
    with op.batch_alter_table('indicator_cells', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_cells_period_point')
    op.drop_table('indicator_cells')
    op.drop_table('indicator_periods')
