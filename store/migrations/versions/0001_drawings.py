"""The drawings table: what was drawn, what the model saw and said, the label given, by whom (anonymously).

Revision ID: 0001_drawings
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_drawings"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade():
    op.create_table(
        "drawings",
        sa.Column("id", ID, primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("visitor", sa.String(64), nullable=False),
        sa.Column("label", sa.SmallInteger(), nullable=False),
        sa.Column("predicted", sa.SmallInteger(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("probabilities", sa.JSON(), nullable=False),
        sa.Column("model_sha256", sa.String(64), nullable=False),
        sa.Column("model_input", sa.LargeBinary(), nullable=False),
        sa.Column("strokes", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint("label BETWEEN 0 AND 9", name="label_is_a_digit"),
        sa.CheckConstraint("predicted BETWEEN 0 AND 9", name="predicted_is_a_digit"),
        sa.CheckConstraint("(strokes IS NULL) <> (image IS NULL)", name="strokes_or_image"),
    )
    op.create_index("ix_drawings_visitor_id", "drawings", ["visitor", "id"])
    op.create_index("ix_drawings_label", "drawings", ["label"])
    op.create_index("ix_drawings_predicted", "drawings", ["predicted"])


def downgrade():
    op.drop_table("drawings")
