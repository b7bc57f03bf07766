"""Public paths of the torch side: sklearn_la.nn, sklearn_la.losses, the lazy net."""

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

import sklearn_la  # noqa: E402
import sklearn_la.losses  # noqa: E402
import sklearn_la.nn  # noqa: E402
from sklearn_la.nn import functional  # noqa: E402

API = Path(__file__).resolve().parents[2] / "docs" / "api.rst"


def test_one_class_under_every_public_path():
    assert sklearn_la.LogitAdjustedNet is sklearn_la.nn.LogitAdjustedNet
    for name in sklearn_la.losses.__all__:
        source = functional if name.endswith("_loss") else sklearn_la.nn
        assert getattr(sklearn_la.losses, name) is getattr(source, name)
    assert set(functional.__all__) <= set(sklearn_la.losses.__all__)


def test_every_public_name_is_in_the_api_reference():
    text = API.read_text(encoding="utf-8")
    listed = {line.strip() for line in text.splitlines() if line.startswith("   ")}
    for module in (sklearn_la.nn, functional):
        missing = [
            name
            for name in module.__all__
            if name != "functional" and name not in listed
        ]
        assert not missing, f"docs/api.rst does not list {module.__name__}.{missing}"


def _public_objects():
    for module in (sklearn_la.nn, functional):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj


@pytest.mark.parametrize("name, obj", list(_public_objects()), ids=lambda v: str(v))
def test_public_docstrings_are_valid_numpydoc(name, obj):
    pytest.importorskip("numpydoc")
    from numpydoc.validate import validate

    enforced = {"GL08", "SS01", "SS03", "PR01", "PR02", "RT01", "EX01"}
    targets = [obj] + [
        getattr(obj, m)
        for m in ("fit", "partial_fit", "predict", "predict_proba")
        if inspect.isclass(obj) and hasattr(obj, m)
    ]
    for target in targets:
        path = f"{target.__module__}.{target.__qualname__}"
        errors = [
            (code, msg)
            for code, msg in validate(path)["errors"]
            if code in enforced and not (code == "EX01" and target is not obj)
        ]
        assert not errors, f"{path}: {errors}"


_BLOCK_TORCH = """
import importlib.abc, sys

class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "skorch"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoTorch())
import sklearn_la
assert "torch" not in sys.modules
for statement in ("import sklearn_la.losses", "import sklearn_la.nn",
                  "sklearn_la.LogitAdjustedNet"):
    try:
        exec(statement)
    except ImportError as exc:
        print(statement, "->", exc)
    else:
        raise AssertionError(statement + " worked without torch")
"""


def test_torch_paths_without_torch_name_the_extra():
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_TORCH], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    assert all("pip install 'sklearn-la[torch]'" in line for line in lines), lines
