"""Shared fixtures of the torch tests: small long-tailed data, one thread."""

import numpy as np
import pytest
from _nn_helpers import long_tailed

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")


@pytest.fixture(autouse=True, scope="session")
def _single_thread():
    # Tiny tensors: intra-op threads only add synchronisation overhead, and
    # on a busy runner they make these tests slow and their timing erratic.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def data():
    return long_tailed()


@pytest.fixture(scope="session")
def string_data(data):
    X, y = data
    return X, np.array(["cat", "dog", "emu"])[y]
