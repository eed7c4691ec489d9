"""Saving, listing, opening, deleting and scoring collected drawings: plain functions on plain values,
shared by the JSON API, the dashboard's Collected tab and training.

Who sees what is a ``Viewer``: the admin sees everyone's drawings, a visitor only their own (a
visitor with no id yet has none). Every function takes the viewer, so no caller can forget it.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import defer

from store.schema import Drawing

SIDE = 28
MAX_PAGE = 500


@dataclass(frozen=True)
class Viewer:
    visitor: str | None = None
    is_admin: bool = False

    @classmethod
    def admin(cls):
        return cls(is_admin=True)

    @classmethod
    def of(cls, visitor):
        """A visitor by their id (None: a visitor who has saved nothing yet, and so sees nothing)."""
        return cls(visitor=visitor)


@dataclass(frozen=True)
class Filters:
    """The gallery's filters; None means any."""
    label: int | None = None           # what people said it is
    predicted: int | None = None       # what the model said when it was saved
    only_wrong: bool = False           # only where the two differ


@dataclass(frozen=True)
class NewDrawing:
    visitor: str
    label: int
    predicted: int
    confidence: float
    probabilities: tuple               # ten floats
    model_sha256: str
    model_input: np.ndarray            # (28, 28) uint8, or float in [0, 1] as the model takes it
    strokes: dict | None = None        # {"strokes": [...], "width": w}, as drawn
    image: bytes | None = None         # or the image bytes, as sent

    @classmethod
    def of_reading(cls, reading, *, label, visitor, model_sha256, strokes=None, width=None, image=None):
        """A drawing from a model reading (anything with ``digit``, ``confidence``, ``probabilities``
        and ``model_input``) and what was drawn: ``strokes`` (+ ``width``) or ``image`` bytes."""
        return cls(visitor=visitor, label=label, predicted=int(reading.digit), confidence=float(reading.confidence),
                   probabilities=tuple(float(p) for p in reading.probabilities), model_sha256=model_sha256,
                   model_input=reading.model_input,
                   strokes=None if strokes is None else {"strokes": strokes, "width": width}, image=image)


@dataclass(frozen=True)
class SavedDrawing:
    id: int
    created: datetime
    visitor: str
    label: int
    predicted: int
    confidence: float
    model_sha256: str
    probabilities: list = field(repr=False)
    model_input: np.ndarray = field(repr=False)      # (28, 28) uint8
    strokes: dict | None = field(default=None, repr=False)
    image: bytes | None = field(default=None, repr=False)

    @property
    def correct(self):
        return self.label == self.predicted


@dataclass(frozen=True)
class Page:
    drawings: list
    next_before: int | None            # pass as ``before`` for the next (older) page; None on the last page


@dataclass(frozen=True)
class Scores:
    """How the current model does on a set of collected drawings."""
    count: int
    accuracy: float | None             # None when there are none
    confusion: np.ndarray              # (10, 10) counts: row = label, column = the current model's answer
    predicted: np.ndarray              # the current model's answer for each, oldest first
    ids: np.ndarray


def model_input_bytes(model_input):
    pixels = np.asarray(model_input)
    if pixels.shape != (SIDE, SIDE):
        raise ValueError(f"the model input must be {SIDE}x{SIDE}, not {pixels.shape}")
    if pixels.dtype != np.uint8:
        pixels = np.clip(np.rint(pixels.astype(np.float64) * 255), 0, 255).astype(np.uint8)
    return pixels.tobytes()


def save_drawing(database, new):
    """Insert one drawing; returns it once committed (so a caller answers only after the commit)."""
    if (new.strokes is None) == (new.image is None):
        raise ValueError("a drawing has exactly one of strokes and image")
    row = Drawing(created=datetime.now(UTC), visitor=new.visitor, label=int(new.label), predicted=int(new.predicted),
                  confidence=float(new.confidence), probabilities=[float(p) for p in new.probabilities],
                  model_sha256=new.model_sha256, model_input=model_input_bytes(new.model_input),
                  strokes=new.strokes, image=new.image)
    with database.transaction() as session:
        session.add(row)
    return _saved(row)


def list_drawings(database, viewer, filters=Filters(), limit=50, before=None):
    """The viewer's drawings matching ``filters``, newest first: at most ``limit`` (1 to 500), with ids below
    ``before`` when given."""
    limit = max(1, min(int(limit), MAX_PAGE))
    # What was drawn stays in the database: a page shows what the model saw (its 28x28 input).
    query = (visible(viewer, filters).options(defer(Drawing.strokes), defer(Drawing.image))
             .order_by(Drawing.id.desc()).limit(limit + 1))
    if before is not None:
        query = query.where(Drawing.id < before)
    with database.transaction() as session:
        rows = session.scalars(query).all()
        drawings = [_saved(row, drawn=False) for row in rows[:limit]]
    return Page(drawings, drawings[-1].id if len(rows) > limit else None)


def count_drawings(database, viewer, filters=Filters()):
    query = select(func.count()).select_from(visible(viewer, filters).subquery())
    with database.transaction() as session:
        return session.scalar(query)


def get_drawing(database, viewer, drawing_id):
    """One drawing, or None if there is none with that id that the viewer may see."""
    with database.transaction() as session:
        row = session.scalars(visible(viewer).where(Drawing.id == drawing_id)).first()
    return None if row is None else _saved(row)


def delete_drawing(database, viewer, drawing_id):
    """Delete one drawing the viewer may see; False if there was none."""
    statement = delete(Drawing).where(Drawing.id == drawing_id)
    if not viewer.is_admin:
        statement = statement.where(Drawing.visitor == viewer.visitor) if viewer.visitor else None
    if statement is None:
        return False
    with database.transaction() as session:
        return session.execute(statement).rowcount > 0


def model_inputs(database, viewer, filters=Filters()):
    """``(ids, pixels (N, 28, 28) uint8, labels (N,) uint8)`` of the viewer's drawings, oldest first."""
    query = (visible(viewer, filters).with_only_columns(Drawing.id, Drawing.model_input, Drawing.label)
             .order_by(Drawing.id))
    with database.transaction() as session:
        rows = session.execute(query).all()
    ids = np.array([row.id for row in rows], np.int64)
    pixels = np.frombuffer(b"".join(row.model_input for row in rows), np.uint8).reshape(-1, SIDE, SIDE)
    return ids, pixels, np.array([row.label for row in rows], np.uint8)


def score_drawings(database, viewer, filters, probabilities):
    """The current model's accuracy and confusion matrix on the viewer's drawings.

    ``probabilities`` maps (N, 28, 28) uint8 images to (N, 10) probabilities (``DigitReader.probabilities``):
    the drawings are read again, so a new model is scored on what people drew for the old one.
    """
    ids, pixels, labels = model_inputs(database, viewer, filters)
    predicted = np.asarray(probabilities(pixels)).argmax(axis=1) if len(ids) else np.zeros(0, np.int64)
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (labels.astype(np.int64), predicted), 1)
    accuracy = float(np.mean(predicted == labels)) if len(ids) else None
    return Scores(len(ids), accuracy, confusion, predicted, ids)


def visible(viewer, filters=Filters()):
    """The query for the drawings ``viewer`` may see that match ``filters``."""
    query = select(Drawing)
    if not viewer.is_admin:
        # A visitor without an id matches nothing: no row has an empty visitor.
        query = query.where(Drawing.visitor == (viewer.visitor or ""))
    if filters.label is not None:
        query = query.where(Drawing.label == filters.label)
    if filters.predicted is not None:
        query = query.where(Drawing.predicted == filters.predicted)
    if filters.only_wrong:
        query = query.where(Drawing.label != Drawing.predicted)
    return query


def _saved(row, drawn=True):
    """A row as a plain value; ``drawn`` False leaves out the strokes and image (not loaded)."""
    return SavedDrawing(id=row.id, created=as_utc(row.created), visitor=row.visitor, label=row.label,
                        predicted=row.predicted,
                        confidence=row.confidence, model_sha256=row.model_sha256, probabilities=list(row.probabilities),
                        model_input=np.frombuffer(row.model_input, np.uint8).reshape(SIDE, SIDE),
                        strokes=row.strokes if drawn else None, image=row.image if drawn else None)


def as_utc(moment):
    """A stored time in UTC: SQLite gives it back without a zone, PostgreSQL in the session's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
