"""The tables, as SQLAlchemy 2 typed mappings. Every change to them comes with an Alembic migration
(store/migrations/versions/); tests/store checks that the migrations build exactly these tables."""

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, CheckConstraint, DateTime, Float, Index, Integer, LargeBinary, SmallInteger,
                        String)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
ID = BigInteger().with_variant(Integer, "sqlite")


class Base(DeclarativeBase):
    pass


class Drawing(Base):
    """One drawing someone labelled: what they drew, what the model saw and said, and who (anonymously)."""

    __tablename__ = "drawings"

    id: Mapped[int] = mapped_column(ID, primary_key=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    visitor: Mapped[str] = mapped_column(String(64))            # a random id from the visitor's cookie
    label: Mapped[int] = mapped_column(SmallInteger)             # what the person says it is
    predicted: Mapped[int] = mapped_column(SmallInteger)         # what the model said, when saved
    confidence: Mapped[float] = mapped_column(Float)
    probabilities: Mapped[list] = mapped_column(JSON)            # ten floats
    model_sha256: Mapped[str] = mapped_column(String(64))
    model_input: Mapped[bytes] = mapped_column(LargeBinary)      # 28x28 uint8, row-major: what the model saw
    strokes: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))   # {"strokes": [...], "width": w}
    image: Mapped[bytes | None] = mapped_column(LargeBinary)     # or the image as sent (PNG, JPEG, WebP)

    __table_args__ = (
        CheckConstraint("label BETWEEN 0 AND 9", name="label_is_a_digit"),
        CheckConstraint("predicted BETWEEN 0 AND 9", name="predicted_is_a_digit"),
        CheckConstraint("(strokes IS NULL) <> (image IS NULL)", name="strokes_or_image"),
        Index("ix_drawings_visitor_id", "visitor", "id"),        # a visitor's own, newest first
        Index("ix_drawings_label", "label"),
        Index("ix_drawings_predicted", "predicted"),
    )
