"""Calibrating a base model's log-scores: temperature and bias-corrected scaling.

Both maps are fitted by weighted negative log-likelihood (NLL) on held-out
(out-of-fold) log-scores ``z`` with their labels, and return new log-scores:

- temperature scaling (Guo et al., 2017): ``z / T``;
- bias-corrected temperature scaling, BCTS (Alexandari, Kundaje & Shrikumar,
  ICML 2020): ``z / T + b``, one temperature and one bias per class, with
  a Gaussian prior of ``_BIAS_SCALE`` nats on each bias so that a class of
  two or three held-out rows is not given a bias fitted to them alone. Its
  stationarity condition makes the mean calibrated posterior equal to the
  class frequencies of the calibration data up to that prior's shrinkage;
  EM, which estimates a shifted prior (:mod:`sklearn_la._label_shift`),
  starts from that mean posterior.

Why a temperature alone does not change tuned decisions: ``argmax_y z_y / T -
tau * log(pi_y)`` is ``argmax_y z_y - (T * tau) * log(pi_y)`` (multiply by
``T > 0``), so tuning ``tau`` absorbs ``T``. It changes the probabilities,
hence EM's estimate of the deployment prior and the expected costs.

The NLL is convex in ``(1/T, b)`` (log-softmax of a linear function of
them), so the fit is over the inverse temperature ``a = 1/T``, bounded to
``[1e-3, 1e3]``, by L-BFGS-B with an analytic gradient
(:mod:`._calibration_nll`): deterministic, with at most ``max_iter``
iterations of O(nK) each (about ten in practice, K = 1000 included).
"""

from dataclasses import dataclass

import numpy as np

from ._calibration_nll import (
    _inverse_temperature,
    _minimise,
    _nll_and_gradient,
    _prepare,
    _score_variance,
)

# Standard deviation (nats) of BCTS's Gaussian prior on each class bias.
_BIAS_SCALE = 1.0
_METHODS = ("temperature", "bcts")


@dataclass(frozen=True, eq=False)
class _Calibration:
    """A fitted calibration map ``z -> z / temperature + bias``.

    ``bias`` is ``None`` for temperature scaling; for BCTS it is a vector in
    ``classes_`` order whose entries for the classes of the calibration data
    average 0 (a constant added to every class changes no probability); a
    class absent from that data keeps bias 0. ``class_priors``, when set,
    are the prior the calibrated posteriors are posteriors under, which EM
    starts from: the (weighted) class frequencies of the calibration data
    for a temperature, their mean calibrated posterior for BCTS, ``None``
    for the identity map (EM then starts from the estimator's own prior).
    """

    method: str
    temperature: float
    bias: np.ndarray | None = None
    class_priors: np.ndarray | None = None


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


def _fit_bcts(log_scores, y_encoded, sample_weight=None, *, bias_scale=_BIAS_SCALE,
              max_iter=200):  # fmt: skip
    """Bias-corrected temperature scaling: ``T`` and ``b`` of ``log_scores / T + b``.

    Alexandari, Kundaje & Shrikumar (ICML 2020), fitted by weighted NLL, with
    a Gaussian prior on the biases.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Held-out log-scores of the base model, up to a per-row constant;
        ``-inf`` marks a class of probability 0, which stays impossible.

    y_encoded : ndarray of shape (n_samples,)
        True classes as indices into the columns of ``log_scores``.

    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights: finite, non-negative, with a positive total. They
        count as repeated rows, against the prior too.

    bias_scale : float or None, default=1.0
        Standard deviation (nats) of the zero-mean Gaussian prior on each
        bias: the fit is the maximum a posteriori one. ``None`` is the plain
        maximum-likelihood BCTS.

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
    Why a prior: a class's bias is fitted to that class's held-out rows.
    A tail class of two or three rows, scored out-of-fold by models that saw
    one or two of them, gets a bias of several nats from the likelihood,
    which the refitted model, trained on all of them, does not need. The
    penalty ``sum(b**2) / (2 * bias_scale**2)`` is added to the *summed*
    NLL, so it weighs against a class's evidence as ``1 / bias_scale**2``
    against about ``n_k * p * (1 - p)``: classes of many rows keep their
    maximum-likelihood bias, a class of one or two rows is shrunk towards 0.

    At the optimum the gradient in ``b`` vanishes: with all classes present,
    the weighted mean calibrated posterior of class ``k`` is its frequency
    minus ``b_k / (bias_scale**2 * n)``, ``n`` the total weight; without a
    prior, exactly its frequency. EM must start from that mean posterior to
    return the calibration data's own prior on it
    (:func:`._calibrated._fit_on_heldout` keeps it as ``class_priors``).
    The start is the temperature-scaling fit, with the biases that make the
    mean posterior match the class frequencies at that temperature (one step
    of iterative proportional fitting), shrunk as the prior would.
    """
    prepared = _prepare(log_scores, y_encoded, sample_weight)
    scores, impossible, y, weights, total = prepared
    n_classes = scores.shape[1]
    frequency = np.bincount(y, weights=weights, minlength=n_classes)
    present = frequency > 0
    # The penalty in units of the mean NLL the optimiser sees.
    penalty = 0.0 if bias_scale is None else 1.0 / (bias_scale**2 * total)

    def full_bias(free):
        bias = np.zeros(n_classes)
        bias[present] = free - free.mean()
        return bias

    def objective(params):
        bias = full_bias(params[1:])
        nll, grad_a, mean_proba = _nll_and_gradient(
            params[0], bias, scores, impossible, y, weights
        )
        grad_b = (mean_proba - frequency)[present]
        # Chain rule through the centring: the gradient loses its mean (the
        # prior's part, penalty * bias, has none).
        grad_free = grad_b - grad_b.mean() + penalty * bias[present]
        value = nll + 0.5 * penalty * float(bias @ bias)
        return value, np.concatenate([[grad_a], grad_free])

    inverse_temperature = _inverse_temperature(prepared, max_iter, warn=False)
    _, _, mean_proba = _nll_and_gradient(
        inverse_temperature, np.zeros(n_classes), scores, impossible, y, weights
    )
    tiny = np.finfo(np.float64).tiny
    start_bias = np.log(frequency[present]) - np.log(
        np.maximum(mean_proba[present], tiny)
    )
    start_bias -= start_bias.mean()
    # The curvature in b_k is about the class frequency, plus the prior's.
    curvature_b = frequency[present] + penalty
    start_bias *= frequency[present] / curvature_b
    curvature = _score_variance(
        inverse_temperature, full_bias(start_bias), scores, impossible, weights
    )
    x0 = np.concatenate([[inverse_temperature], start_bias])
    scale = 1 / np.sqrt(np.concatenate([[curvature], curvature_b]))
    x = _minimise(
        objective,
        x0,
        scale,
        max_iter,
        "bias-corrected temperature",
        zeros=impossible is not None,
    )
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
