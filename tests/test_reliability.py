"""Every documented bad input gives what docs/reliability.rst says."""

import re

import pytest
from _reliability import PAGE, areas, current_block, render

CASES = [(area, case) for area, cases in areas().items() for case in cases]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize(
    "area, case", CASES, ids=[f"{a}: {c.bad_input}" for a, c in CASES]
)
def test_bad_input_gives_the_documented_outcome(area, case):
    for module in case.requires:
        pytest.importorskip(module)
    if case.raises is None:
        case.run()
        return
    with pytest.raises(case.raises, match=re.escape(case.message)):
        case.run()


def test_page_shows_the_table_of_the_cases():
    assert current_block(PAGE.read_text()) == render(areas()), (
        "docs/reliability.rst is out of date: run `python tests/_reliability.py "
        "--write`"
    )


def test_case_descriptions_are_unique():
    names = [(area, case.bad_input) for area, case in CASES]
    assert len(names) == len(set(names))
