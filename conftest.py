"""Shared setup of every test path (tests/, the package's doctests, docs/):
one thread per native thread pool."""

import sys

import pytest
from threadpoolctl import threadpool_limits

# Read by the thread pools that start later: libraries loaded during the
# session and the processes tests start (the command, Sphinx, the benchmarks).
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@pytest.fixture(autouse=True, scope="session")
def _one_thread_per_pool():
    # The test data are small, so a second thread saves nothing; but on a busy
    # machine OpenMP and BLAS threads spin at every barrier for a peer that is
    # not running, and a HistGradientBoosting fit of digits took 18 s instead
    # of 0.3 s (minutes once torch's OpenMP runtime sat beside scikit-learn's).
    with pytest.MonkeyPatch.context() as patch, threadpool_limits(limits=1):
        for name in _THREAD_VARIABLES:
            patch.setenv(name, "1")
        # torch keeps its own intra-op count, read once at import.
        torch = sys.modules.get("torch")
        previous = torch.get_num_threads() if torch is not None else None
        if torch is not None:
            torch.set_num_threads(1)
        yield
        if torch is not None:
            torch.set_num_threads(previous)
