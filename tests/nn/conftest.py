"""Shared fixtures of the torch tests: small long-tailed data."""

import numpy as np
import pytest
from _nn_helpers import long_tailed

pytest.importorskip("torch")
pytest.importorskip("skorch")


@pytest.fixture(scope="session")
def data():
    return long_tailed()


@pytest.fixture(scope="session")
def string_data(data):
    X, y = data
    return X, np.array(["cat", "dog", "emu"])[y]
