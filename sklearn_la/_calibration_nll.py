"""The calibration maps' likelihood: inputs, NLL, gradient and optimiser.

:mod:`._calibration` fits temperature scaling and BCTS with these. The NLL of
``softmax(a * z + b)`` is convex in the inverse temperature ``a = 1/T`` and
the biases ``b``; :func:`_minimise` runs L-BFGS-B on it with an analytic
gradient and a diagonal preconditioning: deterministic, in about ten
iterations of O(nK) each.
"""

import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from ._validation import _check_sample_weight

_MIN_TEMPERATURE = 1e-3
_MAX_TEMPERATURE = 1e3


def _prepare(log_scores, y_encoded, sample_weight):
    """Validated inputs for the NLL: shifted scores, mask, labels, weights, total.

    The weights are normalised to sum to 1; ``total`` is the sum of the
    kept rows' weights before that (their number, without weights).

    Rows whose true class has a log-score of ``-inf`` (probability exactly 0)
    have likelihood 0 under every temperature and bias, so they cannot
    inform the fit: they are left out, with a warning.
    """
    scores = np.array(log_scores, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] < 2:
        raise ValueError(
            "`log_scores` must have shape (n_samples, n_classes) with at least 2 "
            f"classes; got shape {scores.shape}."
        )
    n_samples, n_classes = scores.shape
    y = np.asarray(y_encoded)
    if y.shape != (n_samples,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"`y_encoded` must be {n_samples} integer class indices (one per row of "
            f"`log_scores`); got {y.dtype} values of shape {y.shape}."
        )
    if n_samples and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"`y_encoded` must hold class indices in [0, {n_classes - 1}]; got "
            f"values from {int(y.min())} to {int(y.max())}."
        )
    if np.isnan(scores).any() or (scores == np.inf).any():
        raise ValueError(
            "`log_scores` must not contain NaN or +inf (-inf, probability 0, is "
            "allowed)."
        )
    weights = (
        np.ones(n_samples)
        if sample_weight is None
        else _check_sample_weight(sample_weight, n_samples)
    )
    true_scores = scores[np.arange(n_samples), y]
    possible = (true_scores > -np.inf) & (weights > 0)
    impossible_truth = int(np.sum((true_scores == -np.inf) & (weights > 0)))
    if impossible_truth:
        warnings.warn(
            f"{impossible_truth} calibration sample(s) give their true class a "
            "probability of exactly 0 (log-score -inf); no temperature or bias can "
            "change that, so they are left out of the calibration fit.",
            UserWarning,
            stacklevel=3,
        )
    scores, y, weights = scores[possible], y[possible], weights[possible]
    total = float(weights.sum())
    if scores.shape[0] < 2 or np.unique(y).shape[0] < 2:
        raise ValueError(
            "Calibration needs at least 2 samples of at least 2 classes with a "
            f"positive weight and a finite true-class log-score; got {scores.shape[0]} "
            f"such sample(s) of {np.unique(y).shape[0]} class(es)."
        )
    # A per-row constant changes no probability; removing the row maximum
    # (finite: the true class is) keeps a * z away from overflow.
    scores -= scores.max(axis=1, keepdims=True)
    impossible = scores == -np.inf
    if impossible.any():
        scores[impossible] = 0.0
    else:
        impossible = None
    return scores, impossible, y, weights / total, total


def _nll_and_gradient(inverse_temperature, bias, scores, impossible, y, weights):
    """Mean weighted NLL of ``softmax(a * z + b)`` and what its gradient needs.

    Returns the NLL, its derivative in ``a`` and the weighted mean posterior
    (the gradient in ``b`` plus the class frequencies; None without a bias).

    ``scores`` hold 0 where ``impossible``; those entries are set to -inf
    after scaling, so they get probability 0 and add nothing to the gradient.
    """
    logits = inverse_temperature * scores
    if bias is not None:
        logits += bias
    if impossible is not None:
        logits[impossible] = -np.inf
    rows = np.arange(y.shape[0])
    true_logits = logits[rows, y]
    row_max = logits.max(axis=1)
    logits -= row_max[:, None]
    unnormalised = np.exp(logits, out=logits)
    row_sum = unnormalised.sum(axis=1)
    log_norm = row_max + np.log(row_sum)
    nll = float(weights @ (log_norm - true_logits))
    # The posterior is unnormalised / row_sum; dividing the n-vectors instead
    # of the n x K array saves a pass.
    mean_score = np.einsum("ij,ij->i", unnormalised, scores) / row_sum
    grad_a = float(weights @ (mean_score - scores[rows, y]))
    mean_proba = None if bias is None else (weights / row_sum) @ unnormalised
    return nll, grad_a, mean_proba


def _score_variance(inverse_temperature, bias, scores, impossible, weights):
    """Weighted mean over rows of the posterior variance of the scores.

    The curvature of the NLL in the inverse temperature, used to scale that
    coordinate for the optimiser.
    """
    logits = inverse_temperature * scores
    if bias is not None:
        logits += bias
    if impossible is not None:
        logits[impossible] = -np.inf
    logits -= logits.max(axis=1, keepdims=True)
    proba = np.exp(logits, out=logits)
    proba /= proba.sum(axis=1, keepdims=True)
    mean = np.einsum("ij,ij->i", proba, scores)
    second = np.einsum("ij,ij,ij->i", proba, scores, scores)
    variance = float(weights @ np.maximum(second - mean**2, 0.0))
    return variance if variance > 0 else 1.0


def _minimise(objective, x0, scale, max_iter, what, *, warn=True, zeros=False):
    """Minimise a convex objective of ``(a, ...)`` by L-BFGS-B, ``a`` bounded.

    The optimiser works on ``x / scale``, a diagonal preconditioning by the
    inverse square root of the curvature: without it, bias coordinates of
    curvature ~1/K and a temperature of curvature ~Var(z) take hundreds of
    iterations for K = 1000 instead of about ten. A ConvergenceWarning says
    when it stops short or the temperature reaches a bound (and why; ``zeros``
    says the scores hold exact zeros, a likely cause of the upper one).
    """
    low, high = 1 / _MAX_TEMPERATURE, 1 / _MIN_TEMPERATURE

    def scaled(u):
        value, gradient = objective(u * scale)
        return value, gradient * scale

    bounds = [(low / scale[0], high / scale[0])] + [(None, None)] * (len(x0) - 1)
    result = minimize(
        scaled,
        x0 / scale,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter, "gtol": 1e-8, "ftol": 1e-10},
    )
    x = result.x * scale
    if warn and not result.success:
        warnings.warn(
            f"Fitting the {what} did not converge in {max_iter} iterations "
            f"({result.message}); the last estimate is used.",
            ConvergenceWarning,
            stacklevel=3,
        )
    at_bound = x[0] <= low * (1 + 1e-9) or x[0] >= high * (1 - 1e-9)
    if warn and at_bound:
        if x[0] >= high * (1 - 1e-9):
            why = (
                "the held-out scores separate the classes, so the NLL keeps "
                "falling as T -> 0"
            )
        elif zeros:
            # k-NN and trees give exact zeros: no temperature moves those, and
            # on the classes left a flat posterior can fit best.
            why = (
                "the scores give some classes probability exactly 0, which no "
                "temperature changes, and among the others flatter scores fit "
                "the labels better; a temperature suits such (k-NN, tree) scores "
                "poorly"
            )
        else:
            why = "the held-out scores carry almost no information about the labels"
        warnings.warn(
            f"The fitted temperature reached its bound {1 / x[0]:g}: {why}. "
            "Calibrate on more (or out-of-fold) data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return x


def _inverse_temperature(prepared, max_iter, *, warn=True):
    """The NLL-optimal ``a = 1/T`` on prepared inputs (see :func:`_prepare`)."""
    scores, impossible, y, weights, _ = prepared

    def objective(params):
        nll, grad_a, _ = _nll_and_gradient(
            params[0], None, scores, impossible, y, weights
        )
        return nll, np.array([grad_a])

    curvature = _score_variance(1.0, None, scores, impossible, weights)
    scale = np.array([1 / np.sqrt(curvature)])
    x = _minimise(
        objective,
        np.array([1.0]),
        scale,
        max_iter,
        "temperature",
        warn=warn,
        zeros=impossible is not None,
    )
    return float(x[0])
