"""Long-tailed data sets: subsampling a balanced set, and the paper's synthetic data.

- :func:`make_long_tailed` turns a balanced labelled set into a long-tailed one
  the way CIFAR-10-LT and CIFAR-100-LT are built (Cao et al., 2019; Menon et
  al., 2021, section 6.2).
- :func:`make_paper_synthetic` draws the two-Gaussian data of Menon et al.,
  "Long-tail learning via logit adjustment", ICLR 2021, section 6.1.
- ``BAYES_BALANCED_ERROR_SYNTHETIC``: the Bayes-optimal balanced error on that
  data, ``Phi(-sqrt(2))`` (about 0.0786), the floor the paper's figure 2
  compares every method against.
"""

from numbers import Integral, Real

import numpy as np
from scipy.stats import norm
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, column_or_1d

__all__ = [
    "BAYES_BALANCED_ERROR_SYNTHETIC",
    "make_long_tailed",
    "make_paper_synthetic",
]

# The classes of make_paper_synthetic are N(+-(1, 1), I). The balanced-error
# optimal rule weighs both classes equally, so its boundary is the bisector
# x1 + x2 = 0; given y = +1, x1 + x2 ~ N(2, 2), so each class errs with
# probability Phi(-2 / sqrt(2)) = Phi(-sqrt(2)), whatever the class prior.
BAYES_BALANCED_ERROR_SYNTHETIC = float(norm.cdf(-np.sqrt(2.0)))

# Mathematically integral sizes such as 5000 * 100**-1 must not lose a sample to
# floating-point rounding before the floor.
_FLOOR_TOLERANCE = 1e-9


def _profile_sizes(n_classes, n_max, imbalance_ratio, profile):
    """Target size of each class, head (index 0) first; never below one sample."""
    k = np.arange(n_classes)
    if profile == "exponential":
        raw = n_max * imbalance_ratio ** (-k / (n_classes - 1))
    else:
        n_head = (n_classes + 1) // 2
        raw = np.where(k < n_head, float(n_max), n_max / imbalance_ratio)
    # A class subsampled to zero would vanish from the data set altogether.
    return np.maximum(np.floor(raw + _FLOOR_TOLERANCE).astype(np.int64), 1)


@validate_params(
    {
        "X": ["array-like", "sparse matrix"],
        "y": ["array-like"],
        # Closed on the left only, so that inf is refused along with nan.
        "imbalance_ratio": [Interval(Real, 1, np.inf, closed="left")],
        "profile": [StrOptions({"exponential", "step"})],
        "n_max": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_long_tailed(
    X, y, imbalance_ratio, *, profile="exponential", n_max=None, random_state=None
):
    """Subsample a labelled data set into a long-tailed one.

    Classes are ranked by sorted label; class ``k`` (``k = 0..K-1``) keeps
    ``n_k`` samples drawn at random without replacement:

    - ``profile="exponential"``:
      ``n_k = floor(n_max * imbalance_ratio ** (-k / (K - 1)))``, how
      CIFAR-10-LT and CIFAR-100-LT are built (5000 images per class and ratio
      100 give the 12,406 training images of CIFAR-10-LT);
    - ``profile="step"``: the first ``ceil(K / 2)`` classes keep ``n_max``, the
      others ``floor(n_max / imbalance_ratio)``.

    Every class keeps at least one sample, so with ``n_max < imbalance_ratio``
    the realised ratio is smaller than asked.

    Parameters
    ----------
    X : {array-like, sparse matrix, DataFrame} of shape (n_samples, n_features)
        Features; rows are selected with scikit-learn's ``_safe_indexing``, so
        the container type (and a DataFrame's index) is kept.

    y : array-like of shape (n_samples,)
        Class labels (numbers or strings).

    imbalance_ratio : float
        Size of the largest class over that of the smallest, at least 1
        (1 gives a balanced subsample with ``n_max`` samples per class).

    profile : {"exponential", "step"}, default="exponential"
        How class sizes decay from head to tail.

    n_max : int, default=None
        Size of the largest (first) class. Defaults to the size of the smallest
        class in ``y``, so that every class has enough samples. A class with
        fewer samples than its target size raises a ValueError.

    random_state : int, RandomState instance or None, default=None
        Seed of the subsampling; an int makes the output reproducible.

    Returns
    -------
    X_lt : same type as X, of shape (n_kept, n_features)
        The kept rows, in their original order.

    y_lt : same type as y, of shape (n_kept,)
        Their labels.

    See Also
    --------
    sklearn_la.metrics.group_accuracy : Accuracy of many-, medium- and
        few-shot classes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_la.datasets import make_long_tailed
    >>> X = np.arange(400).reshape(-1, 1)
    >>> y = np.repeat([0, 1, 2, 3], 100)
    >>> X_lt, y_lt = make_long_tailed(X, y, imbalance_ratio=10, random_state=0)
    >>> np.bincount(y_lt)
    array([100,  46,  21,  10])
    >>> _, y_step = make_long_tailed(X, y, 10, profile="step", random_state=0)
    >>> np.bincount(y_step)
    array([100, 100,  10,  10])
    """
    # A column vector is read as scikit-learn reads one, with its warning,
    # and comes back 1-D.
    labels = column_or_1d(y, warn=True)
    check_consistent_length(X, labels)
    target_type = type_of_target(labels, input_name="y")
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            "`y` must hold class labels (a binary or multiclass target); got a "
            f"{target_type!r} target."
        )
    classes, y_encoded = np.unique(labels, return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError(
            f"`y` must contain at least 2 classes to build a long tail; got "
            f"{classes.tolist()!r}."
        )
    class_sizes = np.bincount(y_encoded)
    n_max = int(class_sizes.min()) if n_max is None else int(n_max)
    targets = _profile_sizes(classes.shape[0], n_max, float(imbalance_ratio), profile)

    short = np.flatnonzero(targets > class_sizes)
    if short.size:
        k = short[0]
        raise ValueError(
            f"Class {classes[k].item()!r} has {class_sizes[k]} samples but the "
            f"{profile} profile with n_max={n_max} and "
            f"imbalance_ratio={imbalance_ratio!r} "
            f"needs {targets[k]}; lower `n_max` (default: the smallest class size, "
            f"{class_sizes.min()})."
        )

    rng = check_random_state(random_state)
    kept = np.concatenate(
        [
            rng.choice(np.flatnonzero(y_encoded == k), size=size, replace=False)
            for k, size in enumerate(targets)
        ]
    )
    # Keeping the original row order leaves any structure of the input (time,
    # groups) intact and makes the output independent of class order.
    kept.sort()
    if np.ndim(y) > 1:
        return _safe_indexing(X, kept), labels[kept]
    return _safe_indexing(X, kept), _safe_indexing(y, kept)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "positive_fraction": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_paper_synthetic(n_samples=10000, *, positive_fraction=0.05, random_state=None):
    """Two-Gaussian long-tailed data of the paper's synthetic experiment.

    Binary labels ``y`` in ``{-1, +1}`` with ``P(y = +1) = positive_fraction``,
    and features ``x ~ N(y * (1, 1), I_2)`` (Menon et al., 2021, section 6.1:
    10,000 samples, 5% positives). The Bayes-optimal classifier for the
    balanced error is ``sign(x1 + x2)``, with balanced error
    :data:`BAYES_BALANCED_ERROR_SYNTHETIC` = ``Phi(-sqrt(2))`` (about 0.0786).

    Parameters
    ----------
    n_samples : int, default=10000
        Number of samples.

    positive_fraction : float, default=0.05
        Probability of the positive class, in ``(0, 1)``. Labels are drawn
        independently, so the realised fraction varies around it.

    random_state : int, RandomState instance or None, default=None
        Seed; an int makes the output reproducible.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        Features.

    y : ndarray of shape (n_samples,)
        Labels, -1 or +1 (int64).

    See Also
    --------
    make_long_tailed : Long-tailed subsample of real data.

    Examples
    --------
    >>> from sklearn_la.datasets import make_paper_synthetic
    >>> X, y = make_paper_synthetic(1000, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((1000, 2), [-1, 1])
    """
    rng = check_random_state(random_state)
    y = np.where(rng.uniform(size=n_samples) < positive_fraction, 1, -1).astype(
        np.int64
    )
    X = y[:, np.newaxis] * np.ones(2) + rng.standard_normal((n_samples, 2))
    return X, y
