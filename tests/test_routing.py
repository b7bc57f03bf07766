"""How fit's metadata reaches the base model, with and without routing."""

import numpy as np
import pytest
from _core import RecordingClassifier, long_tailed
from sklearn import config_context
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

X_LT, Y_LT = long_tailed()
SW = np.linspace(0.5, 2, len(Y_LT))
ESTIMATORS = [
    lambda base, **kw: LogitAdjustedClassifier(base, **kw),
    lambda base, **kw: LogitAdjustedClassifierCV(
        base, cv=3, taus=5, random_state=0, **kw
    ),
]


def test_fit_params_and_sample_weight_reach_the_base_without_routing():
    sw = np.linspace(0.5, 2, len(Y_LT))
    clf = LogitAdjustedClassifier(RecordingClassifier())
    clf.fit(X_LT, Y_LT, sample_weight=sw, extra="hello")
    np.testing.assert_array_equal(clf.estimator_.sample_weight_, sw)
    assert clf.estimator_.extra_ == "hello"


def test_metadata_routing_delivers_requested_sample_weight():
    sw = np.linspace(0.5, 2, len(Y_LT))
    with config_context(enable_metadata_routing=True):
        base = RecordingClassifier().set_fit_request(sample_weight=True)
        clf = LogitAdjustedClassifier(base).fit(X_LT, Y_LT, sample_weight=sw)
        np.testing.assert_array_equal(clf.estimator_.sample_weight_, sw)
        np.testing.assert_allclose(
            clf.priors_, np.bincount(Y_LT, weights=sw) / sw.sum()
        )
        unrequested = LogitAdjustedClassifier(RecordingClassifier())
        with pytest.raises(ValueError, match="set_fit_request"):
            unrequested.fit(X_LT, Y_LT, sample_weight=sw)


def test_base_without_sample_weight_support_is_refused_clearly():
    with pytest.raises(TypeError, match="KNeighborsClassifier does not accept"):
        LogitAdjustedClassifier(KNeighborsClassifier()).fit(
            X_LT, Y_LT, sample_weight=np.ones(len(Y_LT))
        )


def test_pipeline_base_gets_sample_weight_on_its_last_step():
    sw = np.linspace(0.5, 2, len(Y_LT))
    pipe = make_pipeline(StandardScaler(), RecordingClassifier())
    clf = LogitAdjustedClassifier(pipe).fit(X_LT, Y_LT, sample_weight=sw)
    np.testing.assert_array_equal(clf.estimator_[-1].sample_weight_, sw)


def _aliased(base, pipeline):
    """``base`` requesting its weights as ``my_sw``, alone or last in a pipeline."""
    base.set_fit_request(sample_weight="my_sw")
    if not pipeline:
        return base
    return make_pipeline(StandardScaler().set_fit_request(sample_weight=False), base)


def _last(estimator):
    return estimator[-1] if hasattr(estimator, "steps") else estimator


@pytest.mark.parametrize("pipeline", [False, True], ids=["plain", "pipeline"])
@pytest.mark.parametrize("make", ESTIMATORS, ids=["posthoc", "cv"])
def test_aliased_request_gives_the_model_of_plain_sample_weight(make, pipeline):
    def base():
        lr = LogisticRegression(max_iter=1000)
        return make_pipeline(StandardScaler(), lr) if pipeline else lr

    plain = make(base()).fit(X_LT, Y_LT, sample_weight=SW)
    with config_context(enable_metadata_routing=True):
        aliased = _aliased(LogisticRegression(max_iter=1000), pipeline)
        routed = make(aliased).fit(X_LT, Y_LT, my_sw=SW)
    np.testing.assert_allclose(routed.priors_, plain.priors_)
    np.testing.assert_allclose(
        _last(routed.estimator_).coef_, _last(plain.estimator_).coef_, rtol=1e-10
    )
    np.testing.assert_array_equal(routed.predict(X_LT), plain.predict(X_LT))


@pytest.mark.parametrize("pipeline", [False, True], ids=["plain", "pipeline"])
@pytest.mark.parametrize("make", ESTIMATORS, ids=["posthoc", "cv"])
def test_routed_weights_are_multiplied_by_the_balancing_weights(make, pipeline):
    kwargs = (
        {"weight_power": 0.5} if make is ESTIMATORS[0] else {"weight_powers": [0.5]}
    )
    plain = make(RecordingClassifier(), **kwargs).fit(X_LT, Y_LT, sample_weight=SW)
    with config_context(enable_metadata_routing=True):
        base = _aliased(RecordingClassifier(), pipeline)
        routed = make(base, **kwargs).fit(X_LT, Y_LT, my_sw=SW)
    np.testing.assert_allclose(routed.priors_, plain.priors_)
    np.testing.assert_allclose(
        _last(routed.estimator_).sample_weight_, plain.estimator_.sample_weight_
    )


@pytest.mark.parametrize("pipeline", [False, True], ids=["plain", "pipeline"])
def test_an_aliased_request_takes_the_balancing_weights_alone(pipeline):
    with config_context(enable_metadata_routing=True):
        base = _aliased(RecordingClassifier(), pipeline)
        clf = LogitAdjustedClassifier(base, weight_power=1.0).fit(X_LT, Y_LT)
    weights = _last(clf.estimator_).sample_weight_
    # inverse class frequencies: every class weighs the same in total
    totals = np.bincount(Y_LT, weights=weights)
    np.testing.assert_allclose(totals, totals[0])


def test_weight_power_with_routing_needs_a_request():
    with config_context(enable_metadata_routing=True):
        base = RecordingClassifier().set_fit_request(sample_weight=False)
        with pytest.raises(ValueError, match="needs the base estimator to receive"):
            LogitAdjustedClassifier(base, weight_power=0.5).fit(X_LT, Y_LT)
        requested = RecordingClassifier().set_fit_request(sample_weight=True)
        clf = LogitAdjustedClassifier(requested, weight_power=0.5).fit(X_LT, Y_LT)
        assert clf.estimator_.sample_weight_ is not None


def test_weights_only_shape_the_priors_of_a_frozen_base():
    base = LogisticRegression().fit(X_LT, Y_LT)
    for routing in (False, True):
        with config_context(enable_metadata_routing=routing):
            clf = LogitAdjustedClassifier(FrozenEstimator(base))
            clf.fit(X_LT, Y_LT, sample_weight=SW)
        np.testing.assert_allclose(
            clf.priors_, np.bincount(Y_LT, weights=SW) / SW.sum()
        )
        assert clf.estimator_.estimator is base


def test_groups_reach_the_splitter_with_routing():
    from sklearn.model_selection import GroupKFold

    groups = np.arange(len(Y_LT)) % 3
    with config_context(enable_metadata_routing=True):
        clf = LogitAdjustedClassifierCV(
            LogisticRegression().set_fit_request(sample_weight=False),
            cv=GroupKFold(n_splits=3),
            taus=3,
        ).fit(X_LT, Y_LT, groups=groups)
    assert len([k for k in clf.cv_results_ if k.startswith("split")]) == 3


def test_a_base_without_weights_gets_advice_for_what_was_asked():
    from sklearn.neighbors import KNeighborsClassifier

    X, y = long_tailed()
    knn = KNeighborsClassifier()
    # Only sample_weight: the family is not involved, routing is the way.
    with pytest.raises(
        TypeError, match="does not accept sample_weight in fit. For"
    ) as e:
        LogitAdjustedClassifier(knn).fit(X, y, sample_weight=np.ones(len(y)))
    assert "resample" not in str(e.value)
    # A weighted member: resampling, named as each estimator spells it.
    with pytest.raises(TypeError, match="Use balance='resample' for the family"):
        LogitAdjustedClassifier(knn, weight_power=0.5).fit(X, y)
    with pytest.raises(TypeError, match="Use balances='resample' for the family"):
        LogitAdjustedClassifierCV(knn, balances="weight").fit(X, y)
