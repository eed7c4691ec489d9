"""Collected drawings, kept in a real database: the bottom of the house beside ``model/`` (no web framework).

    database = Database.open(url)                      # SQLite (upgrades itself) or PostgreSQL
    saved = save_drawing(database, NewDrawing.of_reading(reading, label=7, visitor=visitor_id, ...))
    page = list_drawings(database, Viewer.of(visitor_id), Filters(label=7), limit=50)
    delete_drawing(database, Viewer.admin(), saved.id)
    scores = score_drawings(database, Viewer.admin(), Filters(), reader.probabilities)
    files = export_files(database)                      # MNIST IDX (gzipped) and npz, for training

``python -m store.migrate upgrade [--url URL]`` brings a shared database's schema up to date.
"""

from store.database import Database, StoreUnavailable, default_url
from store.drawings import (Filters, NewDrawing, Page, SavedDrawing, Scores, Viewer, delete_drawing, get_drawing,
                            list_drawings, save_drawing, score_drawings)
from store.export import export_files

__all__ = ["Database", "StoreUnavailable", "default_url", "Filters", "NewDrawing", "Page", "SavedDrawing", "Scores",
           "Viewer", "delete_drawing", "get_drawing", "list_drawings", "save_drawing", "score_drawings",
           "export_files"]
