"""What the dashboard's callbacks and API routes share: the reader and the shipped report,
loaded once per process and model file, handed around as one ``Services``."""

import functools
from dataclasses import dataclass
from pathlib import Path

from model.reader import DigitReader
from model.report import EvaluationReport


@dataclass(frozen=True)
class Services:
    reader: DigitReader
    report: EvaluationReport


@functools.lru_cache(maxsize=4)
def load_services(model_path):
    """The reader (loaded, hash-checked, warmed) and its report, once per process and ``model_path``.

    Raises ``ModelError`` with a one-line reason for a missing, corrupt or mismatched model or report.
    """
    model_path = Path(model_path)
    return Services(reader=DigitReader.from_model_file(model_path), report=EvaluationReport.load(model_path))
