"""Scaling out on existing engines (docs/scaling.rst).

The cross-validation folds run on a real Dask cluster and on Ray through
joblib, prediction runs block-wise over a Dask array, and a net trains through
accelerate; each gives the same results as the plain, in-memory run.
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.datasets import make_long_tailed

pytestmark = pytest.mark.integration
# One line says what a skipped engine test needs (CI installs both).
_NEEDS_EXTRA = 'needs the distributed extra: pip install -e ".[distributed]"'
_NEEDS_TORCH = 'needs the torch extra: pip install -e ".[torch]"'


@pytest.fixture(scope="module")
def data():
    X, y = load_digits(return_X_y=True)
    X, y = make_long_tailed(X, y, imbalance_ratio=10, random_state=0)
    return X, y


def _cv_model(n_jobs):
    # Small on purpose: what is checked is that the folds travel to the
    # engine and come back identical, not the search itself. Three members
    # (w = 0, and w = 1 by weights and by resampling) on three folds, in one
    # batch of jobs (the race sends one batch per round, and an engine may
    # start its worker processes anew for each).
    return LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=300),
        cv=3,
        taus=5,
        weight_powers=[0.0, 1.0],
        search="exhaustive",
        n_jobs=n_jobs,
        random_state=0,
    )


def _assert_same_search(distributed, local, X):
    assert distributed.best_tau_ == local.best_tau_
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            distributed.cv_results_[key], local.cv_results_[key]
        )
    np.testing.assert_array_equal(distributed.predict(X), local.predict(X))
    np.testing.assert_array_equal(distributed.predict_proba(X), local.predict_proba(X))


def test_cv_folds_on_a_dask_cluster_match_a_local_run(data):
    pytest.importorskip("dask", reason=_NEEDS_EXTRA)
    distributed = pytest.importorskip("distributed", reason=_NEEDS_EXTRA)
    import joblib

    X, y = data
    local = _cv_model(n_jobs=1).fit(X, y)
    # Worker processes, so the fold workers and the estimator are pickled
    # across, as on a real cluster.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_config(backend="dask"),
    ):
        remote = _cv_model(n_jobs=-1).fit(X, y)
        workers = set(client.nthreads())
    assert len(tasks.data) >= 3, "the folds did not run on the cluster"
    assert {task["worker"] for task in tasks.data} <= workers
    _assert_same_search(remote, local, X)


def test_cv_folds_on_ray_match_a_local_run(data):
    ray = pytest.importorskip("ray", reason=_NEEDS_EXTRA)
    import joblib
    from ray.util.joblib import register_ray

    X, y = data
    local = _cv_model(n_jobs=1).fit(X, y)
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        register_ray()
        with joblib.parallel_config(backend="ray"):
            remote = _cv_model(n_jobs=2).fit(X, y)
    finally:
        ray.shutdown()
    _assert_same_search(remote, local, X)


def test_parallel_post_fit_predicts_like_in_memory(data):
    da = pytest.importorskip("dask.array", reason=_NEEDS_EXTRA)
    wrappers = pytest.importorskip("dask_ml.wrappers", reason=_NEEDS_EXTRA)
    import dask

    X, y = data
    in_memory = LogitAdjustedClassifier(LogisticRegression(max_iter=300)).fit(X, y)
    wrapped = wrappers.ParallelPostFit(
        LogitAdjustedClassifier(LogisticRegression(max_iter=300))
    ).fit(X, y)
    X_big = da.from_array(X, chunks=(100, X.shape[1]))
    with dask.config.set(scheduler="threads", num_workers=2):
        predicted = wrapped.predict(X_big)
        proba = wrapped.predict_proba(X_big)
        assert isinstance(predicted, da.Array) and isinstance(proba, da.Array)
        predicted, proba = dask.compute(predicted, proba)
    np.testing.assert_array_equal(predicted, in_memory.predict(X))
    np.testing.assert_array_equal(proba, in_memory.predict_proba(X))
    # dask-ml copies the fitted attributes onto the wrapper, so its
    # ``estimator_`` is the *base* model; the fitted adjuster is ``estimator``.
    assert isinstance(wrapped.estimator, LogitAdjustedClassifier)
    np.testing.assert_array_equal(wrapped.priors_, in_memory.priors_)


def test_accelerated_net_trains_like_the_plain_net():
    pytest.importorskip("skorch", reason=_NEEDS_TORCH)
    accelerate = pytest.importorskip("accelerate", reason=_NEEDS_EXTRA)
    from skorch.hf import AccelerateMixin

    from sklearn_la import LogitAdjustedNet

    class AcceleratedNet(AccelerateMixin, LogitAdjustedNet):
        """LogitAdjustedNet trained through accelerate."""

    rng = np.random.default_rng(0)
    y = np.array(["common"] * 90 + ["rare"] * 10)
    X = (rng.normal(size=(100, 3)) + (y == "rare")[:, None] * 2.0).astype("float32")
    params = {
        "max_epochs": 3,
        "lr": 0.1,
        "batch_size": 32,
        "random_state": 0,
        "module__hidden_units": 8,
        "verbose": 0,
    }
    plain = LogitAdjustedNet(**params).fit(X, y)
    # AccelerateMixin prints through accelerator.print, which ignores
    # verbose=0 (skorch's PrintLog only honours verbose for a print sink).
    net = AcceleratedNet(
        accelerator=accelerate.Accelerator(cpu=True),
        callbacks__print_log__sink=print,
        **params,
    ).fit(X, y)
    np.testing.assert_array_equal(net.classes_, plain.classes_)
    np.testing.assert_array_equal(net.priors_, plain.priors_)
    np.testing.assert_allclose(
        net.history[:, "train_loss"], plain.history[:, "train_loss"]
    )
    np.testing.assert_array_equal(net.predict(X), plain.predict(X))
    np.testing.assert_allclose(net.predict_proba(X), plain.predict_proba(X), atol=1e-6)
