"""findings: problems heard at forums, from supervisors and on staff walk-throughs

Revision ID: 0013_findings
Revises: 0012_complaints
Create Date: 2026-12-05 11:40:00

Hand-written and self-contained (no app imports).
"""
from alembic import op
import sqlalchemy as sa


revision = '0013_findings'
down_revision = '0012_complaints'
branch_labels = None
depends_on = None

SOURCES = "source IN ('forum', 'deputies', 'supervisor', 'walkthrough')"


def upgrade():
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(SOURCES, name=op.f('ck_findings_source')),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_findings_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                            name=op.f('fk_findings_department_id_departments')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_findings_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    )
    op.create_index('ix_findings_hospital_found_on', 'findings', ['hospital_id', 'found_on'])
    op.create_index(op.f('ix_findings_department_id'), 'findings', ['department_id'])
    op.create_table('finding_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('theme', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_finding_themes_finding_id_findings'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_themes')),
    sa.UniqueConstraint('finding_id', 'theme', name=op.f('uq_finding_themes_finding_id_theme')),
    )
    op.create_index(op.f('ix_finding_themes_finding_id'), 'finding_themes', ['finding_id'])
    op.create_index(op.f('ix_finding_themes_theme'), 'finding_themes', ['theme'])


def downgrade():
    op.drop_table('finding_themes')
    op.drop_table('findings')
