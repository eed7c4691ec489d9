"""The house's rules, checked on the source: imports run one way, and the bottom packages stay pure.

    model/, store/        import nothing of ours above them, and no web framework
    dashboard/, training/ import the bottom packages, never each other
    benchmarks/, tests/   sit on top
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"model", "store", "dashboard", "training", "benchmarks", "tests"}
ALLOWED = {
    "model": {"model"},
    "store": {"store"},
    "dashboard": {"dashboard", "model", "store"},
    "training": {"training", "model", "store"},
}
WEB = {"flask", "dash", "dash_canvas", "werkzeug", "plotly", "gunicorn"}


def imported_top_levels(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def sources(package):
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package):
    wrong = {f"{path.relative_to(ROOT)} imports {name}"
             for path in sources(package) for name in imported_top_levels(path) & OURS - ALLOWED[package]}
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("package", ["model", "store", "training"])
def test_the_bottom_and_offline_packages_know_no_web_framework(package):
    wrong = {f"{path.relative_to(ROOT)} imports {name}"
             for path in sources(package) for name in imported_top_levels(path) & WEB}
    assert not wrong, sorted(wrong)


def test_importing_the_app_does_not_load_tensorflow():
    """TensorFlow loads with the model, not with an import: `--help` and this fast tier stay fast."""
    code = ("import sys, dashboard, dashboard.app, model.reader, model.classifier; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'loaded'")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
