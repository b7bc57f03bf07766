"""The torch side's checks (sklearn_la.nn._checks): arguments, logits, data."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

import scipy.sparse as sp  # noqa: E402
from _nn_helpers import FAST  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402

from sklearn_la.nn import LogitAdjustedNet  # noqa: E402
from sklearn_la.nn._checks import (  # noqa: E402
    _check_cross_entropy_target,
    _check_index_target,
    _check_real,
    _check_shift,
)
from sklearn_la.nn.functional import _compute_dtype  # noqa: E402


@pytest.mark.parametrize(
    "tau, error",
    [(np.nan, ValueError), (np.inf, ValueError), ("1", TypeError), (None, TypeError)],
)
def test_tau_must_be_a_finite_number_named_in_the_error(tau, error):
    with pytest.raises(error, match="`tau`"):
        _check_real(tau, "tau")
    assert _check_real(0.5, "tau") == 0.5


@pytest.mark.parametrize("make", [np.array, torch.tensor], ids=["numpy", "torch"])
def test_check_shift_names_the_parameter_of_a_non_finite_shift(make):
    finite = make([0.0, -1.0])
    assert _check_shift(finite, 2.0, "tau") is finite
    with pytest.raises(ValueError, match="`posthoc_tau` value 1e\\+308 is too large"):
        _check_shift(make([0.0, -np.inf]), 1e308, "posthoc_tau")
    with pytest.raises(ValueError, match="`tau`"):
        _check_shift(make([np.nan, 0.0]), 1e308, "tau")


@pytest.mark.parametrize(
    "largest, dtype, expected",
    [
        (10.0, torch.float16, torch.float16),
        (1e5, torch.float16, torch.float32),
        (1e5, torch.bfloat16, torch.bfloat16),
        (1e300, torch.float32, torch.float64),
        (1e300, torch.float16, torch.float64),
        (1e300, torch.float64, torch.float64),
    ],
)
def test_compute_dtype_is_the_first_that_holds_the_offsets(largest, dtype, expected):
    offsets = torch.tensor([0.0, -largest], dtype=torch.float64)
    assert _compute_dtype(offsets, dtype) == expected


def test_a_float_target_must_be_probabilities_of_the_logits_shape():
    logits = torch.zeros(4, 3)
    _check_cross_entropy_target(torch.tensor([0, 1, 2, 0]), "Loss", logits)
    _check_cross_entropy_target(torch.full((4, 3), 1 / 3), "Loss", logits)
    with pytest.raises(TypeError, match=r"Loss needs class-index targets.*\(4,\)"):
        _check_cross_entropy_target(torch.tensor([0.0, 1.0, 2.0, 0.0]), "Loss", logits)


@pytest.mark.parametrize(
    "target, error, match",
    [
        (torch.tensor([0.0, 1.0]), TypeError, "class-index targets"),
        (torch.tensor([0, 1, 2]), ValueError, r"`target` has shape \(3,\)"),
        (torch.tensor([0, 3]), ValueError, r"outside \[0, 3\)"),
    ],
)
def test_index_targets_are_checked_for_dtype_shape_and_range(target, error, match):
    with pytest.raises(error, match=match):
        _check_index_target(target, "Loss", torch.zeros(2, 3))
    # the ignored value is not a class index
    _check_index_target(torch.tensor([0, -100]), "Loss", torch.zeros(2, 3))


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
    assert net.sample_shape_ == (1, 2, 2)
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


@pytest.mark.parametrize(
    "make_X, match",
    [
        (lambda X: X.astype(str).astype(object) + "a", "could not convert string"),
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
