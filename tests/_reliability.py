"""The reliability table: each kind of bad input and what the user gets.

Every area of the package lists its cases in a module of its own,
``tests/_reliability_<area>.py``, holding ``CASES``, a list of :class:`Case`.
``tests/test_reliability.py`` runs every case and checks that
``docs/reliability.rst`` shows exactly the table rendered from them, so the
page cannot drift from the code. To add rows: add cases to your area's module
(or create ``_reliability_<area>.py`` with ``AREA`` and ``CASES``), then
regenerate the page::

    python tests/_reliability.py --write

Each area gets its own table on the page, between generated-block markers;
the text around the markers is written by hand. An area module may set
``ORDER`` (default 0) to place its table; areas of equal order follow their
file names.

A case that needs an optional dependency (torch) names it in ``requires``: the
test skips it when that dependency is missing, but the page lists it all the
same, so an area module must import such a dependency inside its cases, never
at the top.
"""

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parent
PAGE = TESTS.parent / "docs" / "reliability.rst"
BEGIN = ".. BEGIN GENERATED RELIABILITY TABLES (python tests/_reliability.py --write)"
END = ".. END GENERATED RELIABILITY TABLES"


@dataclass(frozen=True)
class Case:
    """One bad input and its documented outcome.

    Parameters
    ----------
    bad_input : str
        What the user does, as the page says it (reST inline markup allowed).

    run : callable
        Runs the bad input. For an error case it must raise; for a
        behaviour case it returns normally and asserts the behaviour itself.

    raises : type or None
        Expected exception type; ``None`` for a documented behaviour.

    message : str
        For an error case, a fragment of the message (plain text, matched
        literally); for a behaviour case, what the user gets.

    requires : tuple of str, default=()
        Modules the case needs; it is skipped (still listed) without them.
    """

    bad_input: str
    run: Callable[[], object]
    raises: type | None
    message: str
    requires: tuple[str, ...] = ()

    @property
    def outcome(self):
        """The "what you get" cell of the page."""
        if self.raises is None:
            return self.message
        # An inline literal shows the fragment verbatim, backticks included.
        return f"``{self.raises.__name__}``: ``{self.message}``"


def areas():
    """``{area title: cases}`` from every ``_reliability_<area>.py``, sorted.

    They import by name from ``tests/``, which is on ``sys.path`` both under
    pytest (its rootdir-relative insertion of a test file's folder) and when
    this file runs as a script (Python puts the script's folder first).
    """
    modules = [
        importlib.import_module(path.stem)
        for path in sorted(TESTS.glob("_reliability_*.py"))
    ]
    modules.sort(key=lambda module: getattr(module, "ORDER", 0))  # stable
    return {module.AREA: list(module.CASES) for module in modules}


def render(found):
    """The generated block of the page: one list-table per area."""
    lines = [BEGIN, ""]
    for area, cases in found.items():
        lines += [area, "-" * len(area), "", ".. list-table::", "   :header-rows: 1"]
        lines += ["   :widths: 45 55", "", "   * - Bad input", "     - What you get"]
        for case in cases:
            lines += [f"   * - {case.bad_input}", f"     - {case.outcome}"]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def current_block(text):
    """The generated block as it stands in the page text."""
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]


def write(page=PAGE):
    """Rewrite the generated block of the page in place."""
    text = page.read_text()
    page.write_text(text.replace(current_block(text), render(areas())))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the page")
    args = parser.parse_args()
    if args.write:
        write()
    else:
        print(render(areas()))
