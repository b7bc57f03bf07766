"""Render the documentation's math as MathML when the HTML is written.

``sphinx.ext.mathjax`` loads MathJax from a CDN, so a reader offline (or behind
a proxy) sees raw LaTeX. Browsers render MathML themselves (MathML Core:
Chromium 109+, Firefox, Safari), so converting each formula with
``latex2mathml`` at build time needs no JavaScript, no network and nothing but
a PyPI package at build time.

A formula that ``latex2mathml`` cannot convert, or converts leaving a command
as literal text (it does that for commands it does not know), is a build
warning, hence an error under ``sphinx -W``: a formula is never shipped half
rendered. ``conf.py`` selects this renderer with ``html_math_renderer``.
"""

import re

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

# Commands latex2mathml does not know, spelled with ones it does.
_REWRITES = {r"\arg": r"\operatorname{arg}"}
_REWRITE = re.compile(
    "|".join(re.escape(command) + r"(?![A-Za-z])" for command in _REWRITES)
)
# A backslash left in the text of a MathML token is an unconverted command.
_LEFTOVER = re.compile(r">([^<]*\\[^<]*)<")


def to_mathml(latex, *, display=False):
    """Convert one LaTeX formula to a ``<math>`` element.

    Parameters
    ----------
    latex : str
        The formula, without ``$`` delimiters.

    display : bool, default=False
        Block (``display="block"``) rather than inline math.

    Returns
    -------
    mathml : str
        The ``<math>`` element.

    Raises
    ------
    ValueError
        If the formula cannot be converted, or a command was left unconverted.
    """
    source = _REWRITE.sub(lambda match: _REWRITES[match.group(0)], latex)
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception types
        raise ValueError(f"latex2mathml cannot convert {latex!r}: {exc}") from exc
    leftover = _LEFTOVER.findall(mathml)
    if leftover:
        raise ValueError(
            f"latex2mathml left {leftover} unconverted in {latex!r}; spell it with "
            "supported commands or add it to _REWRITES in docs/_sphinxext/mathml.py."
        )
    return mathml


def _render(translator, node, latex, *, display):
    try:
        return to_mathml(latex, display=display)
    except ValueError as exc:
        logger.warning(str(exc), location=node, type="mathml")
        return translator.encode(latex)


def html_visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_render(self, node, node.astext(), display=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def html_visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    if node.get("no-wrap", node.get("nowrap", False)):
        parts = [node.astext()]
    else:
        # Sphinx's convention: equations separated by blank lines, each may
        # break lines with \\ and align with &.
        parts = [part for part in node.astext().split("\n\n") if part.strip()]
        parts = [
            rf"\begin{{aligned}}{part}\end{{aligned}}" if r"\\" in part else part
            for part in parts
        ]
    for part in parts:
        self.body.append(_render(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(html_visit_math, None),
        block_renderers=(html_visit_displaymath, None),
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
