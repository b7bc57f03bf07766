"""Tests of LogitAdjustedNet: estimator checks, losses, prediction, integration."""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _nn_helpers import FAST  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    FocalLoss,
    LogitAdjustedNet,
)

EXPECTED_FAILED_CHECKS = {
    "check_no_attributes_set_in_init": (
        "skorch's NeuralNet sets history_, initialized_ and virtual_params_ in "
        "__init__."
    ),
    "check_set_params": (
        "skorch exposes its internal `_params_to_validate` set as a parameter; "
        "the check sets it to a float."
    ),
}


@parametrize_with_checks(
    [LogitAdjustedNet(max_epochs=3, lr=0.1, verbose=0)],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
    # A check that starts to pass must be noticed and removed from the list.
    xfail_strict=True,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_la_loss_beats_cross_entropy_on_long_tailed_digits():
    # Digits-LT with imbalance ratio 100 (counts 100 * 100^(-k/9)), a balanced
    # test split, the same MLP, seed and budget for both losses.
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.default_rng(0)
    train, test = [], []
    for k in range(10):
        idx = rng.permutation(np.flatnonzero(y == k))
        test.extend(idx[:60])
        n_k = max(1, round(100 * 100 ** (-k / 9)))
        train.extend(idx[60 : 60 + n_k])
    params = dict(
        max_epochs=40,
        batch_size=64,
        optimizer=torch.optim.Adam,
        lr=1e-2,
        verbose=0,
        random_state=0,
    )
    scores = {}
    for loss in ("logit_adjusted", "cross_entropy"):
        net = LogitAdjustedNet(loss=loss, **params).fit(X[train], y[train])
        scores[loss] = balanced_accuracy_score(y[test], net.predict(X[test]))
    assert scores["logit_adjusted"] > scores["cross_entropy"] + 0.03, scores


def test_ldam_deferred_reweighting_follows_the_epochs(data):
    X, y = data
    net = LogitAdjustedNet(
        loss="ldam",
        criterion__drw_epoch=2,
        criterion__s=1.0,
        **{**FAST, "max_epochs": 3},
    ).fit(X, y)
    assert net.criterion_.epoch == 2
    assert net.criterion_.drw_active
    net.set_params(max_epochs=2).fit(X, y)
    assert net.criterion_.epoch == 1 and not net.criterion_.drw_active


def test_custom_criterion_overrides_loss(data):
    X, y = data
    net = LogitAdjustedNet(criterion=torch.nn.CrossEntropyLoss, **FAST).fit(X, y)
    assert type(net.criterion_) is torch.nn.CrossEntropyLoss


def test_set_params_tau_rebuilds_the_fitted_criterion(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    net.set_params(tau=0.25)
    assert net.criterion_.tau == 0.25
    net.set_params(loss="focal")
    assert isinstance(net.criterion_, FocalLoss)


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def test_predict_proba_is_the_softmax_of_unadjusted_logits(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    logits = net.forward(X).numpy()  # float64 X is converted on this path too
    proba = net.predict_proba(X)
    np.testing.assert_allclose(proba, _softmax(logits), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(net.predict(X), net.classes_[logits.argmax(axis=1)])


def test_posthoc_tau_adjusts_probabilities_without_refitting(data):
    X, y = data
    net = LogitAdjustedNet(loss="cross_entropy", **FAST).fit(X, y)
    logits = net.forward(X).numpy().astype(np.float64)
    net.set_params(posthoc_tau=1.0)
    expected = _softmax(logits - np.log(net.priors_))
    np.testing.assert_allclose(net.predict_proba(X), expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_array_equal(net.predict(X), net.classes_[expected.argmax(axis=1)])
    # The adjustment favours the rare class.
    unadjusted = (logits.argmax(axis=1) == 2).sum()
    assert (expected.argmax(axis=1) == 2).sum() >= unadjusted


@pytest.mark.parametrize(
    "params, match",
    [
        ({"loss": "hinge"}, "`loss` must be one of"),
        ({"loss": ["focal"]}, "`loss` must be a string"),
        ({"tau": np.nan}, "`tau`"),
        ({"priors": "uniform"}, "`priors` must be 'train'"),
        ({"priors": [0.5, 0.5]}, "`priors` has length 2"),
        ({"criterion__tau": 2.0}, "not `criterion__tau`"),
        ({"random_state": -1}, "`random_state`"),
        ({"random_state": 1.5}, "`random_state` must be an int"),
        ({"priors": {0: 1, 1: 1, 5: 1}}, r"missing \[2\], unknown \[5\]"),
        ({"classes": [0, 0, 1, 2]}, "distinct labels"),
        ({"tau": 1e308}, r"`tau` value 1e\+308 is too large for these priors"),
    ],
)
def test_bad_parameters_are_refused_at_fit(data, params, match):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=match):
        LogitAdjustedNet(**{**FAST, **params}).fit(X, y)


@pytest.mark.parametrize(
    "posthoc_tau, error, match",
    [
        ("1", TypeError, "`posthoc_tau`"),
        (np.inf, ValueError, "`posthoc_tau`"),
        # finite, but it overflows the shift (not a "diverged" module)
        (1e308, ValueError, "`posthoc_tau` value 1e\\+308 is too large"),
    ],
)
def test_bad_posthoc_tau_is_refused_at_prediction(data, posthoc_tau, error, match):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y).set_params(posthoc_tau=posthoc_tau)
    with pytest.raises(error, match=match):
        net.predict(X)


def test_grid_search_over_tau_and_hidden_units_in_a_pipeline(string_data):
    X, y = string_data
    pipe = Pipeline([("scale", StandardScaler()), ("net", LogitAdjustedNet(**FAST))])
    grid = GridSearchCV(
        pipe,
        {"net__tau": [0.0, 1.0], "net__module__hidden_units": [4, 8]},
        cv=2,
        scoring="balanced_accuracy",
    ).fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert np.isfinite(grid.cv_results_["mean_test_score"]).all()
    best = grid.best_estimator_.named_steps["net"]
    assert (
        best.module_.layers[0].out_features
        == grid.best_params_["net__module__hidden_units"]
    )
    assert best.criterion_.tau == grid.best_params_["net__tau"]
    assert set(grid.predict(X)) <= {"cat", "dog", "emu"}


def test_clone_keeps_parameters_and_drops_fitted_state(data):
    X, y = data
    net = LogitAdjustedNet(
        tau=0.5, loss="focal", posthoc_tau=0.3, module__hidden_units=7, **FAST
    )
    net.fit(X, y)
    copy = clone(net)
    for name in (
        "tau",
        "loss",
        "posthoc_tau",
        "priors",
        "module__hidden_units",
        "random_state",
    ):
        assert copy.get_params()[name] == net.get_params()[name]
    assert not hasattr(copy, "priors_") and not copy.initialized_
    np.testing.assert_allclose(copy.fit(X, y).predict_proba(X), net.predict_proba(X))


def test_pickle_round_trip(string_data):
    X, y = string_data
    net = LogitAdjustedNet(posthoc_tau=0.5, **FAST).fit(X, y)
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(restored.predict_proba(X), net.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), net.predict(X))
    np.testing.assert_array_equal(restored.priors_, net.priors_)


def test_save_params_and_load_params_into_a_fresh_net(string_data, tmp_path):
    X, y = string_data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    net.save_params(
        f_params=tmp_path / "params.pt", f_criterion=tmp_path / "criterion.pt"
    )
    fresh = LogitAdjustedNet(
        classes=net.classes_,
        priors=net.priors_,
        module__input_units=X.shape[1],
        verbose=0,
    )
    fresh.initialize()
    fresh.load_params(
        f_params=tmp_path / "params.pt", f_criterion=tmp_path / "criterion.pt"
    )
    np.testing.assert_array_equal(fresh.predict_proba(X), net.predict_proba(X))
    np.testing.assert_array_equal(fresh.predict(X), net.predict(X))
    torch.testing.assert_close(fresh.criterion_.log_priors, net.criterion_.log_priors)


@pytest.mark.parametrize(
    "params, match",
    [
        ({}, "`input_units` of TabularMLP is unknown"),
        ({"module__input_units": 4}, "`output_units` of TabularMLP is unknown"),
        (
            {"module__input_units": 4, "module__output_units": 3},
            "loss='logit_adjusted' needs the class priors",
        ),
    ],
)
def test_initialize_before_fit_names_what_it_cannot_know(params, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(verbose=0, **params).initialize()


@pytest.mark.parametrize("loss", ["logit_adjusted", "ldam", "class_balanced"])
def test_initialize_and_load_params_without_priors_restores_the_criterion(
    string_data, tmp_path, loss
):
    # skorch's documented pattern: initialize() then load_params(). With
    # priors="train" the fresh net starts from placeholder priors and the
    # saved criterion brings back the trained buffers.
    X, y = string_data
    net = LogitAdjustedNet(loss=loss, **FAST).fit(X, y)
    files = {"f_params": tmp_path / "p.pt", "f_criterion": tmp_path / "c.pt"}
    net.save_params(**files)
    fresh = LogitAdjustedNet(
        loss=loss, classes=net.classes_, module__input_units=4, verbose=0
    ).initialize()
    np.testing.assert_allclose(fresh.priors_, [1 / 3] * 3)
    fresh.load_params(**files)
    np.testing.assert_array_equal(fresh.predict_proba(X), net.predict_proba(X))
    for name, buffer in net.criterion_.state_dict().items():
        torch.testing.assert_close(fresh.criterion_.state_dict()[name], buffer)
    # partial_fit continues from the restored state; it does not relearn.
    fresh.partial_fit(X, y)
    np.testing.assert_allclose(fresh.priors_, [1 / 3] * 3)


def test_nll_loss_gets_the_log_softmax_of_the_logits(data):
    X, y = data
    seen = []

    class _Recording(torch.nn.NLLLoss):
        def forward(self, input, target):
            seen.append(input.detach())
            return super().forward(input, target)

    net = LogitAdjustedNet(criterion=_Recording, **FAST).fit(X, y)
    assert seen and all((s <= 0).all() for s in seen)
    torch.testing.assert_close(seen[0].exp().sum(1), torch.ones(len(seen[0])))
    assert np.isfinite(net.history[:, "train_loss"]).all()


def test_fixed_seed_makes_training_deterministic(data):
    X, y = data
    params = {**FAST, "random_state": None, "module__dropout": 0.2}
    probas = []
    for _ in range(2):
        torch.manual_seed(123)
        probas.append(LogitAdjustedNet(**params).fit(X, y).predict_proba(X))
    np.testing.assert_array_equal(probas[0], probas[1])
    torch.manual_seed(124)
    assert not np.allclose(
        LogitAdjustedNet(**params).fit(X, y).predict_proba(X), probas[0]
    )


def test_random_state_fits_identically_and_leaves_torch_rng_alone(data):
    X, y = data
    state = torch.get_rng_state()
    net = LogitAdjustedNet(**{**FAST, "random_state": 7}).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)
    first = net.predict_proba(X)
    second = LogitAdjustedNet(**{**FAST, "random_state": 7}).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)


def test_validation_split_records_accuracy_on_original_labels(string_data):
    X, y = string_data
    net = LogitAdjustedNet(
        train_split=ValidSplit(4, stratified=True), **{**FAST, "max_epochs": 10}
    ).fit(X, y)
    assert 0.5 < net.history[-1, "valid_acc"] <= 1.0
    assert 0.3 < net.history[-1, "valid_bacc"] <= 1.0


@pytest.mark.parametrize("posthoc_tau", [0.0, 1.0])
def test_predict_is_the_argmax_of_predict_proba_ties_included(posthoc_tau):
    # A module whose logits tie exactly (equal columns), with and without the
    # post-hoc shift: predict must agree with argmax(predict_proba) row by row.
    class _Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, X):
            column = X[:, :1] + self.w
            return torch.cat([column, column, column - 1.0], dim=1)

    X = np.linspace(-1, 1, 12).reshape(-1, 1).astype(np.float32)
    y = np.array(["b", "a", "c"] * 4)
    net = LogitAdjustedNet(
        _Tied, priors=[1, 1, 1], posthoc_tau=posthoc_tau, **{**FAST, "lr": 0.0}
    ).fit(X, y)
    proba = net.predict_proba(X)
    assert np.all(proba[:, 0] == proba[:, 1])  # exact ties
    np.testing.assert_array_equal(net.predict(X), net.classes_[proba.argmax(axis=1)])
    assert set(net.predict(X)) == {"a"}  # the first of the tied columns


def test_non_cross_entropy_losses_still_predict_with_the_softmax(data):
    # FocalLoss is not an nn.CrossEntropyLoss any more; the net names its
    # prediction nonlinearity itself.
    X, y = data
    net = LogitAdjustedNet(loss="focal", **FAST).fit(X, y)
    assert not isinstance(net.criterion_, torch.nn.CrossEntropyLoss)
    logits = net.forward(X)
    np.testing.assert_allclose(
        net.predict_proba(X), torch.softmax(logits, dim=1).numpy(), rtol=1e-6
    )
    identity = net.set_params(predict_nonlinearity=None).predict_proba(X)
    np.testing.assert_allclose(identity, logits.numpy(), rtol=1e-6)


class _ScaledLinear(torch.nn.Module):
    """A linear module whose logits are multiplied by ``scale`` (NaN: diverged)."""

    def __init__(self, input_units, output_units, scale=1.0, masked=None):
        super().__init__()
        self.linear = torch.nn.Linear(input_units, output_units)
        self.scale, self.masked = scale, masked

    def forward(self, X):
        logits = self.linear(X) * self.scale
        if self.masked is not None:
            logits = logits.clone()
            logits[:, self.masked] = -torch.inf
        return logits


@pytest.mark.parametrize("scale", [float("nan"), float("inf")])
@pytest.mark.parametrize("posthoc_tau", [0.0, 1.0])
def test_non_finite_logits_are_refused_not_predicted_as_class_0(
    data, scale, posthoc_tau
):
    # A diverged net used to predict class 0 for every row, silently.
    X, y = data
    net = LogitAdjustedNet(
        _ScaledLinear, module__scale=scale, posthoc_tau=posthoc_tau, **FAST
    ).fit(X, y)
    for method in (net.predict_proba, net.predict):
        with pytest.raises(ValueError, match="non-finite logits.*lower `lr`"):
            method(X)


def test_a_masked_class_with_minus_inf_logits_gets_probability_0(data):
    # -inf for one class is a probability of 0, not an undefined one.
    X, y = data
    net = LogitAdjustedNet(_ScaledLinear, module__masked=1, **FAST)
    net.set_params(max_epochs=0).fit(X, y)  # no training: the loss would be inf
    proba = net.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.all(proba[:, 1] == 0)
    assert 1 not in net.predict(X)


def test_fitted_state_is_not_a_parameter_and_a_clone_is_unfitted(data):
    # skorch takes every attribute not ending in "_" for a parameter.
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y, sample_weight=np.full(len(y), 2.0))
    assert net.total_weight_ == 2.0 * len(y)
    assert net.sample_shape_ == X.shape[1:]
    params = net.get_params(deep=False)
    assert not {"_total_weight", "_sample_shape", "total_weight_"} & params.keys()
    fresh = clone(net)
    assert not hasattr(fresh, "sample_shape_") and not hasattr(fresh, "total_weight_")
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(net)).predict(X), net.predict(X)
    )
