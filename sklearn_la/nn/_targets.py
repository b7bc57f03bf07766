"""Per-fit data of :class:`~sklearn_la.nn.LogitAdjustedNet`: labels, priors, counts.

The net encodes labels itself (skorch trains on class indices), so it learns
them, with the class priors its losses need, before it hands the data to
skorch. These workers read the net's parameters and set its fitted
attributes ``classes_inferred_`` (what skorch's ``classes_`` reads),
``priors_`` and ``class_counts_``.
"""

from contextlib import contextmanager

import numpy as np
import torch
from skorch.utils import data_from_dataset, is_dataset

from .._validation import (
    _check_priors,
    _check_targets,
    _encode_labels,
    _is_keyed,
    _plain_list,
)
from . import _weights
from ._checks import _check_int
from ._input import _check_X

_OWNER = "LogitAdjustedNet"


def _as_array(y):
    return y.detach().cpu().numpy() if torch.is_tensor(y) else y


def _dataset_labels(X):
    """The labels skorch can read from a Dataset, or None."""
    try:
        return _as_array(data_from_dataset(X)[1])
    except AttributeError:
        return None


def _labels(net, y, classes):
    """The class labels: ``classes``, then partial_fit's, y's, or the priors' keys."""
    if net.classes is not None:
        labels = np.asarray(net.classes)
        if labels.ndim != 1 or len(np.unique(labels)) != len(labels):
            raise ValueError(
                f"`classes` must be a 1-D list of distinct labels; got {net.classes!r}."
            )
    elif classes is not None:
        labels = np.unique(classes)
    elif y is not None:
        labels = np.unique(y)
    elif _is_keyed(net.priors):
        labels = np.unique(list(net.priors.keys()))
    elif not isinstance(net.priors, str):
        # A Dataset's labels are class indices: a prior vector says how many.
        labels = np.arange(np.shape(net.priors)[0])
    else:
        raise ValueError(
            f"{_OWNER} needs the class labels: pass y (or a Dataset whose labels "
            "skorch can read), or pass `classes` and `priors`."
        )
    if len(labels) < 2:
        raise ValueError(
            f"{_OWNER} needs at least 2 classes; got {len(labels)} class(es): "
            f"{_plain_list(labels)!r}."
        )
    return labels


def _learn_targets(net, y, *, classes=None, weights=None, placeholder=False):
    """Set the labels, priors and counts from ``y`` (validated) or the parameters.

    ``placeholder`` (``initialize`` before any fit) stands uniform priors in
    for ``priors="train"``; ``load_params`` then restores the criterion's
    buffers.
    """
    labels = _labels(net, y, classes)
    y_encoded = None if y is None else _encode_labels(y, labels)
    total = 1.0 if y is None else (len(y) if weights is None else weights.sum())
    if not isinstance(net.priors, str):
        priors = _check_priors(net.priors, labels, name="priors")
    elif net.priors != "train":
        raise ValueError(
            "`priors` must be 'train' or an array-like of shape (n_classes,); got "
            f"{net.priors!r}."
        )
    elif y_encoded is None and placeholder:
        priors = np.full(len(labels), 1.0 / len(labels))
    elif y_encoded is None:
        raise ValueError(
            "priors='train' needs the training labels: pass y (or a Dataset whose "
            "labels skorch can read), or pass explicit `priors`."
        )
    else:
        totals = np.bincount(y_encoded, weights=weights, minlength=len(labels))
        if np.any(totals == 0):
            raise ValueError(
                f"The classes {_plain_list(labels[totals == 0])!r} have no training "
                "sample (or only samples of zero weight), so priors='train' would "
                "give them a zero prior and the log-prior adjustment would be "
                "undefined. Pass `priors` explicitly."
            )
        priors = totals / totals.sum()
    net.classes_inferred_ = labels
    net.priors_ = priors
    net.total_weight_ = float(total)
    net.__dict__.pop("class_counts_", None)
    if y_encoded is not None:
        net.class_counts_ = np.bincount(y_encoded, minlength=len(labels))


def _check_dataset_labels(net):
    # skorch trains on the labels stored in a Dataset and ignores `y`, so those
    # labels cannot be encoded here: they must already be the positions.
    labels = net.classes_
    if not np.array_equal(labels, np.arange(len(labels))):
        raise ValueError(
            "With a torch Dataset as X, skorch trains on the labels stored in the "
            "Dataset, so the classes must be the integers 0..n_classes-1; got "
            f"classes {_plain_list(labels)!r}. Pass arrays instead, or encode the "
            "labels of the Dataset."
        )


def _criterion_reduction(net):
    """The reduction the criterion will have, when known before it is built."""
    if net.criterion is None:
        return net.get_params_for("criterion").get("reduction", "mean")
    return getattr(net.criterion, "reduction", None)


def _prepare(net, X, y, sample_weight, *, reset, classes=None):
    """Validate ``y`` and the weights; with ``reset``, learn labels and X's shape.

    Returns ``X`` (with the weights beside it, skorch's dict-X pattern) and
    the validated labels, which ``get_dataset`` encodes.
    """
    if y is None and is_dataset(X) and reset:
        y = _dataset_labels(X)
    if y is not None and not reset and np.ndim(y) == 1:
        # Labels are known: get_dataset's encoding refuses any other value,
        # which spares fit's own call of partial_fit a second full check.
        y = np.asarray(_as_array(y))
    elif y is not None or not is_dataset(X):
        y = _check_targets(_as_array(y), _OWNER, min_classes=1)
    weights = _weights._check_weights(net, X, sample_weight, 0 if y is None else len(y))
    if reset:
        _check_X(net, X, reset=True)
        _learn_targets(net, y, classes=classes, weights=weights)
    if is_dataset(X):
        _check_dataset_labels(net)
    weights = _weights._needed(weights, _criterion_reduction(net))
    return _weights._pack(X, weights), y


@contextmanager
def _seeded(random_state, device):
    """Run ``fit`` on a forked torch RNG seeded from ``random_state`` (if set)."""
    if random_state is None:
        yield
        return
    if isinstance(random_state, np.random.RandomState):
        seed = int(random_state.randint(np.iinfo(np.int32).max))
    else:
        seed = _check_int(random_state, "random_state", 0)
    on_cuda = str(device).startswith("cuda") and torch.cuda.is_available()
    devices = list(range(torch.cuda.device_count())) if on_cuda else []
    with torch.random.fork_rng(devices=devices):
        torch.random.default_generator.manual_seed(seed)
        if on_cuda:
            torch.cuda.manual_seed_all(seed)
        yield
