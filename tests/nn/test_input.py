"""Conversion of the net's X (sklearn_la.nn._input): containers, images, errors."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

import scipy.sparse as sp  # noqa: E402
from _nn_helpers import FAST  # noqa: E402
from sklearn.metrics import balanced_accuracy_score  # noqa: E402

from sklearn_la.nn import LogitAdjustedNet  # noqa: E402


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
