"""LogitAdjustedNet (sklearn_la.nn._net): estimator checks, labels, priors, criteria."""

import pickle
import threading

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _nn_helpers import FAST, long_tailed  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    LogitAdjustedNet,
    TabularMLP,
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
    for tau in (1.0, 0.0):  # tau=0: plain cross-entropy
        net = LogitAdjustedNet(tau=tau, **params).fit(X[train], y[train])
        scores[tau] = balanced_accuracy_score(y[test], net.predict(X[test]))
    assert scores[1.0] > scores[0.0] + 0.03, scores


def test_ldam_deferred_reweighting_follows_the_epochs(data):
    X, y = data
    net = LogitAdjustedNet(
        criterion=LDAMLoss,
        criterion__drw_epoch=2,
        criterion__s=1.0,
        **{**FAST, "max_epochs": 3},
    ).fit(X, y)
    assert net.criterion_.epoch == 2
    assert net.criterion_.drw_active
    net.set_params(max_epochs=2).fit(X, y)
    assert net.criterion_.epoch == 1 and not net.criterion_.drw_active


def test_tau_zero_is_plain_cross_entropy(data):
    X, y = data
    la = LogitAdjustedNet(tau=0.0, **FAST).fit(X, y)
    ce = LogitAdjustedNet(criterion=torch.nn.CrossEntropyLoss, **FAST).fit(X, y)
    assert type(ce.criterion_) is torch.nn.CrossEntropyLoss
    np.testing.assert_allclose(la.predict_proba(X), ce.predict_proba(X), rtol=1e-5)


def test_set_params_tau_rebuilds_the_fitted_criterion(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    net.set_params(tau=0.25)
    assert net.criterion_.tau == 0.25
    net.set_params(criterion=FocalLoss, tau=None)
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


def test_post_hoc_adjustment_is_the_wrapper_around_the_frozen_net(data):
    # posthoc_tau is gone: the post-hoc estimator adjusts a net fitted with tau=0.
    from sklearn.frozen import FrozenEstimator

    from sklearn_la import LogitAdjustedClassifier

    X, y = data
    net = LogitAdjustedNet(tau=0.0, **FAST).fit(X, y)
    logits = net.forward(X).numpy().astype(np.float64)
    adjusted = LogitAdjustedClassifier(FrozenEstimator(net), tau=1.0).fit(X, y)
    expected = _softmax(logits - np.log(net.priors_))
    np.testing.assert_allclose(
        adjusted.predict_proba(X), expected, rtol=1e-4, atol=1e-6
    )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"tau": np.nan}, "`tau`"),
        ({"priors": "uniform"}, "`priors` must be an array, or 'train'"),
        ({"priors": [0.5, 0.5]}, "`priors` has length 2"),
        ({"criterion__tau": 2.0}, "Set `tau` on the net, not `criterion__tau`"),
        ({"criterion__priors": [1, 1, 1]}, "Set `priors` on the net, not"),
        (
            {"criterion": LDAMLoss, "criterion__class_counts": [6, 2, 1]},
            "Set `priors` on the net, not `criterion__class_counts`",
        ),
        ({"criterion": FocalLoss, "tau": 1.0}, "but FocalLoss takes no `tau`"),
        ({"criterion": LogitAdjustedLoss([1, 1, 1]), "tau": 0.5}, "takes no `tau`"),
        ({"random_state": -1}, "`random_state`"),
        ({"random_state": 1.5}, "`random_state` must be an int"),
        ({"random_state": np.random.RandomState(0)}, "`random_state` must be an int"),
        ({"priors": {0: 1, 1: 1, 5: 1}}, r"missing \[2\], unknown \[5\]"),
        ({"classes": [0, 0, 1, 2]}, "distinct labels"),
        ({"tau": 1e308}, r"`tau` value 1e\+308 is too large for these priors"),
    ],
)
def test_bad_parameters_are_refused_at_fit(data, params, match):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=match):
        LogitAdjustedNet(**{**FAST, **params}).fit(X, y)


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
        tau=0.5, criterion=BalancedSoftmaxLoss, module__hidden_units=7, **FAST
    )
    with pytest.raises(ValueError, match="BalancedSoftmaxLoss takes no `tau`"):
        net.fit(X, y)
    net.set_params(criterion=LogitAdjustedLoss).fit(X, y)
    copy = clone(net)
    for name in (
        "tau",
        "criterion",
        "priors",
        "module__hidden_units",
        "random_state",
    ):
        assert copy.get_params()[name] == net.get_params()[name]
    assert not hasattr(copy, "priors_") and not copy.initialized_
    np.testing.assert_allclose(copy.fit(X, y).predict_proba(X), net.predict_proba(X))


def test_pickle_round_trip(string_data):
    X, y = string_data
    net = LogitAdjustedNet(**FAST).fit(X, y)
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
            "LogitAdjustedLoss needs the class priors, unknown before fit",
        ),
    ],
)
def test_initialize_before_fit_names_what_it_cannot_know(params, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(verbose=0, **params).initialize()


@pytest.mark.parametrize("loss", [LogitAdjustedLoss, LDAMLoss, ClassBalancedLoss])
def test_initialize_and_load_params_without_priors_restores_the_criterion(
    string_data, tmp_path, loss
):
    # skorch's documented pattern: initialize() then load_params(). With
    # priors="train" the fresh net starts from placeholder priors and the
    # saved criterion brings back the trained buffers.
    X, y = string_data
    net = LogitAdjustedNet(criterion=loss, **FAST).fit(X, y)
    files = {"f_params": tmp_path / "p.pt", "f_criterion": tmp_path / "c.pt"}
    net.save_params(**files)
    fresh = LogitAdjustedNet(
        criterion=loss, classes=net.classes_, module__input_units=4, verbose=0
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
    # skorch's classifier takes log(softmax + eps): at most log(1 + eps).
    eps = torch.finfo(torch.float32).eps
    assert seen and all((s <= np.log1p(eps)).all() for s in seen)
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


def test_seeded_fits_in_threads_equal_the_same_fits_one_after_the_other(data):
    # Issue #21, item 2: GridSearchCV(n_jobs=2) on joblib's threading backend
    # fits and scores seeded nets in two threads at once, and their dropout,
    # shuffles and DataLoaders all drew from torch's one global generator.
    X, y = data
    params = {**FAST, "max_epochs": 4, "batch_size": 8, "module__dropout": 0.5}
    params["iterator_train__shuffle"] = True

    def fit_and_predict(seed):
        net = LogitAdjustedNet(**{**params, "random_state": seed}).fit(X, y)
        return net.predict_proba(X)

    alone = [fit_and_predict(seed) for seed in (0, 1)]
    together = [[], []]
    start = threading.Barrier(2)

    def run(seed):
        start.wait()
        together[seed] += [fit_and_predict(seed) for _ in range(3)]

    threads = [threading.Thread(target=run, args=(seed,)) for seed in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for seed in (0, 1):
        for proba in together[seed]:
            np.testing.assert_array_equal(proba, alone[seed])


def test_prediction_draws_nothing_from_torch_global_generator(data):
    # torch's DataLoader draws a seed from the global generator at every
    # iteration: a prediction in one thread shifted a seeded fit in another.
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    state = torch.get_rng_state()
    net.predict_proba(X)
    assert torch.equal(torch.get_rng_state(), state)


@pytest.mark.parametrize("container", ["list", "object-array", "series"])
def test_tuple_labels_are_refused_by_name(data, container):
    # Issue #21, item 10: scikit-learn reads tuples as multi-label data and
    # spoke of a "legacy multi-label data representation".
    X, y = data
    tuples = [(int(label), "x") for label in y]
    if container == "object-array":
        tuples = np.array(tuples + [None], dtype=object)[:-1]
    elif container == "series":
        tuples = pytest.importorskip("pandas").Series(tuples)
    match = r"`y` holds tuples as labels \(such as \(0, 'x'\)\), which are not"
    with pytest.raises(ValueError, match=match + r'.*"-"\.join'):
        LogitAdjustedNet(**FAST).fit(X, tuples)
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**FAST).fit(X, y).partial_fit(X, tuples)


def test_validation_split_records_accuracy_on_original_labels(string_data):
    X, y = string_data
    net = LogitAdjustedNet(
        train_split=ValidSplit(4, stratified=True), **{**FAST, "max_epochs": 10}
    ).fit(X, y)
    assert 0.5 < net.history[-1, "valid_acc"] <= 1.0
    assert 0.3 < net.history[-1, "valid_bacc"] <= 1.0


def test_predict_is_the_argmax_of_predict_proba_ties_included():
    # A module whose logits tie exactly (equal columns): predict must agree
    # with argmax(predict_proba) row by row.
    class _Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, X):
            column = X[:, :1] + self.w
            return torch.cat([column, column, column - 1.0], dim=1)

    X = np.linspace(-1, 1, 12).reshape(-1, 1).astype(np.float32)
    y = np.array(["b", "a", "c"] * 4)
    net = LogitAdjustedNet(_Tied, priors=[1, 1, 1], **{**FAST, "lr": 0.0}).fit(X, y)
    proba = net.predict_proba(X)
    assert np.all(proba[:, 0] == proba[:, 1])  # exact ties
    np.testing.assert_array_equal(net.predict(X), net.classes_[proba.argmax(axis=1)])
    assert set(net.predict(X)) == {"a"}  # the first of the tied columns


def test_non_cross_entropy_losses_still_predict_with_the_softmax(data):
    # FocalLoss is no nn.CrossEntropyLoss, for which skorch's "auto" would skip
    # the softmax: the net's predict_nonlinearity is a softmax by default.
    X, y = data
    net = LogitAdjustedNet(criterion=FocalLoss, **FAST).fit(X, y)
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
def test_non_finite_logits_are_refused_not_predicted_as_class_0(data, scale):
    # A diverged net used to predict class 0 for every row, silently.
    X, y = data
    net = LogitAdjustedNet(_ScaledLinear, module__scale=scale, **FAST).fit(X, y)
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
    net = LogitAdjustedNet(**FAST).fit(X, y)
    assert net.sample_shape_ == X.shape[1:]
    params = net.get_params(deep=False)
    assert not {"_classes_", "sample_shape_", "priors_"} & params.keys()
    fresh = clone(net)
    assert not hasattr(fresh, "sample_shape_") and not hasattr(fresh, "priors_")
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(net)).predict(X), net.predict(X)
    )


def test_string_labels_are_encoded_and_predicted_back(string_data):
    X, y = string_data
    net = LogitAdjustedNet(**{**FAST, "max_epochs": 30}).fit(X, y)
    assert net.classes_.tolist() == ["cat", "dog", "emu"]
    assert set(net.predict(X)) <= {"cat", "dog", "emu"}
    assert net.score(X, y) > 0.8


def test_pandas_frame_and_categorical_labels(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    labels = pd.Series(
        pd.Categorical(np.array(["x", "y", "z"])[y], categories=["z", "y", "x", "w"])
    )
    net = LogitAdjustedNet(**FAST).fit(frame, labels)
    # Observed labels, sorted; the unused category "w" is not a class.
    assert net.classes_.tolist() == ["x", "y", "z"]
    assert net.feature_names_in_.tolist() == ["a", "b", "c", "d"]
    assert set(net.predict(frame)) <= {"x", "y", "z"}


def test_non_contiguous_integer_labels(data):
    X, y = data
    labels = np.array([10, 20, 35])[y]
    net = LogitAdjustedNet(**FAST).fit(X, labels)
    assert net.classes_.tolist() == [10, 20, 35]
    pred = net.predict(X)
    assert pred.dtype.kind == "i" and set(pred) <= {10, 20, 35}


def test_priors_and_counts_come_from_training_labels(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    np.testing.assert_array_equal(net.class_counts_, [60, 25, 8])
    np.testing.assert_allclose(net.priors_, np.array([60, 25, 8]) / 93)
    assert isinstance(net.criterion_, LogitAdjustedLoss)
    np.testing.assert_allclose(net.criterion_.priors.numpy(), net.priors_)
    assert net.criterion_.tau == 1.0


def test_explicit_priors_and_classes_order(string_data):
    X, y = string_data
    net = LogitAdjustedNet(
        classes=["emu", "cat", "dog", "gnu"], priors=[1, 6, 3, 2], **FAST
    )
    net.fit(X, y)
    # A class without training samples is fine with explicit priors.
    assert net.classes_.tolist() == ["emu", "cat", "dog", "gnu"]
    np.testing.assert_allclose(net.priors_, np.array([1, 6, 3, 2]) / 12)
    np.testing.assert_array_equal(net.class_counts_, [8, 60, 25, 0])
    assert net.predict_proba(X).shape == (len(X), 4)


def test_class_without_samples_and_train_priors_is_refused(string_data):
    X, y = string_data
    with pytest.raises(ValueError, match=r"\['gnu'\] has no sample"):
        LogitAdjustedNet(classes=["cat", "dog", "emu", "gnu"], **FAST).fit(X, y)


def test_torch_dataset_input_needs_labels_that_are_already_encoded(data):
    from skorch.dataset import Dataset

    X, y = data
    dataset = Dataset(X.astype(np.float32), y)
    net = LogitAdjustedNet(module__input_units=4, **FAST).fit(dataset, y)
    assert net.classes_.tolist() == [0, 1, 2]
    np.testing.assert_allclose(net.priors_, np.bincount(y) / len(y))
    assert net.predict(dataset).shape == y.shape
    with pytest.raises(ValueError, match="labels stored in a torch Dataset"):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(dataset, y + 1)


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int32, np.float64])
def test_label_dtypes_are_converted_to_int64_targets(data, dtype):
    # torch's cross-entropy only takes int64 targets; any label dtype must do.
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y.astype(dtype))
    assert net.classes_.dtype == dtype
    assert net.predict(X).dtype == dtype


@pytest.mark.parametrize(
    "make_y, match",
    [
        (lambda y: np.zeros_like(y), "at least 2 classes"),
        (lambda y: y + 0.5, "binary or multiclass"),
        (lambda y: None, "requires y"),
    ],
    ids=["single-class", "continuous", "none"],
)
def test_bad_labels_are_refused(data, make_y, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**FAST).fit(X, make_y(y))


def test_unknown_labels_in_partial_fit_are_refused(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"labels \[7\] that are not among"):
        net.partial_fit(X[:3], [0, 1, 7])


def test_partial_fit_learns_labels_then_continues(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).partial_fit(X, y)
    assert net.classes_.tolist() == [0, 1, 2] and len(net.history) == 3
    net.partial_fit(X[:10], y[:10])
    assert len(net.history) == 6
    # The labels and priors are those of the first call, not of the later
    # batch (all of class 0), whose labels skorch's classes_ would re-read.
    assert net.classes_.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(net.class_counts_, [60, 25, 8])
    assert net.predict_proba(X).shape == (len(y), 3)


def test_partial_fit_classes_argument_names_labels_missing_from_the_batch(data):
    X, y = data
    first = y < 2
    net = LogitAdjustedNet(priors=[3, 2, 1], **FAST).partial_fit(
        X[first], y[first], classes=[0, 1, 2]
    )
    assert net.classes_.tolist() == [0, 1, 2]
    net.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"\[2\] has no sample"):
        LogitAdjustedNet(**FAST).partial_fit(X[first], y[first], classes=[0, 1, 2])


def test_default_train_split_trains_on_all_data_even_with_a_singleton_class():
    X, y = long_tailed(counts=(30, 10, 1))
    net = LogitAdjustedNet(**FAST)
    assert net.train_split is None
    net.fit(X, y)
    assert net.class_counts_.tolist() == [30, 10, 1]
    assert "valid_loss" not in net.history[-1]


@pytest.mark.parametrize("keyed", ["series", "dict"])
def test_priors_keyed_by_label_are_aligned_by_label(data, keyed):
    # Issue #11: a Series {2: .1, 1: .2, 0: .7} was read by position.
    pd = pytest.importorskip("pandas")
    X, y = data
    mapping = {2: 0.1, 1: 0.2, 0: 0.7}
    priors = pd.Series(mapping) if keyed == "series" else mapping
    net = LogitAdjustedNet(priors=priors, **FAST).fit(X, y)
    np.testing.assert_allclose(net.priors_, [0.7, 0.2, 0.1])
    np.testing.assert_allclose(net.criterion_.priors.numpy(), [0.7, 0.2, 0.1])


def test_classes_in_any_order_fit_and_predict(data):
    # Issue #11: classes=[2, 0, 1] failed with "y contains labels [0, 2] that
    # the fitted estimator does not know".
    X, y = data
    net = LogitAdjustedNet(classes=[2, 0, 1], **{**FAST, "max_epochs": 30}).fit(X, y)
    assert net.classes_.tolist() == [2, 0, 1]
    np.testing.assert_allclose(net.priors_, np.array([8, 60, 25]) / 93)
    np.testing.assert_array_equal(net.class_counts_, [8, 60, 25])
    # Column k of the output is label classes_[k]: it learned the labels right.
    assert net.score(X, y) > 0.8  # a permuted mapping would score below 0.4
    column_of_label = {label: k for k, label in enumerate(net.classes_)}
    assert (
        np.mean(net.predict_proba(X).argmax(1) == [column_of_label[v] for v in y]) > 0.8
    )


def test_dataset_without_y_uses_given_classes_and_priors(data):
    # skorch trains on a Dataset's own labels; with `priors` given the net
    # needs no y, even when skorch cannot read the Dataset's labels.
    class _Opaque(torch.utils.data.Dataset):
        def __init__(self, X, y):
            self._X, self._y = X.astype(np.float32), y

        def __len__(self):
            return len(self._y)

        def __getitem__(self, i):
            return self._X[i], self._y[i]

    X, y = data
    net = LogitAdjustedNet(priors=[3, 2, 1], module__input_units=4, **FAST).fit(
        _Opaque(X, y), None
    )
    assert net.classes_.tolist() == [0, 1, 2]
    np.testing.assert_allclose(net.priors_, [0.5, 1 / 3, 1 / 6])
    assert not hasattr(net, "class_counts_")
    assert net.predict(_Opaque(X, y)).shape == y.shape
    with pytest.raises(ValueError, match="or 'train' with the training labels"):
        LogitAdjustedNet(module__input_units=4, classes=[0, 1, 2], **FAST).fit(
            _Opaque(X, y), None
        )
    with pytest.raises(
        ValueError, match=r"needs at least 2 classes; got 0 class\(es\)"
    ):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(_Opaque(X, y), None)


def test_dataset_labels_are_read_when_y_is_none(data):
    from skorch.dataset import Dataset

    X, y = data
    net = LogitAdjustedNet(module__input_units=4, **FAST)
    net.fit(Dataset(X.astype(np.float32), y), None)
    np.testing.assert_allclose(net.priors_, np.bincount(y) / len(y))
    np.testing.assert_array_equal(net.class_counts_, [60, 25, 8])


@pytest.mark.parametrize(
    "criterion, params",
    [
        (LogitAdjustedLoss, {"tau": 0.5}),
        (torch.nn.CrossEntropyLoss, {}),
        (BalancedSoftmaxLoss, {}),
        (LDAMLoss, {"criterion__s": 1.0}),
        (ClassBalancedLoss, {"criterion__beta": 0.99}),
        (FocalLoss, {"criterion__gamma": 1.0}),
        (EqualizationLoss, {"criterion__freq_threshold": 0.1}),
    ],
)
def test_any_criterion_class_trains_and_gets_what_it_takes(data, criterion, params):
    X, y = data
    net = LogitAdjustedNet(criterion=criterion, **params, **FAST).fit(X, y)
    assert type(net.criterion_) is criterion
    assert np.isfinite(net.history[:, "train_loss"]).all()
    assert net.predict_proba(X).shape == (len(X), 3)
    if hasattr(net.criterion_, "log_priors"):
        np.testing.assert_allclose(net.criterion_.priors.numpy(), net.priors_)
    assert getattr(net.criterion_, "tau", 1.0) == params.get("tau", 1.0)


def test_count_based_criteria_get_the_training_counts(data):
    X, y = data
    params = dict(criterion=ClassBalancedLoss, criterion__beta=0.9, **FAST)
    net = LogitAdjustedNet(**params).fit(X, y)
    np.testing.assert_allclose(
        net.criterion_.weight.numpy(),
        ClassBalancedLoss([60, 25, 8], beta=0.9).weight.numpy(),
    )
    # With explicit priors, the counts are the priors at the scale of the rows.
    net = LogitAdjustedNet(priors=[2, 1, 1], **params).fit(X, y)
    counts = np.array([2, 1, 1]) / 4 * len(y)
    np.testing.assert_allclose(
        net.criterion_.weight.numpy(),
        ClassBalancedLoss(counts, beta=0.9).weight.numpy(),
    )


def test_a_criterion_instance_is_used_as_it_is(data):
    X, y = data
    criterion = LogitAdjustedLoss([1, 1, 10], tau=2.0)
    net = LogitAdjustedNet(criterion=criterion, **FAST).fit(X, y)
    assert net.criterion_ is criterion
    np.testing.assert_allclose(net.criterion_.priors.numpy(), [1 / 12, 1 / 12, 10 / 12])


@pytest.mark.parametrize(
    "module",
    ["mlp", TabularMLP(4, 3).state_dict(), np.zeros(3)],
    ids=["string", "state-dict", "array"],
)
def test_module_must_be_a_torch_module_or_a_callable_building_one(data, module):
    X, y = data
    with pytest.raises(TypeError, match="`module` must be a torch.nn.Module"):
        LogitAdjustedNet(module=module, **FAST).fit(X, y)
    with pytest.raises(TypeError, match="which returned 'not a module'"):
        LogitAdjustedNet(module=lambda: "not a module", **FAST).fit(X, y)


def test_module_factories_and_partials_get_the_data_sizes(data):
    # skorch accepts any callable; a partial's bound arguments are kept.
    from functools import partial

    X, y = data
    net = LogitAdjustedNet(lambda: torch.nn.Linear(4, 3), **FAST).fit(X, y)
    assert net.predict_proba(X).shape == (len(y), 3)
    net = LogitAdjustedNet(partial(TabularMLP, hidden_units=5), **FAST).fit(X, y)
    assert net.module_.layers[0].in_features == 4
    assert net.module_.layers[0].out_features == 5
    assert net.module_.layers[-1].out_features == 3


@pytest.mark.parametrize(
    "params",
    [
        {"module": torch.nn.Linear(4, 2)},
        {
            "module": torch.nn.Linear,
            "module__in_features": 4,
            "module__out_features": 5,
        },
        {"module__output_units": 2},
    ],
    ids=["instance", "class", "default-mlp"],
)
def test_logits_of_the_wrong_width_are_refused_at_the_first_batch(data, params):
    X, y = data
    net = LogitAdjustedNet(**params, **FAST)
    with pytest.raises(
        ValueError, match=r"last dimension of the logits .*\((2|5) != 3\)"
    ):
        net.fit(X, y)
    assert len(net.history) == 1  # refused during the first epoch


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"criterion__weight": [1.0, 2.0]}, ValueError, "`weight` has length 2"),
        ({"criterion__reduction": "avg"}, ValueError, "`reduction` must be one of"),
        ({"criterion": FocalLoss, "criterion__gamma": "2"}, TypeError, "`gamma`"),
        ({"tau": "1"}, TypeError, "`tau` must be a real number"),
    ],
)
def test_bad_criterion_arguments_are_refused_naming_them(data, params, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        LogitAdjustedNet(**params, **FAST).fit(X, y)
