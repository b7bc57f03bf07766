"""The one renderer: markdown tables, result pages, and writing them.

A benchmark's ``run(config)`` returns a :class:`Page`; :func:`render_page`
puts the title and the command that reproduces it on top of its body, and
:func:`write_page` writes the page and its figures into the output folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Page:
    """What a benchmark measured, as markdown, and what it hands back.

    Parameters
    ----------
    body : str
        Markdown below the title and the command line.
    figures : dict of str to callable, default={}
        File name -> function that draws the figure into the path it is
        given. Drawn only when the page is written: a run that writes nothing
        does not pay for plots.
    result : object, default=None
        The measurements as data (rows of the table), returned to the caller
        of :func:`_common.runner.run`; the tests read them.
    """

    body: str
    figures: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    result: Any = None


def _cell(value):
    # An empty cell is written "| |", as the hand-written tables did.
    text = str(value)
    return f" {text} " if text else " "


def table(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A markdown table.

    Parameters
    ----------
    head : sequence of str
        Column titles.
    rows : iterable of sequence
        One sequence of cells per row; each cell is written with ``str``.

    Returns
    -------
    str
        The header line, the separator and one line per row.

    Examples
    --------
    >>> print(table(["a", "b"], [[1, ""]]))
    | a | b |
    |---|---|
    | 1 | |
    """
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["|" + "|".join(_cell(c) for c in row) + "|" for row in rows]
    return "\n".join(lines)


def mean_std(values, *, scale=100.0, digits=1, ddof=0, empty="–"):
    """``"mean ± std"`` of ``values`` times ``scale``, None and NaN left out.

    Parameters
    ----------
    values : iterable of float or None
        One value per seed or trial.
    scale : float, default=100.0
        Factor applied first (100: fractions shown in %).
    digits : int, default=1
        Decimals of both numbers.
    ddof : int, default=0
        Delta degrees of freedom of the standard deviation; the deviation of
        ``ddof`` values or fewer is written 0.
    empty : str, default="–"
        The cell when no value is left (an empty group).

    Returns
    -------
    str

    Examples
    --------
    >>> mean_std([0.5, 0.7, None])
    '60.0 ± 10.0'
    >>> mean_std([float("nan")], empty="—")
    '—'
    """
    kept = np.array([v for v in values if v is not None], dtype=float)
    kept = scale * kept[~np.isnan(kept)]
    if kept.size == 0:
        return empty
    std = kept.std(ddof=ddof) if kept.size > ddof else 0.0
    return f"{kept.mean():.{digits}f} ± {std:.{digits}f}"


def render_page(title: str, command: str, body: str) -> str:
    """The page of a result file: title, reproducing command, body.

    Parameters
    ----------
    title : str
        The page's only level-1 heading.
    command : str
        The command line that writes this page again.
    body : str
        Markdown of the measurements.

    Returns
    -------
    str
        The page, ending with one newline.
    """
    return f"# {title}\n\nCommand: `{command}`\n\n{body.strip()}\n"


def write_page(
    out: Path, name: str, text: str, figures: dict[str, Callable] | None = None
) -> list[Path]:
    """Write a page and its figures into ``out``.

    The figures are drawn first so that the page, which links to them, is
    never newer than a figure it shows.

    Parameters
    ----------
    out : Path
        Output folder, created if missing.
    name : str
        File name of the page (``bench_<name>.md``).
    text : str
        The page, from :func:`render_page`.
    figures : dict of str to callable, default=None
        File name -> function drawing that figure into a path.

    Returns
    -------
    list of Path
        The page, then the figures, as written.
    """
    out.mkdir(parents=True, exist_ok=True)
    drawn = []
    for figure, draw in (figures or {}).items():
        draw(out / figure)
        drawn.append(out / figure)
    page = out / name
    page.write_text(text, encoding="utf-8")
    return [page, *drawn]
