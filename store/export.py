"""Collected drawings as training data: MNIST's own IDX format (gzipped), which any MNIST loader reads,
and an npz with the same arrays plus each drawing's metadata. Shared by the API's export and
``python -m training.export``.

    collected-images-idx3-ubyte.gz   (N, 28, 28) uint8, white ink on black, as MNIST
    collected-labels-idx1-ubyte.gz   (N,) uint8, the labels people gave
    collected.npz                    images, labels, ids, predicted, confidence, probabilities,
                                     model_sha256, created (ISO 8601, UTC)

Oldest first, so a file exported later starts with the same drawings.
"""

import gzip
import io
import struct
import zipfile

import numpy as np

from store.drawings import SIDE, Viewer, as_utc, visible
from store.schema import Drawing

IMAGES_FILE = "collected-images-idx3-ubyte.gz"
LABELS_FILE = "collected-labels-idx1-ubyte.gz"
NPZ_FILE = "collected.npz"
_UNSIGNED_BYTE = 0x08


def idx_bytes(array):
    """An uint8 array in the IDX format: two zero bytes, the type, the number of dimensions, each size (big-endian)."""
    array = np.ascontiguousarray(array, np.uint8)
    header = struct.pack(">HBB", 0, _UNSIGNED_BYTE, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def collected_arrays(database, viewer=Viewer.admin()):
    """Every drawing the viewer may see, oldest first, as the arrays the files hold."""
    columns = (Drawing.id, Drawing.created, Drawing.label, Drawing.predicted, Drawing.confidence,
               Drawing.probabilities, Drawing.model_sha256, Drawing.model_input)
    query = visible(viewer).with_only_columns(*columns).order_by(Drawing.id)
    with database.transaction() as session:
        rows = session.execute(query).all()
    return {
        "images": np.frombuffer(b"".join(row.model_input for row in rows), np.uint8).reshape(-1, SIDE, SIDE),
        "labels": np.array([row.label for row in rows], np.uint8),
        "ids": np.array([row.id for row in rows], np.int64),
        "predicted": np.array([row.predicted for row in rows], np.uint8),
        "confidence": np.array([row.confidence for row in rows], np.float32),
        "probabilities": np.array([row.probabilities for row in rows], np.float32).reshape(-1, 10),
        "model_sha256": np.array([row.model_sha256 for row in rows], dtype="<U64"),
        "created": np.array([as_utc(row.created).isoformat(timespec="milliseconds").replace("+00:00", "Z")
                             for row in rows], dtype="<U32"),
    }


def export_files(database, viewer=Viewer.admin()):
    """``{file name: bytes}``: the two gzipped IDX files and the npz."""
    arrays = collected_arrays(database, viewer)
    npz = io.BytesIO()
    np.savez_compressed(npz, **arrays)
    return {
        IMAGES_FILE: gzip.compress(idx_bytes(arrays["images"]), mtime=0),
        LABELS_FILE: gzip.compress(idx_bytes(arrays["labels"]), mtime=0),
        NPZ_FILE: npz.getvalue(),
    }


def idx_zip(files):
    """The two IDX files in one zip download (stored as they are: they are gzipped already)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        for name in (IMAGES_FILE, LABELS_FILE):
            bundle.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), files[name])
    return archive.getvalue()
