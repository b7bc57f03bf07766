"""The README's quick-start blocks must each run alone, as written, and print."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_quick_start_blocks():
    assert len(_python_blocks()) >= 3


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_block_runs_alone_and_prints(index, capsys):
    block = _python_blocks()[index]
    if "LogitAdjustedNet" in block:
        pytest.importorskip("skorch")
    # A fresh namespace: no block may lean on names another one defined.
    exec(compile(block, f"README.md block {index}", "exec"), {})
    assert capsys.readouterr().out.strip(), "a quick-start block printed nothing"
