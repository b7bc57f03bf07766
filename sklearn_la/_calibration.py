"""Calibrating a base model's log-scores: temperature and bias-corrected scaling.

Both maps are fitted by weighted negative log-likelihood (NLL) on held-out
(out-of-fold) log-scores ``z`` with their labels, and return new log-scores:

- temperature scaling (Guo et al., 2017): ``z / T``;
- bias-corrected temperature scaling, BCTS (Alexandari, Kundaje & Shrikumar,
  ICML 2020): ``z / T + b``, one temperature and one bias per class. Its
  stationarity condition makes the mean calibrated posterior equal to the
  class frequencies of the calibration data, which is what EM needs to
  estimate a shifted prior (:mod:`sklearn_la._label_shift`).

Why a temperature alone does not change tuned decisions: ``argmax_y z_y / T -
tau * log(pi_y)`` is ``argmax_y z_y - (T * tau) * log(pi_y)`` (multiply by
``T > 0``), so tuning ``tau`` absorbs ``T``. It changes the probabilities,
hence EM's estimate of the deployment prior and the expected costs.

The NLL is convex in ``(1/T, b)`` (log-softmax of a linear function of
them), so the fit is over the inverse temperature ``a = 1/T``, bounded to
``[1/_MAX_TEMPERATURE, 1/_MIN_TEMPERATURE]``, with L-BFGS-B and an analytic
gradient, each coordinate scaled by its curvature: deterministic, with at
most ``max_iter`` iterations of O(nK) each (about ten in practice, K = 1000
included).
"""

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning

from ._validation import _check_sample_weight

_MIN_TEMPERATURE = 1e-3
_MAX_TEMPERATURE = 1e3
_METHODS = ("temperature", "bcts")


@dataclass(frozen=True, eq=False)
class _Calibration:
    """A fitted calibration map ``z -> z / temperature + bias``.

    ``bias`` is ``None`` for temperature scaling; for BCTS it is a vector in
    ``classes_`` order whose entries for the classes of the calibration data
    average 0 (a constant added to every class changes no probability); a
    class absent from that data keeps bias 0. ``class_priors``, when set,
    are the (weighted) class frequencies of the calibration data: the prior
    the calibrated posteriors are posteriors under, which EM starts from.
    """

    method: str
    temperature: float
    bias: np.ndarray | None = None
    class_priors: np.ndarray | None = None


def _prepare(log_scores, y_encoded, sample_weight):
    """Validated inputs for the NLL: shifted scores, mask, labels, weights.

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
    return scores, impossible, y, weights / weights.sum()


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


def _minimise(objective, x0, scale, max_iter, what, *, warn=True):
    """Minimise a convex objective of ``(a, ...)`` by L-BFGS-B, ``a`` bounded.

    The optimiser works on ``x / scale``, a diagonal preconditioning by the
    inverse square root of the curvature: without it, bias coordinates of
    curvature ~1/K and a temperature of curvature ~Var(z) take hundreds of
    iterations for K = 1000 instead of about ten. A ConvergenceWarning says
    when it stops short or the temperature reaches a bound.
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
        why = (
            "the held-out scores separate the classes, so the NLL keeps falling as "
            "T -> 0"
            if x[0] >= high * (1 - 1e-9)
            else "the held-out scores carry almost no information about the labels"
        )
        warnings.warn(
            f"The fitted temperature reached its bound {1 / x[0]:g}: {why}. "
            "Calibrate on more (or out-of-fold) data.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return x


def _inverse_temperature(prepared, max_iter, *, warn=True):
    """The NLL-optimal ``a = 1/T`` on prepared inputs (see :func:`_prepare`)."""
    scores, impossible, y, weights = prepared

    def objective(params):
        nll, grad_a, _ = _nll_and_gradient(
            params[0], None, scores, impossible, y, weights
        )
        return nll, np.array([grad_a])

    curvature = _score_variance(1.0, None, scores, impossible, weights)
    scale = np.array([1 / np.sqrt(curvature)])
    x = _minimise(objective, np.array([1.0]), scale, max_iter, "temperature", warn=warn)
    return float(x[0])


def _fit_temperature(log_scores, y_encoded, sample_weight=None, *, max_iter=100):
    """Temperature ``T`` minimising the NLL of ``softmax(log_scores / T)``.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Held-out log-scores of the base model, up to a per-row constant;
        ``-inf`` marks a class of probability 0, which stays impossible.

    y_encoded : ndarray of shape (n_samples,)
        True classes as indices into the columns of ``log_scores``. A class
        may be absent.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: finite, non-negative, with a positive total.

    max_iter : int, default=100
        L-BFGS-B iterations at most; a ConvergenceWarning when it stops short.

    Returns
    -------
    temperature : float
        In ``[1e-3, 1e3]``; above 1 when the scores were over-confident.
    """
    prepared = _prepare(log_scores, y_encoded, sample_weight)
    return 1.0 / _inverse_temperature(prepared, max_iter)


def _fit_bcts(log_scores, y_encoded, sample_weight=None, *, max_iter=200):
    """Bias-corrected temperature scaling: ``T`` and ``b`` of ``log_scores / T + b``.

    Alexandari, Kundaje & Shrikumar (ICML 2020), fitted by weighted NLL.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Held-out log-scores of the base model, up to a per-row constant;
        ``-inf`` marks a class of probability 0, which stays impossible.

    y_encoded : ndarray of shape (n_samples,)
        True classes as indices into the columns of ``log_scores``.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: finite, non-negative, with a positive total.

    max_iter : int, default=200
        L-BFGS-B iterations at most; a ConvergenceWarning when it stops short.

    Returns
    -------
    temperature : float
        In ``[1e-3, 1e3]``.

    bias : ndarray of shape (n_classes,)
        Per-class bias. Softmax ignores a constant added to every class, so
        the bias is pinned: its entries for the classes present in
        ``y_encoded`` average 0. A class absent from ``y_encoded`` (or of zero
        total weight) would have its likelihood-maximising bias at ``-inf``,
        making it impossible after calibration whatever its prior later;
        with no evidence about it, its bias stays 0.

    Notes
    -----
    The start is the temperature-scaling fit, with the biases that make the
    mean posterior match the class frequencies at that temperature (one
    step of iterative proportional fitting). At the optimum, all classes
    present, the gradient in ``b`` vanishes: the weighted mean calibrated
    posterior equals the weighted class frequencies, so EM on the
    calibration data itself returns its own class prior.
    """
    prepared = _prepare(log_scores, y_encoded, sample_weight)
    scores, impossible, y, weights = prepared
    n_classes = scores.shape[1]
    frequency = np.bincount(y, weights=weights, minlength=n_classes)
    present = frequency > 0

    def full_bias(free):
        bias = np.zeros(n_classes)
        bias[present] = free - free.mean()
        return bias

    def objective(params):
        nll, grad_a, mean_proba = _nll_and_gradient(
            params[0], full_bias(params[1:]), scores, impossible, y, weights
        )
        grad_b = (mean_proba - frequency)[present]
        # Chain rule through the centring: the gradient loses its mean.
        grad_free = grad_b - grad_b.mean()
        return nll, np.concatenate([[grad_a], grad_free])

    inverse_temperature = _inverse_temperature(prepared, max_iter, warn=False)
    _, _, mean_proba = _nll_and_gradient(
        inverse_temperature, np.zeros(n_classes), scores, impossible, y, weights
    )
    tiny = np.finfo(np.float64).tiny
    start_bias = np.log(frequency[present]) - np.log(
        np.maximum(mean_proba[present], tiny)
    )
    start_bias -= start_bias.mean()
    curvature = _score_variance(
        inverse_temperature, full_bias(start_bias), scores, impossible, weights
    )
    x0 = np.concatenate([[inverse_temperature], start_bias])
    # The curvature in b_k is about the class frequency.
    scale = 1 / np.sqrt(np.concatenate([[curvature], frequency[present]]))
    x = _minimise(objective, x0, scale, max_iter, "bias-corrected temperature")
    return 1.0 / float(x[0]), full_bias(x[1:])


def _fit_calibration(log_scores, y_encoded, method, sample_weight=None):
    """Fit the calibration ``method`` ("temperature" or "bcts") on held-out scores.

    Returns a :class:`_Calibration` for :func:`_apply_calibration`.
    """
    if method == "temperature":
        temperature = _fit_temperature(log_scores, y_encoded, sample_weight)
        return _Calibration(method, temperature)
    if method == "bcts":
        temperature, bias = _fit_bcts(log_scores, y_encoded, sample_weight)
        return _Calibration(method, temperature, bias)
    raise ValueError(
        f"`calibration` must be one of {list(_METHODS)} (or None); got {method!r}."
    )


def _apply_calibration(log_scores, calibration, *, copy=True):
    """Calibrated log-scores ``log_scores / T + b``, up to a per-row constant.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Base-model log-scores, as given to the fit; ``-inf`` stays ``-inf``.

    calibration : _Calibration or None
        From :func:`_fit_calibration`; ``None`` returns the scores unchanged.

    copy : bool, default=True
        If False and ``log_scores`` is a float64 array, it is overwritten
        (saves an n x K copy for a fresh array).

    Returns
    -------
    calibrated : ndarray of shape (n_samples, n_classes)
    """
    scores = np.array(log_scores, dtype=np.float64, copy=copy or None)
    if calibration is None:
        return scores
    scores /= calibration.temperature
    if calibration.bias is not None:
        scores += calibration.bias
    return scores
