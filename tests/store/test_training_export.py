"""``python -m training.export --out DIR``: the admin's export files, from the database the environment names."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from model.mnist import _parse_idx
from store import NewDrawing, export_files, save_drawing
from store.export import IMAGES_FILE, LABELS_FILE, NPZ_FILE

ROOT = Path(__file__).resolve().parents[2]


def export(out, environ_url=None, *extra):
    env = {key: value for key, value in os.environ.items() if key != "DIGIT_READER_DATABASE_URL"}
    if environ_url:
        env["DIGIT_READER_DATABASE_URL"] = environ_url
    return subprocess.run([sys.executable, "-m", "training.export", "--out", str(out), *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_it_writes_the_same_files_as_the_api_from_the_database_in_the_environment(database, database_url, tmp_path):
    rng = np.random.default_rng(5)
    for label in [4, 0, 9]:
        save_drawing(database, NewDrawing(visitor="v", label=label, predicted=label, confidence=0.99,
                                          probabilities=tuple(np.eye(10)[label]), model_sha256="c" * 64,
                                          model_input=rng.integers(0, 256, (28, 28), dtype=np.uint8),
                                          image=b"\x89PNG"))
    result = export(tmp_path / "out", database_url)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Wrote 3 drawings" in result.stdout
    written = {path.name: path.read_bytes() for path in (tmp_path / "out").iterdir()}
    assert written == export_files(database)
    assert list(_parse_idx(gzip.decompress(written[LABELS_FILE]))) == [4, 0, 9]
    assert _parse_idx(gzip.decompress(written[IMAGES_FILE])).shape == (3, 28, 28) and NPZ_FILE in written


def test_a_missing_database_is_a_clear_failure(tmp_path):
    result = export(tmp_path / "out", f"sqlite:///{tmp_path / 'nothing.sqlite3'}")
    assert result.returncode == 1 and "no database at" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nothing.sqlite3").exists()
