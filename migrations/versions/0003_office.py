"""office review: problem lists and ledger items, 督办 notes, comment reviews

Revision ID: 0003_office
Revises: 0002_staff
Create Date: 2026-11-22 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_office'
down_revision = '0002_staff'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('problem_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('prev_responses', sa.Integer(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_problem_lists_department_id_departments')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_problem_lists_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_problem_lists_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_lists')),
    sa.UniqueConstraint('hospital_id', 'scope_key', 'month', name=op.f('uq_problem_lists_hospital_id_scope_key_month'))
    )
    with op.batch_alter_table('problem_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_lists_hospital_id'), ['hospital_id'], unique=False)

    op.create_table('problem_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=True),
    sa.Column('question_code', sa.String(length=48), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('origin_month', sa.String(length=7), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('measure', sa.Text(), nullable=True),
    sa.Column('owner_office', sa.String(length=100), nullable=True),
    sa.Column('owner_person', sa.String(length=100), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('measure_taken', sa.Text(), nullable=True),
    sa.Column('closure_evidence', sa.Text(), nullable=True),
    sa.Column('reopened_count', sa.Integer(), nullable=False),
    sa.Column('last_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('theme', 'question', 'manual')", name=op.f('ck_problem_items_source')),
    sa.CheckConstraint("status IN ('draft', 'open', 'in_progress', 'closed', 'rejected', 'merged', 'carried')", name=op.f('ck_problem_items_status')),
    sa.ForeignKeyConstraint(['carried_from_id'], ['problem_items.id'], name=op.f('fk_problem_items_carried_from_id_problem_items')),
    sa.ForeignKeyConstraint(['closed_by'], ['users.id'], name=op.f('fk_problem_items_closed_by_users')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_problem_items_department_id_departments')),
    sa.ForeignKeyConstraint(['list_id'], ['problem_lists.id'], name=op.f('fk_problem_items_list_id_problem_lists'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['merged_into_id'], ['problem_items.id'], name=op.f('fk_problem_items_merged_into_id_problem_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_items')),
    sa.UniqueConstraint('carried_from_id', name=op.f('uq_problem_items_carried_from_id'))
    )
    with op.batch_alter_table('problem_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_items_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_problem_items_list_status', ['list_id', 'status'], unique=False)

    op.create_table('comment_reviews',
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_by', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_comment_reviews_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by'], ['users.id'], name=op.f('fk_comment_reviews_reviewed_by_users')),
    sa.PrimaryKeyConstraint('comment_id', name=op.f('pk_comment_reviews'))
    )
    with op.batch_alter_table('comment_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comment_reviews_reviewed_at'), ['reviewed_at'], unique=False)

    op.create_table('problem_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('progress', 'reminder')", name=op.f('ck_problem_notes_kind')),
    sa.ForeignKeyConstraint(['item_id'], ['problem_items.id'], name=op.f('fk_problem_notes_item_id_problem_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_problem_notes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_notes'))
    )
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_notes_item_id'), ['item_id'], unique=False)


def downgrade():
    with op.batch_alter_table('problem_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_notes_item_id'))

    op.drop_table('problem_notes')
    with op.batch_alter_table('comment_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comment_reviews_reviewed_at'))

    op.drop_table('comment_reviews')
    with op.batch_alter_table('problem_items', schema=None) as batch_op:
        batch_op.drop_index('ix_problem_items_list_status')
        batch_op.drop_index(batch_op.f('ix_problem_items_department_id'))

    op.drop_table('problem_items')
    with op.batch_alter_table('problem_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_lists_hospital_id'))

    op.drop_table('problem_lists')
