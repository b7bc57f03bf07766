"""The documentation's math renders without a network (docs/_sphinxext/mathml.py).

A small Sphinx project, built with the same renderer and ``-W``, holds every
formula of the docs pages and of the package's docstrings: each must become
MathML, and no page may load MathJax from a CDN. The pages write maths in
prose as ``:math:`` roles, never as code-formatted ASCII (``pi_y = P(y)``).
The full build of the real docs runs in
``tests/integration/test_docs_build.py``.
"""

import ast
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
pytest.importorskip("sphinx")
pytest.importorskip("latex2mathml")

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
SPHINXEXT = DOCS / "_sphinxext"

_ROLE = re.compile(r":math:`([^`]+)`")
_DIRECTIVE = re.compile(
    r"^([ \t]*)\.\. math::[ \t]*\n((?:[ \t]*\n|\1[ \t]+.*\n)+)", re.M
)


def _formulas(text):
    """Inline and display formulas of reST text (a page, or a module's source)."""
    inline = _ROLE.findall(text)
    display = [textwrap.dedent(body).strip() for _, body in _DIRECTIVE.findall(text)]
    return inline, display


# Inline literals of a page; their content is checked for ASCII maths: p(y|x),
# pi / pi_y, "tau = 1" or "tau *" (code writes keyword arguments without
# spaces: ``tau=1``), argmax_y, sum_i, log(...) or "log p", softmax(...),
# powers "** -w".
_LITERAL = re.compile(r"``(.+?)``", re.S)
_ASCII_MATH = re.compile(
    r"\b[pP]_?\w?\(\w[^|]*\|"
    r"|(?<![.\w])pi(_\w+)?\b"
    r"|\btau \S"
    r"|\barg(max|min)_|\bsum_"
    r"|\blog ?\(|\blog p\b"
    r"|\bsoftmax\("
    r"|\*\* ?[-(]?\w"
)
# Pages whose literals are error messages or commands, not prose maths.
_NOT_PROSE = {"reliability.rst"}


def _documented_formulas():
    sources = sorted(DOCS.glob("*.rst")) + sorted((REPO / "sklearn_la").rglob("*.py"))
    inline, display = [], []
    for path in sources:
        found_inline, found_display = _formulas(path.read_text(encoding="utf-8"))
        inline += found_inline
        display += found_display
    return inline, display


def _build(tmp_path, body):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(SPHINXEXT)!r})\n"
        "extensions = ['mathml']\n"
        "html_math_renderer = 'mathml'\n"
        "math_number_all = False\n",
        encoding="utf-8",
    )
    (source / "index.rst").write_text("Math\n====\n\n" + body, encoding="utf-8")
    out = tmp_path / "html"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-q",
            "-b",
            "html",
            str(source),
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, out


def test_docs_conf_renders_math_with_mathml():
    tree = ast.parse((DOCS / "conf.py").read_text(encoding="utf-8"))
    assigned = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    extensions = ast.literal_eval(assigned["extensions"])
    assert "mathml" in extensions
    assert "sphinx.ext.mathjax" not in extensions
    assert ast.literal_eval(assigned["html_math_renderer"]) == "mathml"


def test_every_documented_formula_renders_as_mathml_offline(tmp_path):
    inline, display = _documented_formulas()
    assert inline and display, "found no formula in docs/ and sklearn_la/"
    body = "".join(f"Inline :math:`{latex}` here.\n\n" for latex in inline)
    body += "".join(
        ".. math::\n\n" + textwrap.indent(latex, "   ") + "\n\n" for latex in display
    )
    body += ".. math:: e^{i\\pi} + 1 = 0\n   :label: euler\n\nSee :eq:`euler`.\n"
    result, out = _build(tmp_path, body)
    assert result.returncode == 0, result.stderr[-5000:]

    html = (out / "index.html").read_text(encoding="utf-8")
    assert "mathjax" not in html.lower()
    for page in out.rglob("*.html"):
        assert "mathjax" not in page.read_text(encoding="utf-8").lower(), page
    assert html.count('display="inline"') == len(inline)
    # One <math> per equation; a display block may hold several.
    n_equations = sum(
        len([part for part in latex.split("\n\n") if part.strip()]) for latex in display
    )
    assert html.count('display="block"') == n_equations + 1
    assert '<span class="eqno">(1)' in html
    # No LaTeX command survives as text: every formula was converted.
    assert not re.search(r"<m(?:i|o|n|text)[^>]*>[^<]*\\", html)


def _ascii_maths(text):
    return [lit for lit in _LITERAL.findall(text) if _ASCII_MATH.search(lit)]


def test_docs_pages_write_inline_maths_as_math_not_code():
    code = {
        page.name: found
        for page in sorted(DOCS.glob("*.rst"))
        if page.name not in _NOT_PROSE
        and (found := _ascii_maths(page.read_text(encoding="utf-8")))
    }
    assert not code, f"code-formatted maths; write it as :math:`...`: {code}"


@pytest.mark.parametrize(
    "literal",
    ["``pi_y = P(y)``", "``p(y|x)``", "``tau = 1``", "``argmax_y f_y(x)``",
     "``log(pi_y)``", "``pi_y ** -w``", "``softmax(z / T)``", "``sum_i r_i``"],
)  # fmt: skip
def test_the_ascii_maths_pattern_finds_maths(literal):
    assert _ascii_maths(f"text {literal} text") == [literal.strip("`")]


@pytest.mark.parametrize(
    "literal",
    ["``tau=1``", "``priors_``", "``weight_power=1, tau=0``", "``np.pi``",
     "``p @ C``", "``predict_proba``", "``taus=21``", "``log_loss``"],
)  # fmt: skip
def test_the_ascii_maths_pattern_spares_code(literal):
    assert _ascii_maths(f"``x`` text {literal} text ``y``") == []


@pytest.mark.parametrize(
    "latex", [r"\frac{1}{", r"\unknowncommand x"], ids=["malformed", "unknown"]
)
def test_unconvertible_formula_fails_the_build(latex, tmp_path):
    result, _ = _build(tmp_path, f".. math::\n\n   {latex}\n")
    assert result.returncode != 0
    assert "latex2mathml" in result.stderr
