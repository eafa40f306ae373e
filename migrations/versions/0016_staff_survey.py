"""staff satisfaction survey: rounds, units with their links, anonymous responses, answers, comments

Revision ID: 0016_staff_survey
Revises: 0015_followup
Create Date: 2026-12-05 11:50:00

Self-contained (no app imports); new tables only, so nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_staff_survey'
down_revision = '0015_followup'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_staff_surveys_status')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_staff_surveys_hospital_id_hospitals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_surveys')),
    sa.UniqueConstraint('hospital_id', 'code', name=op.f('uq_staff_surveys_hospital_id_code'))
    )
    with op.batch_alter_table('staff_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_surveys_hospital_id'), ['hospital_id'], unique=False)

    op.create_table('staff_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('division', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_staff_units_department_id_departments')),
    sa.ForeignKeyConstraint(['survey_id'], ['staff_surveys.id'], name=op.f('fk_staff_units_survey_id_staff_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_units')),
    sa.UniqueConstraint('survey_id', 'code', name=op.f('uq_staff_units_survey_id_code')),
    sa.UniqueConstraint('token', name=op.f('uq_staff_units_token'))
    )
    with op.batch_alter_table('staff_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_units_survey_id'), ['survey_id'], unique=False)

    op.create_table('staff_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('bank_version_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.CheckConstraint("category IN ('doctor', 'nurse', 'medtech', 'admin')", name=op.f('ck_staff_responses_category')),
    sa.ForeignKeyConstraint(['bank_version_id'], ['bank_versions.id'], name=op.f('fk_staff_responses_bank_version_id_bank_versions')),
    sa.ForeignKeyConstraint(['unit_id'], ['staff_units.id'], name=op.f('fk_staff_responses_unit_id_staff_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_responses')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_staff_responses_submission_key'))
    )
    with op.batch_alter_table('staff_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_responses_unit_id'), ['unit_id'], unique=False)

    op.create_table('staff_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_code', sa.String(length=48), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=True),
    sa.Column('option', sa.String(length=48), nullable=True),
    sa.CheckConstraint('score IS NULL OR (score BETWEEN 1 AND 5)', name=op.f('ck_staff_answers_score_range')),
    sa.ForeignKeyConstraint(['response_id'], ['staff_responses.id'], name=op.f('fk_staff_answers_response_id_staff_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_answers')),
    sa.UniqueConstraint('response_id', 'question_code', name=op.f('uq_staff_answers_response_id_question_code'))
    )
    with op.batch_alter_table('staff_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_answers_response_id'), ['response_id'], unique=False)

    op.create_table('staff_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('classified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('problem_item_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['problem_item_id'], ['problem_items.id'], name=op.f('fk_staff_comments_problem_item_id_problem_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['staff_responses.id'], name=op.f('fk_staff_comments_response_id_staff_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_comments')),
    sa.UniqueConstraint('response_id', name=op.f('uq_staff_comments_response_id'))
    )


def downgrade():
    op.drop_table('staff_comments')
    with op.batch_alter_table('staff_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_answers_response_id'))

    op.drop_table('staff_answers')
    with op.batch_alter_table('staff_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_responses_unit_id'))

    op.drop_table('staff_responses')
    with op.batch_alter_table('staff_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_units_survey_id'))

    op.drop_table('staff_units')
    with op.batch_alter_table('staff_surveys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_surveys_hospital_id'))

    op.drop_table('staff_surveys')
