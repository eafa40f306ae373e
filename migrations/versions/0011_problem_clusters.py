"""problem lists: specific problems (clusters), the sources behind an item, the office's merge/split decisions

Revision ID: 0011_problem_clusters
Revises: 0010_comment_uncertainty
Create Date: 2026-12-05 12:00:00

Hand-written and self-contained (no app imports). Existing items keep their sources ('theme',
'question', 'manual') and have no cluster id or linked sources.
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_problem_clusters'
down_revision = '0010_comment_uncertainty'
branch_labels = None
depends_on = None

OLD_SOURCES = "source IN ('theme', 'question', 'manual')"
NEW_SOURCES = "source IN ('theme', 'question', 'manual', 'cluster', 'evidence')"


def upgrade():
    with op.batch_alter_table('problem_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cluster_id', sa.String(length=40), nullable=True))
        batch_op.drop_constraint(op.f('ck_problem_items_source'), type_='check')
        batch_op.create_check_constraint('source', NEW_SOURCES)

    op.create_table('problem_item_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=True),
    sa.CheckConstraint("kind IN ('survey', 'complaint', 'hotline', 'finding')", name=op.f('ck_problem_item_sources_kind')),
    sa.ForeignKeyConstraint(['item_id'], ['problem_items.id'], name=op.f('fk_problem_item_sources_item_id_problem_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_item_sources')),
    sa.UniqueConstraint('item_id', 'kind', 'ref_id', name=op.f('uq_problem_item_sources_item_id_kind_ref_id'))
    )
    op.create_index('ix_problem_item_sources_ref', 'problem_item_sources', ['kind', 'ref_id'], unique=False)

    op.create_table('problem_clusters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=False),
    sa.Column('cluster_id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('signature', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_problem_clusters_hospital_id_hospitals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_clusters')),
    sa.UniqueConstraint('hospital_id', 'month', 'theme', 'cluster_id', name=op.f('uq_problem_clusters_hospital_id_month_theme_cluster_id'))
    )

    op.create_table('problem_cluster_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('cluster_id', sa.String(length=40), nullable=False),
    sa.Column('into', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('signature', sa.JSON(), nullable=False),
    sa.Column('rest', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('merge', 'split')", name=op.f('ck_problem_cluster_decisions_kind')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_problem_cluster_decisions_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_problem_cluster_decisions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_cluster_decisions'))
    )
    op.create_index('ix_problem_cluster_decisions_hospital', 'problem_cluster_decisions', ['hospital_id', 'theme'],
                    unique=False)


def downgrade():
    op.drop_index('ix_problem_cluster_decisions_hospital', table_name='problem_cluster_decisions')
    op.drop_table('problem_cluster_decisions')
    op.drop_table('problem_clusters')
    op.drop_index('ix_problem_item_sources_ref', table_name='problem_item_sources')
    op.drop_table('problem_item_sources')
    op.execute("DELETE FROM problem_items WHERE source IN ('cluster', 'evidence')")
    with op.batch_alter_table('problem_items', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_problem_items_source'), type_='check')
        batch_op.create_check_constraint('source', OLD_SOURCES)
        batch_op.drop_column('cluster_id')
