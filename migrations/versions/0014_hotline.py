"""hotline: 12345/12320 work orders (each one a complaint case) and the imports that brought them

Revision ID: 0014_hotline
Revises: 0013_findings
Create Date: 2026-12-05 12:10:00

Hand-written and self-contained (no app imports).
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_hotline'
down_revision = '0013_findings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hotline_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('platform', sa.String(length=40), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('imported', sa.Integer(), nullable=False),
    sa.Column('already', sa.Integer(), nullable=False),
    sa.Column('bad', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_hotline_imports_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hotline_imports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_imports')),
    )
    op.create_index(op.f('ix_hotline_imports_hospital_id'), 'hotline_imports', ['hospital_id'])
    op.create_table('hotline_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hospital_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('order_no', sa.String(length=64), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('platform_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('order_type', sa.String(length=30), nullable=True),
    sa.Column('department_text', sa.String(length=100), nullable=True),
    sa.Column('reply_exported_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['complaint_cases.id'], name=op.f('fk_hotline_orders_case_id_complaint_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hospital_id'], ['hospitals.id'], name=op.f('fk_hotline_orders_hospital_id_hospitals')),
    sa.ForeignKeyConstraint(['import_id'], ['hotline_imports.id'],
                            name=op.f('fk_hotline_orders_import_id_hotline_imports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_orders')),
    sa.UniqueConstraint('case_id', name=op.f('uq_hotline_orders_case_id')),
    sa.UniqueConstraint('hospital_id', 'order_no', name=op.f('uq_hotline_orders_hospital_id_order_no')),
    )
    op.create_index('ix_hotline_orders_hospital_due', 'hotline_orders', ['hospital_id', 'platform_due_at'])
    op.create_index(op.f('ix_hotline_orders_import_id'), 'hotline_orders', ['import_id'])


def downgrade():
    op.drop_table('hotline_orders')
    op.drop_table('hotline_imports')
