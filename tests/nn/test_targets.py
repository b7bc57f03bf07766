"""Labels, classes and priors of the net (sklearn_la.nn._targets)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _nn_helpers import FAST, long_tailed  # noqa: E402

from sklearn_la.nn import LogitAdjustedLoss, LogitAdjustedNet  # noqa: E402


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
    with pytest.raises(ValueError, match="priors='train' needs the training labels"):
        LogitAdjustedNet(module__input_units=4, classes=[0, 1, 2], **FAST).fit(
            _Opaque(X, y), None
        )
    with pytest.raises(ValueError, match="needs the class labels"):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(_Opaque(X, y), None)


def test_dataset_labels_are_read_when_y_is_none(data):
    from skorch.dataset import Dataset

    X, y = data
    net = LogitAdjustedNet(module__input_units=4, **FAST)
    net.fit(Dataset(X.astype(np.float32), y), None)
    np.testing.assert_allclose(net.priors_, np.bincount(y) / len(y))
    np.testing.assert_array_equal(net.class_counts_, [60, 25, 8])
