"""Fashion-MNIST and Fashion-MNIST-LT for the sklearn-la benchmarks (offline).

The images come from the Debian package ``dataset-fashion-mnist``, which
installs the four original idx files (gzipped) under
``/usr/share/datasets/fashion-mnist/``::

    apt-get install dataset-fashion-mnist

Nothing is downloaded at run time. Plain (not gzipped) idx files are read too.

**Fashion-MNIST-LT** is built exactly as CIFAR-10-LT (Cao et al. 2019; Menon
et al. 2021): class ``k = 0..9`` (in label order, ``0`` = T-shirt/top) keeps
``floor(6000 * 100 ** (-k / 9))`` training images drawn at random without
replacement (``sklearn_la.datasets.make_long_tailed`` with ``n_max=6000``,
``imbalance_ratio=100``, exponential profile), i.e.::

    6000, 3596, 2156, 1292, 774, 464, 278, 166, 100, 60   (14,886 images)

and the test set is the original balanced 10,000-image test set (1,000 per
class). ``random_state`` seeds which training images are kept (and, when
``n_test_per_class`` asks for a smaller test set, which test images).

Images are returned flattened, ``(n, 784)`` float32 scaled to ``[0, 1]``
(row-major 28 x 28), so that they pass through scikit-learn style
validation; a CNN reshapes them to ``(n, 1, 28, 28)``.
"""

from __future__ import annotations

import gzip
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

from _data import MissingDependencyError, Split

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
PACKAGE = "dataset-fashion-mnist"
INSTALL = "apt-get install dataset-fashion-mnist"
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# idx magic numbers: unsigned byte data, 3 dimensions (images) or 1 (labels)
_MAGIC = {3: 0x00000803, 1: 0x00000801}


def _find(root, stem):
    """``stem.gz`` or ``stem`` under ``root``, or a clear error naming the package."""
    for name in (stem + ".gz", stem):
        path = root / name
        if path.is_file():
            return path
    raise MissingDependencyError(
        f"Fashion-MNIST needs the Debian package {PACKAGE!r}: the file "
        f"{root / (stem + '.gz')} is missing. Install it with:  {INSTALL}"
    )


def _read_idx(path, ndim):
    """Array from an idx file (optionally gzipped) of unsigned bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: too short for an idx file ({len(data)} bytes).")
    magic, *shape = struct.unpack(f">{1 + ndim}I", data[:header])
    if magic != _MAGIC[ndim]:
        raise ValueError(
            f"{path}: bad idx magic number {magic:#010x}, expected "
            f"{_MAGIC[ndim]:#010x} (unsigned bytes, {ndim} dimensions)."
        )
    expected = int(np.prod(shape))
    if len(data) - header != expected:
        raise ValueError(
            f"{path}: header says shape {tuple(shape)} ({expected} bytes) but the "
            f"file holds {len(data) - header}; reinstall with:  "
            f"apt-get install --reinstall {PACKAGE}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


@lru_cache(maxsize=2)
def _load_raw(root):
    root = Path(root)
    paths = {key: _find(root, stem) for key, stem in _FILES.items()}
    X_train = _read_idx(paths["train_images"], 3)
    y_train = _read_idx(paths["train_labels"], 1)
    X_test = _read_idx(paths["test_images"], 3)
    y_test = _read_idx(paths["test_labels"], 1)
    if len(X_train) != len(y_train) or len(X_test) != len(y_test):
        raise ValueError(f"Fashion-MNIST files under {root} have mismatched lengths.")
    return X_train, y_train.astype(np.int64), X_test, y_test.astype(np.int64)


def available(root=FASHION_DIR):
    """Whether the Fashion-MNIST files are installed under ``root``."""
    root = Path(root)
    return all(
        (root / (stem + ".gz")).is_file() or (root / stem).is_file()
        for stem in _FILES.values()
    )


def load_fashion_mnist(root=FASHION_DIR):
    """The original Fashion-MNIST: ``(X_train, y_train, X_test, y_test)``.

    Images are uint8 arrays of shape ``(n, 28, 28)`` (60,000 train, 10,000
    test), labels int64 in ``0..9`` (see :data:`CLASS_NAMES`). The arrays are
    cached and read-only; copy them before modifying.
    """
    return _load_raw(str(root))


def lt_class_counts(n_max=6000, imbalance_ratio=100, n_classes=10):
    """CIFAR-LT class sizes ``floor(n_max * ratio ** (-k / (K - 1)))``, head first.

    A tiny tolerance keeps exact products (``6000 * 100 ** -1 = 60``) from
    flooring to one less through rounding, as in ``make_long_tailed``.
    """
    k = np.arange(n_classes)
    raw = n_max * float(imbalance_ratio) ** (-k / (n_classes - 1))
    return np.maximum(np.floor(raw + 1e-9).astype(np.int64), 1)


def _to_features(images):
    """uint8 images -> flattened float32 in [0, 1]."""
    return (images.reshape(len(images), -1).astype(np.float32)) / np.float32(255.0)


def _test_indices(y_te, n_test_per_class, rng):
    """All test images, or ``n_test_per_class`` of each class drawn by ``rng``."""
    if n_test_per_class is None:
        return np.arange(len(y_te))
    return np.sort(
        np.concatenate(
            [
                rng.choice(
                    np.flatnonzero(y_te == c), size=n_test_per_class, replace=False
                )
                for c in range(len(CLASS_NAMES))
            ]
        )
    )


def load_fashion_mnist_lt(
    random_state=0,
    *,
    imbalance_ratio=100,
    n_max=6000,
    n_test_per_class=None,
    root=FASHION_DIR,
):
    """Fashion-MNIST-LT as a :class:`_data.Split`: long-tailed train, balanced test.

    Parameters
    ----------
    random_state : int
        Seeds the choice of the kept training images (and of the test
        images when ``n_test_per_class`` is given).
    imbalance_ratio : float, default=100
        Head / tail class size ratio (CIFAR-10-LT uses 100).
    n_max : int, default=6000
        Size of the head class (all 6,000 training images of class 0). A
        smaller value gives a scaled-down copy for smoke runs.
    n_test_per_class : int or None, default=None
        ``None`` keeps the full balanced test set (1,000 per class);
        otherwise that many test images per class, drawn at random.
    root : path, default=/usr/share/datasets/fashion-mnist
        Folder holding the idx files.

    Returns
    -------
    Split
        ``X_train`` (n, 784) float32 in [0, 1], ``y_train`` int64, ``X_test``,
        ``y_test``, ``name`` (``"Fashion-MNIST-LT"``).
    """
    from sklearn_la.datasets import make_long_tailed

    X_tr, y_tr, X_te, y_te = load_fashion_mnist(root)
    rng = np.random.RandomState(random_state)
    idx_tr, y_lt = make_long_tailed(
        np.arange(len(y_tr)),
        y_tr,
        imbalance_ratio,
        profile="exponential",
        n_max=n_max,
        random_state=rng.randint(2**31 - 1),
    )
    expected = lt_class_counts(n_max, imbalance_ratio, len(CLASS_NAMES))
    got = np.bincount(y_lt, minlength=len(CLASS_NAMES))
    if not np.array_equal(got, expected):  # pragma: no cover - a library bug
        raise AssertionError(
            f"make_long_tailed gave class sizes {got.tolist()}, expected "
            f"{expected.tolist()} (floor(n_max * ratio^(-k/9)))."
        )
    idx_te = _test_indices(y_te, n_test_per_class, rng)
    return Split(
        _to_features(X_tr[idx_tr]),
        y_tr[idx_tr].copy(),
        _to_features(X_te[idx_te]),
        y_te[idx_te].copy(),
        "Fashion-MNIST-LT",
    )


if __name__ == "__main__":  # quick look
    split = load_fashion_mnist_lt(0)
    print(
        f"{split.name}: {len(split.y_train)} train / {len(split.y_test)} test, "
        f"train class sizes {np.bincount(split.y_train).tolist()}, test class "
        f"sizes {np.bincount(split.y_test).tolist()}"
    )
