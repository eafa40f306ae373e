"""complaints: cases, their departments, themes and timeline; the complaint-office role

Revision ID: 0012_complaints
Revises: 0011_problem_clusters
Create Date: 2026-12-05 11:40:00

Hand-written and self-contained (no app imports).
"""
import sqlalchemy as sa
from alembic import op

revision = '0012_complaints'
down_revision = '0011_problem_clusters'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('admin', 'quality', 'dept_head', 'volunteer', 'commission')"
NEW_ROLES = "role IN ('admin', 'quality', 'dept_head', 'volunteer', 'commission', 'complaints')"
CHANNELS = "channel IN ('onsite', 'phone', 'letter', 'mailbox', 'online', '12345', '12320', 'survey', 'other')"
SATISFACTION = "satisfaction IS NULL OR satisfaction IN ('satisfied', 'basically', 'dissatisfied', 'unreachable')"
EVENTS = ("kind IN ('received', 'handover', 'reply', 'callback', 'outcome', 'reminder', 'escalation', "
          "'closed', 'note')")


def _roles(check):
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', check)


def upgrade():
    _roles(NEW_ROLES)
    op.create_table('complaint_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('external_ref', sa.String(length=64), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('complainant_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('contact_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('contact_consent', sa.Boolean(), nullable=False),
    sa.Column('multi_department', sa.Boolean(), nullable=False),
    sa.Column('on_the_spot', sa.Boolean(), nullable=False),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('deadline_days', sa.SmallInteger(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('calendar_warning', sa.String(length=200), nullable=True),
    sa.Column('first_reply_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('satisfaction', sa.String(length=14), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('due_soon_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('response_id', sa.Integer(), nullable=True),
    sa.Column('classify_status', sa.String(length=10), nullable=False),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('classified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('urgent_reason', sa.String(length=24), nullable=True),
    sa.Column('uncertainty', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(CHANNELS, name=op.f('ck_complaint_cases_channel')),
    sa.CheckConstraint("kind IN ('complaint', 'revisit')", name=op.f('ck_complaint_cases_kind')),
    sa.CheckConstraint("status IN ('open', 'replied', 'closed')", name=op.f('ck_complaint_cases_status')),
    sa.CheckConstraint("classify_status IN ('pending', 'done', 'failed')",
                       name=op.f('ck_complaint_cases_classify_status')),
    sa.CheckConstraint(SATISFACTION, name=op.f('ck_complaint_cases_satisfaction')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_complaint_cases_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], name=op.f('fk_complaint_cases_received_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_complaint_cases_owner_id_users')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_complaint_cases_comment_id_comments'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'],
                            name=op.f('fk_complaint_cases_response_id_responses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_cases')),
    sa.UniqueConstraint('hospital_id', 'number', name=op.f('uq_complaint_cases_hospital_id_number')),
    sa.UniqueConstraint('hospital_id', 'external_ref', name=op.f('uq_complaint_cases_hospital_id_external_ref')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_complaint_cases_comment_id')),
    sa.UniqueConstraint('response_id', name=op.f('uq_complaint_cases_response_id')),
    )
    with op.batch_alter_table('complaint_cases', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_cases_hospital_status_due', ['hospital_id', 'status', 'due_on'])
        batch_op.create_index('ix_complaint_cases_classify', ['classify_status', 'created_at'])
        batch_op.create_index(batch_op.f('ix_complaint_cases_received_at'), ['received_at'])
        batch_op.create_index(batch_op.f('ix_complaint_cases_owner_id'), ['owner_id'])

    op.create_table('case_departments',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'],
                            name=op.f('fk_case_departments_case_id_complaint_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_case_departments_department_id_departments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'department_id', name=op.f('pk_case_departments')),
    )
    op.create_table('case_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=False),
    sa.Column('polarity', sa.String(length=3), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.CheckConstraint("polarity IN ('pos', 'neg')", name=op.f('ck_case_themes_polarity')),
    sa.CheckConstraint("source IN ('model', 'staff')", name=op.f('ck_case_themes_source')),
    sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'],
                            name=op.f('fk_case_themes_case_id_complaint_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_themes')),
    sa.UniqueConstraint('case_id', 'theme', 'source', name=op.f('uq_case_themes_case_id_theme_source')),
    )
    with op.batch_alter_table('case_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_themes_case_id'), ['case_id'])
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.CheckConstraint(EVENTS, name=op.f('ck_case_events_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'],
                            name=op.f('fk_case_events_case_id_complaint_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_case_events_user_id_users')),
    sa.ForeignKeyConstraint(['to_user_id'], ['users.id'], name=op.f('fk_case_events_to_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events')),
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_at', ['case_id', 'at'])


def downgrade():
    op.drop_table('case_events')
    op.drop_table('case_themes')
    op.drop_table('case_departments')
    op.drop_table('complaint_cases')
    op.execute("DELETE FROM users WHERE role = 'complaints'")
    _roles(OLD_ROLES)
