"""Saving and loading fitted models safely (docs/persistence.rst).

skops round-trips the scikit-learn estimators without pickle; a net's weights
go through safetensors. The list of types a user must trust is pinned here, so
a change to it (a new helper object stored on a fitted estimator) is noticed
and documented.
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.datasets import make_long_tailed

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sio():
    # Imported when a test needs it, not at collection: importing skops walks
    # every scikit-learn estimator (about 3 s), in every test process.
    return pytest.importorskip("skops.io")


# scikit-learn's own tree structures, which skops does not trust by default.
_TREE = "sklearn.tree._tree.Tree"
_HIST_TREE = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"

BASES = {
    "logistic": (lambda: LogisticRegression(max_iter=300), []),
    "forest": (
        lambda: RandomForestClassifier(n_estimators=5, random_state=0),
        [_TREE],
    ),
    "hist_gradient_boosting": (
        lambda: HistGradientBoostingClassifier(max_iter=5, random_state=0),
        [_HIST_TREE],
    ),
    "pipeline": (
        lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=300)),
        [],
    ),
}


@pytest.fixture(scope="module")
def data():
    X, y = load_digits(return_X_y=True)
    X, y = make_long_tailed(X, y, imbalance_ratio=10, random_state=0)
    return X, y


def _full_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _assert_same_predictions(loaded, model, X):
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(
        loaded.decision_function(X), model.decision_function(X)
    )


def _fit(meta, base, X, y):
    extra = {"cv": 3} if meta is LogitAdjustedClassifierCV else {}
    return meta(base, **extra).fit(X, y)


@pytest.fixture(scope="module")
def fitted(data):
    """``fitted(meta, base_name)``: each pair fitted once for the module (the
    round trip and the untrusted types read the same model; a search over
    HistGradientBoosting on digits takes seconds)."""
    X, y = data
    models = {}

    def get(meta, base_name):
        if (meta, base_name) not in models:
            models[meta, base_name] = _fit(meta, BASES[base_name][0](), X, y)
        return models[meta, base_name]

    return get


@pytest.mark.parametrize("meta", [LogitAdjustedClassifier, LogitAdjustedClassifierCV])
@pytest.mark.parametrize("base_name", sorted(BASES))
def test_skops_round_trip_predicts_identically(sio, meta, base_name, data, fitted,
                                              tmp_path):  # fmt: skip
    X, _ = data
    model = fitted(meta, base_name)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert type(loaded) is meta
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    np.testing.assert_array_equal(loaded.priors_, model.priors_)
    _assert_same_predictions(loaded, model, X)


@pytest.mark.parametrize("meta", [LogitAdjustedClassifier, LogitAdjustedClassifierCV])
@pytest.mark.parametrize("base_name", sorted(BASES))
def test_skops_untrusted_types_are_the_documented_ones(sio, meta, base_name, fitted):
    # docs/persistence.rst lists these; update it when this test fails.
    _, sklearn_types = BASES[base_name]
    untrusted = sio.get_untrusted_types(data=sio.dumps(fitted(meta, base_name)))
    assert sorted(untrusted) == sorted([_full_name(meta), *sklearn_types])


@pytest.mark.parametrize("meta", [LogitAdjustedClassifier, LogitAdjustedClassifierCV])
def test_skops_round_trip_of_frozen_base(sio, meta, data):
    X, y = data
    base = FrozenEstimator(LogisticRegression(max_iter=300).fit(X, y))
    model = _fit(meta, base, X, y)
    blob = sio.dumps(model)
    assert sio.get_untrusted_types(data=blob) == [_full_name(meta)]
    loaded = sio.loads(blob, trusted=[_full_name(meta)])
    _assert_same_predictions(loaded, model, X)


def test_skops_refuses_the_package_types_until_trusted(sio, data):
    X, y = data
    blob = sio.dumps(
        LogitAdjustedClassifier(LogisticRegression(max_iter=300)).fit(X, y)
    )
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(blob)


def test_net_round_trip_through_safetensors(tmp_path):
    pytest.importorskip("skorch")
    pytest.importorskip("safetensors")
    from sklearn_la import LogitAdjustedNet

    rng = np.random.default_rng(0)
    y = np.array(["common"] * 90 + ["rare"] * 10)
    X = (rng.normal(size=(100, 3)) + (y == "rare")[:, None] * 2.0).astype("float32")
    params = {"module__hidden_units": 8, "lr": 0.1, "verbose": 0}
    net = LogitAdjustedNet(max_epochs=3, random_state=0, **params).fit(X, y)
    weights = tmp_path / "net.safetensors"
    net.save_params(f_params=weights, use_safetensors=True)

    # What the weights file does not hold: the labels, priors and input size
    # learnt in fit (plain values, kept beside it, e.g. as JSON).
    fresh = LogitAdjustedNet(
        classes=net.classes_.tolist(),
        priors=net.priors_.tolist(),
        module__input_units=net.n_features_in_,
        **params,
    )
    fresh.initialize()
    fresh.load_params(f_params=weights, use_safetensors=True)

    np.testing.assert_array_equal(fresh.classes_, net.classes_)
    np.testing.assert_array_equal(fresh.priors_, net.priors_)
    np.testing.assert_array_equal(fresh.predict(X), net.predict(X))
    np.testing.assert_array_equal(fresh.predict_proba(X), net.predict_proba(X))


@pytest.mark.parametrize("meta", [LogitAdjustedClassifier, LogitAdjustedClassifierCV])
def test_skops_round_trip_of_parameters_keyed_by_label(sio, meta, data):
    # skops stores no pandas objects: a Series or DataFrame parameter is kept
    # as plain lists and rebuilt on load, equal to the one given.
    pd = pytest.importorskip("pandas")
    X, y = data
    labels = np.array([f"digit {k}" for k in range(10)])[y]
    classes = np.unique(labels)
    priors = pd.Series(np.linspace(1, 2, 10), index=classes[::-1])
    costs = pd.DataFrame(1 - np.eye(10), index=classes, columns=classes[::-1])
    extra = (
        {"cv": 3, "weight_powers": [0.0]} if meta is LogitAdjustedClassifierCV else {}
    )
    model = meta(
        LogisticRegression(max_iter=300), priors=priors, cost_matrix=costs, **extra
    ).fit(X, labels)
    blob = sio.dumps(model)
    assert sio.get_untrusted_types(data=blob) == [_full_name(meta)]
    loaded = sio.loads(blob, trusted=[_full_name(meta)])
    assert loaded.get_params()["priors"].equals(priors)
    assert loaded.get_params()["cost_matrix"].equals(costs)
    _assert_same_predictions(loaded, model, X)


def test_skops_round_trip_of_a_sampler_and_a_bag_member(sio, data):
    # docs/persistence.rst lists the extra types; update it when this fails.
    pytest.importorskip("imblearn")
    from imblearn.over_sampling import SMOTE

    from sklearn_la import BalancedBagging
    from sklearn_la._family import _Bagged

    X, y = data
    expected = {
        "SMOTE": ["imblearn.over_sampling._smote.base.SMOTE"],
        "bag": [_full_name(BalancedBagging), _full_name(_Bagged)],
    }
    for name, balance in (("SMOTE", SMOTE(k_neighbors=2)), ("bag", BalancedBagging(2))):
        model = LogitAdjustedClassifier(
            LogisticRegression(max_iter=300),
            weight_power=1,
            balance=balance,
            random_state=0,
        ).fit(X, y)
        blob = sio.dumps(model)
        untrusted = sio.get_untrusted_types(data=blob)
        assert sorted(untrusted) == sorted(
            [_full_name(LogitAdjustedClassifier), *expected[name]]
        )
        _assert_same_predictions(sio.loads(blob, trusted=untrusted), model, X)
