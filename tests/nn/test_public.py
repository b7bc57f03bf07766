"""Public paths of the torch side: sklearn_la.nn, sklearn_la.losses, the lazy net."""

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
