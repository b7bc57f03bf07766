"""Shared setup of the integration tests."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_thread_per_pool():
    # The test machines are small and shared: oversubscribed OpenMP pools make
    # the small fits here (HistGradientBoosting above all) several times
    # slower, and these tests check results, not speed.
    with threadpool_limits(limits=1):
        yield
