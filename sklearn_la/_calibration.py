"""Calibrating a base model's log-scores, whole: the maps, their fit, and
which held-out scores they are fitted on.

**The maps.** Each is fitted by weighted negative log-likelihood (NLL) on
held-out log-scores ``z`` with their labels, and returns new log-scores
(:data:`_METHODS` lists them; the estimators' ``calibration`` parameter,
its documentation and EM read that list):

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

**The likelihood.** The NLL is convex in ``(1/T, b)`` (log-softmax of a
linear function of them), so the fit is over the inverse temperature
``a = 1/T``, bounded to ``[1e-3, 1e3]``, by L-BFGS-B with an analytic
gradient and a diagonal preconditioning: deterministic, with at most
``max_iter`` iterations of O(nK) each (about ten in practice, K = 1000
included).

**Held-out scores.** A map must be fitted on scores of data the base model
did not see, or it learns the model's over-confidence on its own training
data. The two estimators get such scores differently:

- :class:`~sklearn_la.LogitAdjustedClassifierCV` has them for free: the
  out-of-fold log-scores of each family member, pooled over the splits
  (:func:`_calibrate_out_of_fold`). One map is fitted per member (its base
  model differs with ``weight_power``), and ``tau`` is then scored on the
  *calibrated* out-of-fold scores, so the tuned ``tau`` is the one for the
  calibrated scores the refitted model predicts from.
- :class:`~sklearn_la.LogitAdjustedClassifier` has no held-out data of its
  own, so it calibrates only a :class:`~sklearn.frozen.FrozenEstimator`
  base: the ``(X, y)`` given to ``fit`` are then held-out data
  (:func:`_fit_frozen_calibration`).

A class with a single training row (or a custom ``cv`` that puts all of a
class's rows in one test fold) has no out-of-fold score from a model that
saw it: every fold model that scored its rows lacked that class, so the
folds' models are not the refitted model's kind, and nothing says how that
class's scores are calibrated. The CV estimator then leaves the scores
uncalibrated (an identity map, with a warning) rather than fit a map to
models unlike the one it predicts with.

The map keeps the prior EM must start from as ``class_priors``: the
(weighted) class frequencies of its calibration data for a map without
biases, and for a map with per-class biases the mean calibrated posterior
there, which the biases make equal to those frequencies up to their
prior's shrinkage.
"""

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import _safe_indexing

from ._adjust import _base_log_scores, _score_method, _winners
from ._validation import (
    _check_sample_weight,
    _class_priors,
    _encode_labels,
    _plain_list,
)

# Standard deviation (nats) of BCTS's Gaussian prior on each class bias.
_BIAS_SCALE = 1.0
_MIN_TEMPERATURE = 1e-3
_MAX_TEMPERATURE = 1e3


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

    @property
    def absorbs_prior(self):
        """Whether ``class_priors`` is the prior the calibrated posteriors are
        under, whatever prior the base was trained on.

        True for a fitted map with per-class biases: fitted by likelihood,
        they move the mean calibrated posterior onto the class frequencies
        of the calibration data, so a rebalanced base's training prior no
        longer shows. A map without biases keeps the base's own prior, which
        EM must then start from (the estimator knows it).
        """
        return self.bias is not None and self.class_priors is not None


# -- the maps ------------------------------------------------------------


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
    (:func:`_fit_on_heldout` keeps it as ``class_priors``).
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


@dataclass(frozen=True)
class _Method:
    """A calibration map: how it is fitted, whether it has class biases, and
    the phrase that documents it in the estimators' ``calibration``."""

    fit: Callable  # (log_scores, y_encoded, sample_weight) -> (T, bias or None)
    has_bias: bool
    doc: str


def _temperature_map(log_scores, y_encoded, sample_weight=None):
    return _fit_temperature(log_scores, y_encoded, sample_weight), None


# The one list of calibration methods: the estimators' ``calibration``
# parameter accepts its names, and everything else reads it from here.
_METHODS = {
    "temperature": _Method(
        fit=_temperature_map,
        has_bias=False,
        doc='``"temperature"``, temperature scaling (``z / T``; Guo et al., 2017)',
    ),
    "bcts": _Method(
        fit=_fit_bcts,
        has_bias=True,
        doc='``"bcts"``, bias-corrected temperature scaling (``z / T + b``, '
        "Alexandari et al., ICML 2020; a Gaussian prior of one nat on each bias)",
    ),
}


def _fit_calibration(log_scores, y_encoded, method, sample_weight=None):
    """Fit the calibration ``method`` (a name of :data:`_METHODS`) on held-out
    scores; a :class:`_Calibration` for :func:`_apply_calibration`."""
    if method not in _METHODS:
        raise ValueError(
            f"`calibration` must be one of {list(_METHODS)} (or None); got {method!r}."
        )
    temperature, bias = _METHODS[method].fit(log_scores, y_encoded, sample_weight)
    return _Calibration(method, temperature, bias)


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


# -- the likelihood ------------------------------------------------------


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


# -- held-out scores -----------------------------------------------------


def _fit_on_heldout(log_scores, y_encoded, classes, method, sample_weight=None):
    """A :class:`._calibration._Calibration` with the prior EM starts from.

    Every class must be in the calibration data: its frequency is the prior
    EM starts from, and a class never seen has no calibrated score to speak
    of (BCTS would leave its bias at 0, a guess). For BCTS that prior is the
    weighted mean calibrated posterior over the data: the class frequencies
    up to the bias prior's shrinkage of the smallest classes, and exactly
    the prior under which EM on the calibration data returns itself.
    """
    class_priors = _class_priors(y_encoded, len(classes), sample_weight)
    missing = class_priors == 0
    if np.any(missing):
        raise ValueError(
            f"`calibration` needs every class in the calibration data; class(es) "
            f"{_plain_list(np.asarray(classes)[missing])!r} have no sample (or a zero "
            "total sample_weight) there. Calibrate on data with every class."
        )
    calibration = _fit_calibration(log_scores, y_encoded, method, sample_weight)
    if calibration.bias is not None:
        mean = _mean_posterior(log_scores, calibration, sample_weight)
        # A class the base gives probability 0 on every row (k-NN, trees)
        # has a mean posterior of 0, which EM cannot start from; its
        # frequency stands in (EM's estimate of it is 0 after one step).
        mean = np.where(mean > 0, mean, class_priors)
        class_priors = mean / mean.sum()
    return dataclasses.replace(calibration, class_priors=class_priors)


def _mean_posterior(log_scores, calibration, sample_weight):
    """Weighted mean over the rows of the calibrated posteriors."""
    proba = _apply_calibration(log_scores, calibration)
    proba -= proba.max(axis=1, keepdims=True)
    np.exp(proba, out=proba)
    proba /= proba.sum(axis=1, keepdims=True)
    return np.average(proba, axis=0, weights=sample_weight)


def _fit_frozen_calibration(estimator, X, y, classes, *, method, response_method,
                            sample_weight=None):  # fmt: skip
    """Calibrate a fitted (frozen) base on the held-out ``(X, y)`` given to fit."""
    score_method = _score_method(estimator, response_method)
    log_scores, _ = _base_log_scores(estimator, X, score_method)
    _winners(log_scores, score_method)
    y_encoded = _encode_labels(y, classes)
    return _fit_on_heldout(log_scores, y_encoded, classes, method, sample_weight)


def _calibrate_out_of_fold(fold_scores, candidates, tests, fold_counts, y, classes,
                           *, method, sample_weight=None):  # fmt: skip
    """Fit one map per candidate on its pooled out-of-fold scores and apply it.

    Parameters
    ----------
    fold_scores : list of ndarray of shape (len(test), n_classes)
        Each job's out-of-fold base log-scores; calibrated in place (the list
        entries are replaced).

    candidates : list of hashable
        Each job's candidate (its ``weight_power``, say): jobs of one
        candidate share one map.

    tests : list of ndarray
        Each job's test indices into ``y``.

    fold_counts : list of ndarray of shape (n_classes,)
        Each job's training rows per class: a class a fold trained without
        is one its out-of-fold scores know nothing of.

    y : array-like of shape (n_samples,)
        All the labels.

    classes : ndarray of shape (n_classes,)
        The columns of the scores.

    method : {"temperature", "bcts"}
        The calibration map.

    sample_weight : ndarray of shape (n_samples,), default=None
        Weights of the calibration fit (those of the priors).

    Returns
    -------
    calibrations : dict
        Candidate -> fitted :class:`._calibration._Calibration`; the identity
        map for every candidate when a class was scored only by folds
        trained without it (:func:`_classes_never_seen`).

    unseen : list
        The labels of those classes (empty when the maps were fitted); the
        caller warns, so that the warning points at the user's call.
    """
    unseen = _classes_never_seen(tests, fold_counts, y, classes, sample_weight)
    calibrations = {}
    for candidate in dict.fromkeys(candidates):
        jobs = [k for k, c in enumerate(candidates) if c == candidate]
        if unseen.size:
            calibrations[candidate] = _identity(method, len(classes))
            continue
        rows = np.concatenate([tests[k] for k in jobs])
        calibration = _fit_on_heldout(
            np.concatenate([fold_scores[k] for k in jobs]),
            _encode_labels(_safe_indexing(y, rows), classes),
            classes,
            method,
            None if sample_weight is None else sample_weight[rows],
        )
        for k in jobs:
            fold_scores[k] = _apply_calibration(fold_scores[k], calibration, copy=False)
        calibrations[candidate] = calibration
    return calibrations, _plain_list(np.asarray(classes)[unseen])


def _classes_never_seen(tests, fold_counts, y, classes, sample_weight):
    """Classes whose weighted rows were all scored by folds trained without them.

    Read from the folds' training class counts, not from the scores: a base
    may give a class it was trained on probability 0 (a forest, k-NN), and
    those rows are only left out of the fit (:func:`_prepare`).
    A class of zero total weight is not listed: :func:`_fit_on_heldout`
    refuses it with its own message.
    """
    n_classes = len(classes)
    seen = np.zeros(n_classes, dtype=bool)
    present = np.zeros(n_classes, dtype=bool)
    for test, counts in zip(tests, fold_counts):
        y_test = _encode_labels(_safe_indexing(y, test), classes)
        if sample_weight is not None:
            y_test = y_test[sample_weight[test] > 0]
        in_test = np.bincount(y_test, minlength=n_classes) > 0
        present |= in_test
        seen |= in_test & (np.asarray(counts) > 0)
    return np.flatnonzero(present & ~seen)


def _identity(method, n_classes):
    """The map that changes nothing.

    Its ``class_priors`` are None, so EM starts from the estimator's
    ``priors_``, exactly as without ``calibration``.
    """
    bias = np.zeros(n_classes) if _METHODS[method].has_bias else None
    return _Calibration(method, 1.0, bias)


def _in_class_order(calibration, classes, estimator_classes):
    """``calibration``, fitted on columns ``classes``, for ``estimator_classes``.

    The out-of-fold scores are in sorted-label order; a refitted base whose
    ``classes_`` come in another order needs the per-class bias and priors
    permuted to its own columns, or they would land on the wrong classes.
    """
    if calibration is None:
        return None
    order = _encode_labels(np.asarray(estimator_classes), classes)
    return dataclasses.replace(
        calibration,
        bias=None if calibration.bias is None else calibration.bias[order],
        class_priors=(
            None
            if calibration.class_priors is None
            else calibration.class_priors[order]
        ),
    )
