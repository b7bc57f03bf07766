"""Sphinx configuration of the sklearn-la documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html`` from the
repository root (``pip install -r docs/requirements.txt`` first). The build
needs no network: intersphinx is off and every example runs on bundled data.
Nor does reading it: math is MathML written at build time (``_sphinxext/mathml.py``),
not MathJax from a CDN.

``SKLEARN_LA_REPO`` (default: the parent of this folder) names the checkout
whose package and ``benchmarks/results/`` are documented; the docs test builds
a copy of this folder with it set, leaving the working tree untouched.
"""

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = Path(os.environ.get("SKLEARN_LA_REPO", DOCS.parent)).resolve()
# Document the package of this checkout, installed or not.
sys.path.insert(0, str(REPO))
# Local helpers (the gallery's reading order, the MathML renderer).
sys.path.insert(0, str(DOCS / "_sphinxext"))

import sklearn_la  # noqa: E402

# -- Project -----------------------------------------------------------------

project = "sklearn-la"
author = "the sklearn-la developers"
copyright = "the sklearn-la developers"
release = sklearn_la.__version__
version = ".".join(release.split(".")[:2])

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "mathml",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
# Offline-readable math; see _sphinxext/mathml.py.
html_math_renderer = "mathml"
templates_path = ["_templates"]
exclude_patterns = [
    "_build",
    # sphinx-gallery's sources; their rendered pages live in auto_examples/.
    "examples",
]
default_role = "literal"
pygments_style = "sphinx"

# -- autodoc / autosummary / numpydoc -------------------------------------------

autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
# A method without a docstring of its own (forward, extra_repr) is not listed;
# inherited ones would be torch's or skorch's, documented there.
autodoc_inherit_docstrings = False
# The class template lists the members (autodoc), not numpydoc.
numpydoc_show_class_members = False

# -- sphinx-gallery ------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": ["examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    # Every build runs every example, so a broken example fails the build.
    "run_stale_examples": True,
    "abort_on_example_error": True,
    "download_all_examples": False,
    "doc_module": ("sklearn_la",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_la": None},
    "within_subsection_order": "gallery_order.ExampleOrder",
    "min_reported_time": 0,
}

# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-la {release}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_static_path = []
html_show_sourcelink = False

# -- Benchmark results -------------------------------------------------------------

BENCH_RESULTS = REPO / "benchmarks" / "results"
BENCH_PAGES = DOCS / "benchmark_results"
_BENCH_ASSETS = {".png", ".svg", ".jpg", ".jpeg", ".gif", ".csv", ".json"}


def _copy_benchmark_results():
    """Mirror ``benchmarks/results/`` into ``benchmark_results/`` and list its pages.

    Sphinx only reads sources inside this folder, so the markdown tables and
    the plots they show are copied here on every build; ``benchmarks.rst``
    includes the generated ``toc.inc``, which lists whatever pages exist
    (README.md first) or says how to produce them.
    """
    shutil.rmtree(BENCH_PAGES, ignore_errors=True)
    BENCH_PAGES.mkdir()
    pages = []
    if BENCH_RESULTS.is_dir():
        for src in sorted(BENCH_RESULTS.rglob("*")):
            if not src.is_file():
                continue
            suffix = src.suffix.lower()
            if suffix != ".md" and suffix not in _BENCH_ASSETS:
                continue
            dst = BENCH_PAGES / src.relative_to(BENCH_RESULTS)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            if suffix == ".md":
                pages.append(dst.relative_to(BENCH_PAGES).with_suffix("").as_posix())
    pages.sort(key=lambda page: (page != "README", page))
    if pages:
        lines = [".. toctree::", "   :maxdepth: 1", ""]
        lines += [f"   benchmark_results/{page}" for page in pages]
    else:
        lines = [
            ".. note::",
            "",
            "   No results yet: ``benchmarks/results/`` holds no markdown file.",
            "   Run ``python benchmarks/run.py`` and rebuild the docs.",
        ]
    (BENCH_PAGES / "toc.inc").write_text("\n".join(lines) + "\n", encoding="utf-8")


def setup(app):
    _copy_benchmark_results()
