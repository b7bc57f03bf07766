"""The README's quick start must run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_quick_start_blocks():
    assert len(_python_blocks()) >= 2


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_block_runs(index):
    pytest.importorskip("skorch")
    namespace = {}
    for block in _python_blocks()[: index + 1]:
        exec(compile(block, f"README.md block {index}", "exec"), namespace)
