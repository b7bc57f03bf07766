"""Tests of LogitAdjustedNet, the skorch classifier trained with the LA loss."""

import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

import scipy.sparse as sp  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402

from sklearn_la import LogitAdjustedNet  # noqa: E402
from sklearn_la._modules import TabularMLP  # noqa: E402
from sklearn_la.losses import (  # noqa: E402
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
)

# Small and quick: every test trains for a few epochs on at most ~100 rows.
FAST = dict(max_epochs=3, lr=0.1, batch_size=64, verbose=0, random_state=0)


@pytest.fixture(autouse=True, scope="module")
def _single_thread():
    # Tiny tensors: intra-op threads only add synchronisation overhead, and
    # on a busy runner they make these tests slow and their timing erratic.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _long_tailed(counts=(60, 25, 8), n_features=4, seed=0):
    """Gaussian blobs with the given class sizes; labels 0..K-1."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    centres = rng.normal(scale=3.0, size=(len(counts), n_features))
    X = centres[y] + rng.normal(size=(len(y), n_features))
    return X, y


@pytest.fixture(scope="module")
def data():
    return _long_tailed()


@pytest.fixture(scope="module")
def string_data(data):
    X, y = data
    return X, np.array(["cat", "dog", "emu"])[y]


# --------------------------------------------------------------------------
# scikit-learn's estimator checks
# --------------------------------------------------------------------------

_FLOAT32_EQUIVALENCE = (
    "float32 training: with one full batch the weighted and the repeated fits "
    "agree to about 1e-7 relative (tested at 1e-5 in "
    "test_integer_weights_equal_repeated_samples_in_full_batch_training), just "
    "above the check's tolerance."
)

EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": _FLOAT32_EQUIVALENCE,
    "check_sample_weight_equivalence_on_sparse_data": _FLOAT32_EQUIVALENCE,
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
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# --------------------------------------------------------------------------
# The method: LA loss beats ERM on a long-tailed problem
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Labels, priors, criterion
# --------------------------------------------------------------------------


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
    with pytest.raises(ValueError, match=r"\['gnu'\] have no training sample"):
        LogitAdjustedNet(classes=["cat", "dog", "emu", "gnu"], **FAST).fit(X, y)


@pytest.mark.parametrize(
    "loss, criterion_class, criterion_params",
    [
        ("logit_adjusted", LogitAdjustedLoss, {}),
        ("cross_entropy", torch.nn.CrossEntropyLoss, {}),
        ("balanced_softmax", BalancedSoftmaxLoss, {}),
        ("ldam", LDAMLoss, {"criterion__s": 1.0}),
        ("class_balanced", ClassBalancedLoss, {"criterion__beta": 0.99}),
        ("focal", FocalLoss, {"criterion__gamma": 1.0}),
        ("equalization", EqualizationLoss, {"criterion__freq_threshold": 0.1}),
    ],
)
def test_loss_names_select_the_criterion(data, loss, criterion_class, criterion_params):
    X, y = data
    net = LogitAdjustedNet(loss=loss, **criterion_params, **FAST).fit(X, y)
    assert type(net.criterion_) is criterion_class
    assert np.isfinite(net.history[:, "train_loss"]).all()
    assert net.predict_proba(X).shape == (len(X), 3)


def test_count_based_losses_get_training_counts(data):
    X, y = data
    net = LogitAdjustedNet(loss="class_balanced", criterion__beta=0.9, **FAST).fit(X, y)
    np.testing.assert_allclose(
        net.criterion_.weight.numpy(),
        ClassBalancedLoss([60, 25, 8], beta=0.9).weight.numpy(),
    )


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


# --------------------------------------------------------------------------
# Prediction: unadjusted softmax and the post-hoc route
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Input conversion and errors
# --------------------------------------------------------------------------


def test_feature_containers_are_converted_to_float32(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    reference = LogitAdjustedNet(**FAST).fit(X, y).predict_proba(X)
    for variant in (
        X.astype(np.float32),
        pd.DataFrame(X),
        sp.csr_matrix(X),
        torch.as_tensor(X),
        X.tolist(),
    ):
        net = LogitAdjustedNet(**FAST).fit(variant, y)
        np.testing.assert_allclose(
            net.predict_proba(variant), reference, rtol=1e-5, atol=1e-6
        )


class _TinyCNN(torch.nn.Module):
    """One convolution over (channels, height, width) images, then logits."""

    def __init__(self, n_classes=3):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.head = torch.nn.Linear(4, n_classes)

    def forward(self, X):
        return self.head(torch.relu(self.conv(X)).mean(dim=(2, 3)))


def _images(data):
    """The blobs as 1x2x2 images: the same information, an image's shape."""
    X, y = data
    return X.reshape(-1, 1, 2, 2), y


def test_image_arrays_reach_a_convolutional_module_unflattened(data):
    X, y = _images(data)
    net = LogitAdjustedNet(_TinyCNN, **{**FAST, "max_epochs": 20}).fit(X, y)
    assert net._sample_shape == (1, 2, 2)
    proba = net.predict_proba(X)
    assert proba.shape == (len(y), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    # It learned something: better than the majority class on balanced accuracy.
    assert balanced_accuracy_score(y, net.predict(X)) > 0.5


def test_default_module_flattens_image_arrays(data):
    # TabularMLP gets input_units = 1 * 2 * 2 and flattens each sample, so it
    # trains exactly as on the flat 4-feature rows.
    X_flat, y = data
    X, _ = _images(data)
    on_images = LogitAdjustedNet(**FAST).fit(X, y)
    assert on_images.module_.layers[0].in_features == 4
    on_rows = LogitAdjustedNet(**FAST).fit(X_flat, y)
    np.testing.assert_allclose(
        on_images.predict_proba(X), on_rows.predict_proba(X_flat), rtol=1e-5, atol=1e-6
    )


def test_images_of_another_shape_are_refused_at_prediction(data):
    X, y = _images(data)
    net = LogitAdjustedNet(_TinyCNN, **FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"shape \(1, 4, 1\).*shape \(1, 2, 2\)"):
        net.predict(X.reshape(-1, 1, 4, 1))
    with pytest.raises(ValueError, match=r"shape \(4,\).*shape \(1, 2, 2\)"):
        net.predict(X.reshape(len(X), -1))
    # Nested lists have no shape until converted: they are checked after.
    np.testing.assert_array_equal(net.predict(X.tolist()), net.predict(X))
    with pytest.raises(ValueError, match=r"shape \(4,\).*shape \(1, 2, 2\)"):
        net.predict(X.reshape(len(X), -1).tolist())
    with pytest.raises(ValueError, match="NaN"):
        net.predict(np.where(X == X.flat[0], np.nan, X))


def test_torch_dataset_input_needs_labels_that_are_already_encoded(data):
    from skorch.dataset import Dataset

    X, y = data
    dataset = Dataset(X.astype(np.float32), y)
    net = LogitAdjustedNet(module__input_units=4, **FAST).fit(dataset, y)
    assert net.classes_.tolist() == [0, 1, 2]
    np.testing.assert_allclose(net.priors_, np.bincount(y) / len(y))
    assert net.predict(dataset).shape == y.shape
    with pytest.raises(ValueError, match="labels stored in the Dataset"):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(dataset, y + 1)


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int32, np.float64])
def test_label_dtypes_are_converted_to_int64_targets(data, dtype):
    # torch's cross-entropy only takes int64 targets; any label dtype must do.
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y.astype(dtype))
    assert net.classes_.dtype == dtype
    assert net.predict(X).dtype == dtype


@pytest.mark.parametrize(
    "make_X, match",
    [
        (lambda X: X.astype(str).astype(object) + "a", "X must be numeric"),
        (lambda X: np.where(np.arange(X.size).reshape(X.shape) == 3, np.nan, X), "NaN"),
        (
            lambda X: np.where(np.arange(X.size).reshape(X.shape) == 3, np.inf, X),
            "infinity",
        ),
    ],
    ids=["strings", "nan", "inf"],
)
def test_bad_features_are_refused(data, make_X, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**FAST).fit(make_X(X), y)


def test_non_numeric_dataframe_columns_are_named(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd")).assign(colour="red")
    with pytest.raises(ValueError, match=r"columns \['colour'\] are not"):
        LogitAdjustedNet(**FAST).fit(frame, y)


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


@pytest.mark.parametrize(
    "module",
    ["mlp", TabularMLP(4, 3).state_dict(), lambda: torch.nn.Linear(4, 3), np.zeros(3)],
    ids=["string", "state-dict", "factory", "array"],
)
def test_module_must_be_a_torch_module_class_or_instance(data, module):
    X, y = data
    with pytest.raises(TypeError, match="`module` must be a torch.nn.Module"):
        LogitAdjustedNet(module=module, **FAST).fit(X, y)


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
    "params, match",
    [
        ({"loss": "hinge"}, "`loss` must be one of"),
        ({"tau": np.nan}, "`tau`"),
        ({"priors": "uniform"}, "`priors` must be 'train'"),
        ({"priors": [0.5, 0.5]}, "`priors` has length 2"),
        ({"criterion__tau": 2.0}, "not `criterion__tau`"),
        ({"random_state": -1}, "`random_state`"),
        ({"classes": [0, 0, 1, 2]}, "distinct labels"),
    ],
)
def test_bad_parameters_are_refused_at_fit(data, params, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**{**FAST, **params}).fit(X, y)


def test_bad_posthoc_tau_is_refused_at_prediction(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y).set_params(posthoc_tau="1")
    with pytest.raises(ValueError, match="`posthoc_tau`"):
        net.predict(X)


def test_unknown_labels_in_partial_fit_are_refused(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"labels \[7\] that are not among"):
        net.partial_fit(X[:3], [0, 1, 7])


# --------------------------------------------------------------------------
# scikit-learn and skorch integration
# --------------------------------------------------------------------------


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
        ({}, "pass `classes` and `priors`"),
        ({"classes": [0, 1, 2]}, "pass explicit `priors`"),
        ({"classes": [0, 1, 2], "priors": [1, 1, 1]}, "module__input_units"),
        (
            {
                "classes": [0, 1, 2],
                "priors": [1, 1, 1],
                "module__input_units": 4,
                "loss": "ldam",
            },
            "needs the training class counts",
        ),
    ],
)
def test_initialize_before_fit_needs_classes_priors_and_sizes(params, match):
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(verbose=0, **params).initialize()


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


def test_default_train_split_trains_on_all_data_even_with_a_singleton_class():
    X, y = _long_tailed(counts=(30, 10, 1))
    net = LogitAdjustedNet(**FAST)
    assert net.train_split is None
    net.fit(X, y)
    assert net.class_counts_.tolist() == [30, 10, 1]
    assert "valid_loss" not in net.history[-1]


def test_validation_split_records_accuracy_on_original_labels(string_data):
    X, y = string_data
    net = LogitAdjustedNet(
        train_split=ValidSplit(4, stratified=True), **{**FAST, "max_epochs": 10}
    ).fit(X, y)
    assert 0.5 < net.history[-1, "valid_acc"] <= 1.0
    assert 0.3 < net.history[-1, "valid_bacc"] <= 1.0


def test_partial_fit_learns_labels_then_continues(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).partial_fit(X, y)
    assert net.classes_.tolist() == [0, 1, 2] and len(net.history) == 3
    net.partial_fit(X[:10], y[:10])
    assert len(net.history) == 6
    # The priors are those of the first call, not of the later batch.
    np.testing.assert_array_equal(net.class_counts_, [60, 25, 8])


def test_partial_fit_classes_argument_names_labels_missing_from_the_batch(data):
    X, y = data
    first = y < 2
    net = LogitAdjustedNet(priors=[3, 2, 1], **FAST).partial_fit(
        X[first], y[first], classes=[0, 1, 2]
    )
    assert net.classes_.tolist() == [0, 1, 2]
    net.partial_fit(X, y)
    with pytest.raises(ValueError, match=r"\[2\] have no training sample"):
        LogitAdjustedNet(**FAST).partial_fit(X[first], y[first], classes=[0, 1, 2])


# --------------------------------------------------------------------------
# Sample weights
# --------------------------------------------------------------------------

# One batch holds the whole data set, so that a weighted fit and a fit on
# repeated rows see the same gradient at every step.
FULL_BATCH = {**FAST, "batch_size": 1024, "max_epochs": 10}


def _integer_weights(n, seed=0):
    return np.random.default_rng(seed).integers(0, 4, size=n)


@pytest.mark.parametrize(
    "loss, criterion_params",
    [
        ("logit_adjusted", {}),
        ("cross_entropy", {}),
        ("focal", {}),
        # Class weights: the weighted mean divides by the weighted class weights.
        ("logit_adjusted", {"criterion__weight": [1.0, 2.0, 8.0]}),
        # Count-based: the criterion gets the weighted class totals.
        ("class_balanced", {}),
    ],
    ids=["la", "ce", "focal", "la-class-weights", "class-balanced"],
)
def test_integer_weights_equal_repeated_samples_in_full_batch_training(
    data, loss, criterion_params
):
    # Weights are divided by their mean, so the weighted mean loss over the
    # data equals the mean loss over the rows repeated `weight` times (and
    # rows of weight 0 dropped): the same priors, the same training.
    X, y = data
    weights = _integer_weights(len(y))
    params = {"loss": loss, **criterion_params, **FULL_BATCH}
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    repeated = LogitAdjustedNet(**params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.priors_, repeated.priors_)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    # The training data changed for real: unweighted training differs.
    plain = LogitAdjustedNet(**params).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))


@pytest.mark.parametrize("weight", [1.0, 0.25, 7.0])
def test_constant_sample_weights_change_nothing(data, weight):
    X, y = data
    reference = LogitAdjustedNet(**FAST).fit(X, y)
    net = LogitAdjustedNet(**FAST).fit(X, y, sample_weight=np.full(len(y), weight))
    np.testing.assert_array_equal(net.priors_, reference.priors_)
    np.testing.assert_array_equal(net.predict_proba(X), reference.predict_proba(X))


def test_upweighting_the_rare_class_raises_its_prior_and_its_predictions():
    # Overlapping classes, so that where the rare class wins depends on weights.
    X, y = _long_tailed(counts=(120, 50, 16), n_features=2, seed=1)
    X = X / 3.0
    weights = np.where(y == 2, 10.0, 1.0)
    params = {**FAST, "max_epochs": 30, "loss": "cross_entropy"}
    plain = LogitAdjustedNet(**params).fit(X, y)
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    totals = np.bincount(y, weights=weights)
    np.testing.assert_allclose(weighted.priors_, totals / totals.sum())
    # The raw counts are still the counts.
    np.testing.assert_array_equal(weighted.class_counts_, [120, 50, 16])
    assert (weighted.predict(X) == 2).sum() > (plain.predict(X) == 2).sum() + 5


@pytest.mark.parametrize("class_weight", [None, [1.0, 2.0, 8.0]])
def test_weighted_batch_loss_divides_by_the_batch_weight(data, class_weight):
    # As cross-entropy's "mean" divides by the total class weight of the
    # batch, the weighted mean divides by sum_i w_i * class_weight[y_i]: rows
    # repeated w_i times would give the same value.
    from sklearn_la._net import _WEIGHT_KEY, _X_KEY

    X, y = data
    params = {} if class_weight is None else {"criterion__weight": class_weight}
    net = LogitAdjustedNet(**params, **FAST).fit(X, y)
    logits = torch.randn(len(y), 3, dtype=torch.float64)
    target = torch.as_tensor(y)
    counts = _integer_weights(len(y))
    batch = {_X_KEY: torch.as_tensor(X), _WEIGHT_KEY: torch.as_tensor(counts)}
    repeated = torch.as_tensor(np.repeat(np.arange(len(y)), counts))
    expected = LogitAdjustedLoss(net.priors_, weight=class_weight)(
        logits[repeated], target[repeated]
    )
    torch.testing.assert_close(net.get_loss(logits, target, X=batch), expected)
    # The criterion is left as it was, for the next unweighted batch.
    assert net.criterion_.reduction == "mean"
    # A batch of zero-weight rows adds nothing (not 0 / 0).
    batch[_WEIGHT_KEY] = torch.zeros(len(y))
    assert net.get_loss(logits, target, X=batch).item() == 0.0


def test_sample_weights_with_validation_split_pipeline_and_partial_fit(string_data):
    X, y = string_data
    weights = _integer_weights(len(y)) + 0.5
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "net",
                LogitAdjustedNet(train_split=ValidSplit(3, stratified=True), **FAST),
            ),
        ]
    )
    pipe.fit(X, y, net__sample_weight=weights)
    net = pipe[-1]
    assert np.isfinite(net.history[-1, "valid_loss"])
    assert set(pipe.predict(X)) <= set(y)
    net.partial_fit(StandardScaler().fit_transform(X), y, sample_weight=weights)
    assert len(net.history) == 2 * FAST["max_epochs"]


@pytest.mark.parametrize(
    "make_weights, match",
    [
        (lambda n: -np.ones(n), "Negative values"),
        (lambda n: np.ones(n - 1), r"sample_weight.shape"),
        (lambda n: np.zeros(n), "at least one non-zero"),
        (lambda n: np.r_[np.nan, np.ones(n - 1)], "NaN"),
        (lambda n: np.r_[np.zeros(n - 1), 1.0], r"only samples of zero weight"),
    ],
    ids=["negative", "length", "zero-sum", "nan", "empty-classes"],
)
def test_bad_sample_weights_are_refused(data, make_weights, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**FAST).fit(X, y, sample_weight=make_weights(len(y)))


def test_sample_weights_need_array_input_and_a_reducing_criterion(data):
    from skorch.dataset import Dataset

    X, y = data
    weights = _integer_weights(len(y)) + 1.0
    with pytest.raises(ValueError, match="sample_weight needs X as an array"):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(
            Dataset(X.astype(np.float32), y), y, sample_weight=weights
        )

    class _Unreduced(torch.nn.Module):
        def forward(self, logits, target):
            return torch.nn.functional.cross_entropy(logits, target)

    with pytest.raises(ValueError, match="criterion with a `reduction`"):
        LogitAdjustedNet(criterion=_Unreduced, **FAST).fit(X, y, sample_weight=weights)


def test_weights_of_validation_rows_do_not_change_training(data):
    from skorch.dataset import Dataset

    X, y = data
    split = ValidSplit(4)
    _, valid = split(Dataset(X.astype(np.float32), y), y)
    weights = np.ones(len(y))
    weights[valid.indices] = 5.0
    # Fixed priors: those of priors="train" count every row passed to fit,
    # held-out ones included, weighted or not.
    params = {**FULL_BATCH, "train_split": split, "priors": [0.6, 0.3, 0.1]}
    plain = LogitAdjustedNet(**params).fit(X, y)
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(
        weighted.predict_proba(X), plain.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        weighted.history[:, "train_loss"], plain.history[:, "train_loss"], rtol=1e-5
    )


def test_sample_weights_refuse_a_custom_dataset_or_collate_fn(data):
    from skorch.dataset import Dataset

    class _Flipped(Dataset):
        pass

    X, y = data
    weights = _integer_weights(len(y)) + 1.0
    for params, name in [
        ({"dataset": _Flipped}, "dataset"),
        ({"iterator_train__collate_fn": lambda batch: batch}, "collate_fn"),
    ]:
        with pytest.raises(ValueError, match=f"custom {name}|custom .*{name}"):
            LogitAdjustedNet(**params, **FAST).fit(X, y, sample_weight=weights)


def test_refused_sample_weights_leave_a_fitted_net_untouched(data):
    class _Unreduced(torch.nn.Module):
        def forward(self, logits, target):
            return torch.nn.functional.cross_entropy(logits, target)

    X, y = data
    net = LogitAdjustedNet(criterion=_Unreduced(), **FAST).fit(X, y)
    before = net.predict_proba(X)
    with pytest.raises(ValueError, match="criterion with a `reduction`"):
        net.fit(X, y, sample_weight=_integer_weights(len(y)) + 1.0)
    np.testing.assert_array_equal(net.predict_proba(X), before)
    assert len(net.history) == FAST["max_epochs"]


@pytest.mark.parametrize(
    "params",
    [
        # MultiMarginLoss's weight scales each row's loss, but its mean
        # divides by the number of rows, not by the class weights.
        {
            "criterion": torch.nn.MultiMarginLoss,
            "criterion__weight": torch.tensor([1.0, 2.0, 5.0]),
        },
        # Rows of an ignored class count neither in the loss nor in the mean.
        {"criterion": torch.nn.CrossEntropyLoss, "criterion__ignore_index": 2},
        {"loss": "focal", "criterion__ignore_index": 1},
    ],
    ids=["multi-margin", "ce-ignore-index", "focal-ignore-index"],
)
def test_weighted_fits_equal_repeated_rows_for_other_criteria(data, params):
    X, y = data
    weights = _integer_weights(len(y))
    weighted = LogitAdjustedNet(**params, **FULL_BATCH).fit(X, y, sample_weight=weights)
    repeated = LogitAdjustedNet(**params, **FULL_BATCH).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(
        weighted.history[:, "train_loss"], repeated.history[:, "train_loss"], rtol=1e-5
    )


def test_weighted_loss_of_half_precision_logits_is_finite(data):
    from sklearn_la._net import _WEIGHT_KEY, _X_KEY

    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    logits = torch.randn(len(y), 3).half()
    target = torch.as_tensor(y)
    weights = torch.full((len(y),), 1000.0)  # float16 sums of these overflow
    batch = {_X_KEY: torch.as_tensor(X), _WEIGHT_KEY: weights}
    loss = net.get_loss(logits, target, X=batch)
    expected = LogitAdjustedLoss(net.priors_)(logits.float(), target)
    torch.testing.assert_close(loss.float(), expected, rtol=1e-2, atol=1e-2)
