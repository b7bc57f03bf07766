"""Conversion of the net's feature input ``X``, with scikit-learn's checks.

skorch hands ``X`` to torch as it comes. A scikit-learn classifier must also
learn ``n_features_in_`` / ``feature_names_in_``, refuse NaN, strings and
samples of another shape with a clear error, and accept float64, pandas,
sparse and list input; float32 modules need float32. This is why the net
converts array-like ``X`` here, once at fit (``reset=True``) and in
``get_dataset`` for every later use. Torch Datasets and dicts (multi-input
modules) pass through: only the module can check them.
"""

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.utils.validation import validate_data
from skorch.utils import is_dataset

_FITTED_SHAPE = ("n_features_in_", "feature_names_in_", "sample_shape_")


def _passes_through(X):
    # scipy's dok_matrix is a dict subclass, hence the sparse test.
    return is_dataset(X) or (isinstance(X, dict) and not sp.issparse(X))


def _non_numeric_columns(X):
    """Names of DataFrame columns whose dtype is neither numeric nor boolean."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return []
    return [
        name
        for name, dtype in dtypes.items()
        if getattr(dtype, "kind", "O") not in "biuf"
    ]


def _shape_of(X):
    """``X.shape``, that of a nested list, or None (ragged or unknown)."""
    shape = getattr(X, "shape", None)
    if shape is None and isinstance(X, (list, tuple)):
        try:
            shape = np.shape(X)
        except ValueError:  # ragged: validate_data says what is wrong
            return None
    return None if shape is None else tuple(shape)


def _check_sample_shape(net, shape):
    if shape != net.sample_shape_:
        raise ValueError(
            f"X has samples of shape {shape}, but {type(net).__name__} was fitted "
            f"on samples of shape {net.sample_shape_}."
        )


def _check_X(net, X, *, reset):
    """``X`` as a dense float32 array; Datasets and dicts are returned unchanged.

    With ``reset``, learns ``n_features_in_``, ``feature_names_in_`` and the
    per-sample shape of N-D input (images); otherwise checks them.
    """
    if _passes_through(X):
        if reset:
            # Sizes learned from earlier array data no longer apply.
            for name in _FITTED_SHAPE:
                net.__dict__.pop(name, None)
        return X
    if torch.is_tensor(X):
        X = X.detach().cpu().numpy()
    bad = _non_numeric_columns(X)
    if bad:
        raise ValueError(
            f"X must be numeric, but columns {bad!r} are not. Encode them first, "
            "for instance with sklearn's OneHotEncoder in a Pipeline."
        )
    fitted = None if reset else getattr(net, "sample_shape_", None)
    shape = _shape_of(X) if fitted is not None else None
    if shape is not None and len(fitted) + len(shape) > 3:
        # Before scikit-learn's check, which compares X.shape[1] only and
        # would speak of "features" for the channels of an image.
        _check_sample_shape(net, shape[1:])
    try:
        X = validate_data(
            net, X, reset=reset, dtype=np.float32, accept_sparse="csr", allow_nd=True
        )
    except ValueError as exc:
        if "could not convert" in str(exc):
            raise ValueError(
                f"X must be numeric: {exc}. Encode non-numeric features first, for "
                "instance with sklearn's OneHotEncoder in a Pipeline."
            ) from exc
        raise
    if reset:
        net.sample_shape_ = tuple(X.shape[1:])
    elif getattr(net, "sample_shape_", None) is not None:
        _check_sample_shape(net, tuple(X.shape[1:]))
    # nn.Linear needs dense input.
    return X.toarray() if sp.issparse(X) else X
