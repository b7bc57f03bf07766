"""The documentation builds without a single warning and every example runs."""

import importlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"

# Import names of what docs/requirements.txt installs, plus the torch extra
# (the API of the torch parts and the LogitAdjustedNet example).
_BUILD_MODULES = {
    "sphinx": "sphinx",
    "numpydoc": "numpydoc",
    "sphinx_gallery": "sphinx-gallery",
    "pydata_sphinx_theme": "pydata-sphinx-theme",
    "myst_parser": "myst-parser",
    "matplotlib": "matplotlib",
    "latex2mathml": "latex2mathml",
    "torch": "torch",
    "skorch": "skorch",
}

# Build outputs that conf.py, autosummary and sphinx-gallery write into the
# source folder; a copy without them is a clean build.
_GENERATED = (
    "_build",
    "auto_examples",
    "generated",
    "benchmark_results",
    "sg_execution_times.rst",
    "__pycache__",
)


def _missing_build_packages():
    return [
        package
        for module, package in _BUILD_MODULES.items()
        if importlib.util.find_spec(module) is None
    ]


def test_docs_build_without_warnings_and_run_every_example(tmp_path):
    missing = _missing_build_packages()
    if missing:
        pytest.skip(
            f"the docs build needs {', '.join(missing)}: "
            'pip install -r docs/requirements.txt -e ".[torch]"'
        )
    # Build a copy, so the test never writes into the working tree.
    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns(*_GENERATED))
    html = tmp_path / "html"
    env = {
        **os.environ,
        "SKLEARN_LA_REPO": str(REPO),
        "MPLBACKEND": "agg",
    }
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",  # warnings are errors; report all of them
        "-b",
        "html",
        "-j",
        "1",
        "-q",
        "-d",
        str(tmp_path / "doctrees"),
        str(source),
        str(html),
    ]
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, (
        f"sphinx-build failed (exit {result.returncode}); warnings and errors:\n"
        f"{result.stderr[-20000:]}"
    )

    examples = sorted(path.stem for path in (DOCS / "examples").glob("plot_*.py"))
    assert examples, "docs/examples/ has no plot_*.py example"
    for name in examples:
        page = html / "auto_examples" / f"{name}.html"
        assert page.is_file(), f"example {name} has no page"
        figures = list((html / "_images").glob(f"sphx_glr_{name}_*.png"))
        assert any(not f.name.endswith("_thumb.png") for f in figures), (
            f"example {name} ran but drew no figure"
        )
    for page in ("index", "getting_started", "user_guide", "api", "benchmarks"):
        assert (html / f"{page}.html").is_file(), f"page {page} was not built"
    # Inline maths is MathML, like the display maths, not code-formatted ASCII.
    for page in ("index", "getting_started", "user_guide", "cost_and_shift"):
        text = (html / f"{page}.html").read_text(encoding="utf-8")
        assert re.search(r'<math[^>]*display="inline"', text), f"{page}: no MathML"
        assert "pi_y" not in text and "p(y|x)" not in text, page


def _api_names():
    """Names listed in the autosummary tables and directives of docs/api.rst."""
    names = set()
    for line in (DOCS / "api.rst").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if line.startswith("   ") and stripped and not stripped.startswith(":"):
            names.add(stripped)
        elif stripped.startswith(".. data::"):
            names.add(stripped.split("::", 1)[1].strip())
    return names


@pytest.mark.parametrize(
    "module_name",
    ["sklearn_la", "sklearn_la.losses", "sklearn_la.metrics", "sklearn_la.datasets"],
)
def test_api_reference_lists_every_public_name(module_name):
    if module_name == "sklearn_la.losses":
        pytest.importorskip("torch")
    module = importlib.import_module(module_name)
    public = {name for name in module.__all__ if not name.startswith("__")}
    missing = sorted(public - _api_names())
    assert not missing, f"docs/api.rst does not list {module_name}.{missing}"
