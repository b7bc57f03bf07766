"""Temperature scaling and bias-corrected temperature scaling (BCTS)."""

import warnings

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning

from sklearn_la._calibration import (
    _apply_calibration,
    _Calibration,
    _fit_bcts,
    _fit_calibration,
    _fit_temperature,
)


def _draw(n_samples, n_classes, seed, spread=2.0):
    """True logits ``g`` and labels drawn from ``softmax(g)``."""
    rng = np.random.default_rng(seed)
    logits = spread * rng.standard_normal((n_samples, n_classes))
    cumulative = softmax(logits, axis=1).cumsum(axis=1)
    y = (cumulative > rng.uniform(size=(n_samples, 1))).argmax(axis=1)
    return logits, y


def _fisher_information(scores, proba):
    """Per-sample Fisher information of ``(a, b)`` in ``softmax(a * z + b)``.

    The score of one sample is ``phi(y) - E_p[phi]`` with
    ``phi(y) = (z_y, onehot(y))``, so the information is the mean over rows
    of ``Cov_p(phi)``.
    """
    n_samples, n_classes = scores.shape
    weighted = proba * scores
    mean_phi = np.column_stack([weighted.sum(axis=1), proba])
    second = np.zeros((n_samples, n_classes + 1, n_classes + 1))
    second[:, 0, 0] = (weighted * scores).sum(axis=1)
    second[:, 0, 1:] = second[:, 1:, 0] = weighted
    second[:, np.arange(1, n_classes + 1), np.arange(1, n_classes + 1)] = proba
    covariance = second - mean_phi[:, :, None] * mean_phi[:, None, :]
    return covariance.mean(axis=0)


def test_temperature_scaling_recovers_a_known_temperature():
    """Scores ``z = T0 * g`` of calibrated logits ``g`` are over-confident by
    ``T0``; the fit must find ``T0`` within 4 standard errors.

    The MLE of ``a = 1/T`` has standard error ``1 / sqrt(n I)`` with ``I =
    E_x[Var_{y ~ p(.|x)}(z_y)]``, the Fisher information per sample, computed
    here from the sample; by the delta method ``SE(T) = T0^2 SE(a)``.
    """
    true_temperature = 2.5
    logits, y = _draw(20000, 4, seed=0)
    scores = true_temperature * logits
    temperature = _fit_temperature(scores, y)
    information = _fisher_information(scores, softmax(logits, axis=1))[0, 0]
    standard_error = true_temperature**2 / np.sqrt(len(y) * information)
    assert standard_error < 0.05
    assert abs(temperature - true_temperature) < 4 * standard_error
    assert _fit_temperature(scores, y) == temperature  # deterministic


def test_bcts_recovers_a_known_temperature_and_bias():
    """Scores ``z = T0 * (g - b0)``: BCTS must find ``T0`` and ``b0`` (centred)
    within 4 standard errors each, from the inverse Fisher information of
    ``(a, b)``. A constant added to ``b`` changes nothing, so the information
    is inverted on ``a`` and the centred biases (the subspace orthogonal to
    ``(1, ..., 1)``), giving the covariance of the centred estimate."""
    true_temperature, true_bias = 0.5, np.array([1.0, -0.5, 0.2, -0.7])
    true_bias -= true_bias.mean()
    logits, y = _draw(20000, 4, seed=1)
    scores = true_temperature * (logits - true_bias)
    temperature, bias = _fit_bcts(scores, y)
    information = _fisher_information(scores, softmax(logits, axis=1))
    # Invert on the identifiable subspace: a, and b orthogonal to (1, ..., 1).
    basis = np.linalg.svd(np.eye(4) - 0.25)[0][:, :3]
    embed = np.zeros((5, 4))
    embed[0, 0] = 1.0
    embed[1:, 1:] = basis
    reduced = np.linalg.inv(embed.T @ information @ embed)
    covariance = embed @ reduced @ embed.T / len(y)
    standard_error = np.sqrt(np.diag(covariance))
    assert np.all(standard_error < 0.05)
    inverse_error = abs(1 / temperature - 1 / true_temperature)
    assert inverse_error < 4 * standard_error[0]
    np.testing.assert_array_less(np.abs(bias - true_bias), 4 * standard_error[1:])
    assert bias.mean() == pytest.approx(0, abs=1e-12)


def test_bcts_mean_posterior_matches_the_class_frequencies():
    """At the optimum the gradient in ``b`` is ``mean posterior - frequency``
    plus the prior's ``b / (bias_scale**2 * n)``: without a prior the mean
    calibrated posterior is the class frequencies, with one it is short of
    them by exactly that shrinkage."""
    logits, y = _draw(3000, 5, seed=2)
    scores = 3.0 * logits + np.array([0.0, 1.0, -1.0, 0.5, 2.0])
    frequency = np.bincount(y, minlength=5) / len(y)
    for bias_scale in (None, 1.0, 0.1):
        temperature, bias = _fit_bcts(scores, y, bias_scale=bias_scale)
        calibration = _Calibration("bcts", temperature, bias)
        proba = softmax(_apply_calibration(scores, calibration), axis=1)
        shrinkage = 0 if bias_scale is None else bias / (bias_scale**2 * len(y))
        np.testing.assert_allclose(proba.mean(axis=0), frequency - shrinkage, atol=1e-6)
    # The strong prior moved the biases: the check above is not vacuous.
    assert np.abs(bias).max() > 0.1 and np.abs(shrinkage).max() > 1e-4


def test_bcts_prior_shrinks_the_bias_of_a_tiny_class_only():
    """A class with two held-out rows, scored 24 nats (12 at the fitted T = 2)
    below the best class on every row, gets a bias of several nats from the
    likelihood alone (its mean posterior must reach 2 / n); the prior shrinks
    it, while a large class's bias (half a nat of under-scoring at T = 2) is
    left as the likelihood puts it."""
    logits, y = _draw(4000, 2, seed=12)
    scores = 2.0 * logits
    scores[:, 1] -= 1.0  # class 1 under-scored on every row
    scores = np.column_stack([scores, scores.max(axis=1) - 24.0])
    y = y.copy()
    y[:2] = 2
    _, free = _fit_bcts(scores, y, bias_scale=None)
    _, shrunk = _fit_bcts(scores, y)
    assert free[2] - free[0] > 3
    assert shrunk[2] - shrunk[0] < 0.6 * (free[2] - free[0])
    assert shrunk[1] - shrunk[0] == pytest.approx(free[1] - free[0], abs=0.05)
    assert free[1] - free[0] == pytest.approx(0.5, abs=0.1)


def test_a_per_row_constant_changes_nothing():
    logits, y = _draw(2000, 3, seed=3)
    shifted = logits + np.random.default_rng(0).normal(0, 50, size=(2000, 1))
    np.testing.assert_allclose(
        _fit_temperature(shifted, y), _fit_temperature(logits, y)
    )
    for got, expected in zip(_fit_bcts(shifted, y), _fit_bcts(logits, y)):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_integer_weights_are_repeated_rows():
    logits, y = _draw(600, 3, seed=4)
    weights = np.random.default_rng(1).integers(0, 4, size=600)
    repeated = np.repeat(np.arange(600), weights)
    np.testing.assert_allclose(
        _fit_temperature(logits, y, weights),
        _fit_temperature(logits[repeated], y[repeated]),
        rtol=1e-6,
    )
    weighted = _fit_bcts(logits, y, weights)
    for got, expected in zip(weighted, _fit_bcts(logits[repeated], y[repeated])):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_impossible_classes_stay_impossible():
    logits, y = _draw(2000, 3, seed=5)
    scores = 2.0 * logits
    impossible = (np.arange(2000) % 7 == 0)[:, None] & (np.arange(3) != y[:, None])
    scores[impossible] = -np.inf
    calibration = _fit_calibration(scores, y, "bcts")
    assert np.isfinite(calibration.temperature) and np.all(
        np.isfinite(calibration.bias)
    )
    calibrated = _apply_calibration(scores, calibration)
    np.testing.assert_array_equal(calibrated == -np.inf, impossible)


def test_rows_whose_true_class_is_impossible_are_left_out_with_a_warning():
    logits, y = _draw(1000, 3, seed=6)
    scores = 2.0 * logits
    scores[:10, :] = np.where(np.arange(3) == y[:10, None], -np.inf, 0.0)
    with pytest.warns(UserWarning, match="10 calibration sample"):
        temperature = _fit_temperature(scores, y)
    assert temperature == pytest.approx(_fit_temperature(scores[10:], y[10:]))


def test_a_class_absent_from_the_labels_keeps_a_zero_bias():
    logits, y = _draw(3000, 4, seed=7)
    keep = y != 2
    temperature, bias = _fit_bcts(2.0 * logits[keep], y[keep])
    assert np.isfinite(temperature)
    assert bias[2] == 0.0
    assert bias[[0, 1, 3]].mean() == pytest.approx(0, abs=1e-12)


def test_many_classes_converge_quickly():
    logits, y = _draw(2000, 200, seed=8, spread=3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        temperature, bias = _fit_bcts(1.5 * logits, y)
    assert temperature == pytest.approx(1.5, rel=0.1)
    assert np.all(np.isfinite(bias))


def test_stopping_short_warns():
    logits, y = _draw(500, 3, seed=9)
    with pytest.warns(ConvergenceWarning, match="did not converge in 1 iteration"):
        _fit_bcts(5.0 * logits + np.array([0.0, 3.0, -3.0]), y, max_iter=1)


def test_the_upper_bound_with_exact_zeros_names_them_as_the_likely_cause():
    """k-NN and trees give exact zeros; when, among the classes left, flat
    scores fit best, the warning says so rather than blame the data."""
    scores = np.tile([[0.0, -1.0, -np.inf], [-1.0, 0.0, -np.inf]], (200, 1))
    # Right on half the rows and wrong on the other half, for both classes.
    y = np.tile([0, 0, 1, 1], 100)
    with pytest.warns(ConvergenceWarning, match="some classes probability exactly 0"):
        assert _fit_temperature(scores, y) == pytest.approx(1000)


def test_scores_that_point_away_from_the_labels_hit_the_temperature_bound():
    logits, y = _draw(2000, 3, seed=10)
    with pytest.warns(ConvergenceWarning, match="reached its bound 1000"):
        assert _fit_temperature(-logits, y) == pytest.approx(1000)


@pytest.mark.parametrize(
    "scores, y, match",
    [
        (np.zeros((1, 2)), [0], "at least 2 samples of at least 2 classes"),
        (np.zeros((5, 2)), [1] * 5, "got 5 such sample"),
        (np.zeros((5,)), [0, 1, 0, 1, 0], r"shape \(n_samples, n_classes\)"),
        (np.zeros((4, 2)), [0, 1, 0], "4 integer class indices"),
        (np.zeros((4, 2)), [0.0, 1.0, 0.0, 1.0], "integer class indices"),
        (np.zeros((4, 2)), [0, 1, 2, 1], r"class indices in \[0, 1\]"),
        (np.array([[0.0, np.nan], [0.0, 1.0]]), [0, 1], "NaN or \\+inf"),
        (np.array([[0.0, np.inf], [0.0, 1.0]]), [0, 1], "NaN or \\+inf"),
    ],
)
def test_bad_inputs_are_refused_clearly(scores, y, match):
    for fit in (_fit_temperature, _fit_bcts):
        with pytest.raises(ValueError, match=match):
            fit(scores, np.asarray(y))


def test_sample_weight_is_validated():
    logits, y = _draw(100, 2, seed=11)
    with pytest.raises(ValueError, match="`sample_weight` must be non-negative"):
        _fit_temperature(logits, y, -np.ones(100))


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match=r"`calibration` must be one of"):
        _fit_calibration(np.zeros((4, 2)), np.array([0, 1, 0, 1]), "isotonic")


def test_apply_calibration_divides_by_the_temperature_and_adds_the_bias():
    scores = np.array([[0.0, -2.0, -np.inf], [4.0, 0.0, 2.0]])
    calibration = _Calibration("bcts", 2.0, np.array([1.0, 0.0, -1.0]))
    expected = np.array([[1.0, -1.0, -np.inf], [3.0, 0.0, 0.0]])
    np.testing.assert_array_equal(_apply_calibration(scores, calibration), expected)
    assert scores[1, 0] == 4.0  # copied
    np.testing.assert_array_equal(
        _apply_calibration(scores, _Calibration("temperature", 2.0)), scores / 2
    )
    assert _apply_calibration(scores, None) is not scores
    in_place = _apply_calibration(scores, calibration, copy=False)
    assert in_place is scores
    np.testing.assert_array_equal(scores, expected)


def test_a_tuned_tau_absorbs_the_temperature():
    """``argmax z/T - tau log pi = argmax z - (T tau) log pi``: multiplying the
    scores by ``T > 0`` keeps the argmax, so tuning ``tau`` absorbs ``T``."""
    rng = np.random.default_rng(12)
    scores = rng.normal(size=(5000, 5)) * 3
    log_priors = np.log(np.array([0.5, 0.25, 0.15, 0.07, 0.03]))
    temperature, tau = 1.7, 0.8
    np.testing.assert_array_equal(
        np.argmax(scores / temperature - tau * log_priors, axis=1),
        np.argmax(scores - temperature * tau * log_priors, axis=1),
    )
    # ...while the probabilities do change.
    assert not np.allclose(
        softmax(scores / temperature, axis=1), softmax(scores, axis=1), atol=0.01
    )


# -- the estimators' calibration ---------------------------------------------------

import copy  # noqa: E402

from sklearn.frozen import FrozenEstimator  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV  # noqa: E402
from sklearn_la.datasets import make_paper_synthetic  # noqa: E402


def _overconfident(model, factor=3.0):
    """The same logistic model with every log-odds multiplied by ``factor``."""
    sharp = copy.deepcopy(model)
    sharp.coef_ = model.coef_ * factor
    sharp.intercept_ = model.intercept_ * factor
    return sharp


def test_wrapper_calibration_needs_a_frozen_base():
    X, y = make_paper_synthetic(500, positive_fraction=0.2, random_state=0)
    with pytest.raises(ValueError, match="held-out.*LogitAdjustedClassifierCV.*Frozen"):
        LogitAdjustedClassifier(LogisticRegression(), calibration="bcts").fit(X, y)


def test_wrapper_calibration_needs_every_class_in_the_held_out_data():
    X, y = make_paper_synthetic(500, positive_fraction=0.2, random_state=0)
    frozen = FrozenEstimator(LogisticRegression().fit(X, y))
    with pytest.raises(ValueError, match=r"every class.*\[1\]"):
        LogitAdjustedClassifier(
            frozen, calibration="temperature", priors=[0.8, 0.2]
        ).fit(X[y == -1], y[y == -1])


@pytest.mark.parametrize("cv", [False, True])
def test_estimators_recover_a_known_temperature(cv):
    """A well-specified logistic model made 3 times over-confident; the
    temperature fitted on 8000 held-out rows has a relative standard error
    of about 1/sqrt(n * Var) (a few percent): 10% is ample."""
    X, y = make_paper_synthetic(10000, positive_fraction=0.05, random_state=0)
    X_held, y_held = make_paper_synthetic(8000, positive_fraction=0.05, random_state=1)
    sharp = FrozenEstimator(_overconfident(LogisticRegression().fit(X, y)))
    if cv:
        est = LogitAdjustedClassifierCV(sharp, calibration="temperature", taus=[1.0])
    else:
        est = LogitAdjustedClassifier(sharp, calibration="temperature")
    est.fit(X_held, y_held)
    assert est.calibration_.method == "temperature"
    assert est.calibration_.bias is None
    assert est.calibration_.temperature == pytest.approx(3.0, rel=0.1)


@pytest.mark.parametrize("method", ["temperature", "bcts"])
def test_calibration_is_applied_before_the_adjustment_in_every_method(method):
    X, y = make_paper_synthetic(3000, positive_fraction=0.1, random_state=0)
    est = LogitAdjustedClassifierCV(
        LogisticRegression(), calibration=method, cv=3, taus=5
    ).fit(X, y)
    cal = est.calibration_
    z = est.estimator_.predict_log_proba(X) / cal.temperature
    if cal.bias is not None:
        z = z + cal.bias
    adjusted = z - est.tau_ * np.log(est.priors_) + np.log(est.target_priors_)
    np.testing.assert_allclose(est.predict_proba(X), softmax(adjusted, axis=1))
    np.testing.assert_allclose(
        est.decision_function(X), adjusted[:, 1] - adjusted[:, 0], atol=1e-9
    )
    pred = est.predict(X)
    np.testing.assert_array_equal(pred, est.classes_[est.predict_proba(X).argmax(1)])
    np.testing.assert_array_equal(
        pred, est.classes_[est.predict_log_proba(X).argmax(1)]
    )
    np.testing.assert_array_equal(
        pred, est.classes_[(est.decision_function(X) > 0).astype(int)]
    )


def test_cv_calibrates_each_weight_power_on_its_out_of_fold_scores():
    X, y = make_paper_synthetic(2000, positive_fraction=0.1, random_state=0)
    est = LogitAdjustedClassifierCV(
        LogisticRegression(), calibration="bcts", cv=3, weight_powers=[0.0, 1.0]
    ).fit(X, y)
    assert est.calibration_.method == "bcts"
    # EM's start, the mean calibrated out-of-fold posterior: the class
    # frequencies up to the bias prior's shrinkage, b / n (about 5e-4 here).
    np.testing.assert_allclose(est.calibration_.class_priors, est.priors_, atol=1e-3)
    # Without calibration nothing of the kind is kept.
    plain = LogitAdjustedClassifierCV(LogisticRegression(), cv=3).fit(X, y)
    assert plain.calibration_ is None


def test_temperature_only_rescales_a_tuned_tau():
    """With a temperature ``T`` the grid ``taus / T`` scores exactly what the
    uncalibrated grid ``taus`` scores (same decisions on every fold)."""
    X, y = make_paper_synthetic(2000, positive_fraction=0.1, random_state=0)
    taus = np.linspace(0.0, 2.0, 9)
    frozen = FrozenEstimator(_overconfident(LogisticRegression().fit(X, y), factor=2.0))
    X_held, y_held = make_paper_synthetic(3000, positive_fraction=0.1, random_state=1)
    calibrated = LogitAdjustedClassifierCV(
        frozen, calibration="temperature", taus=taus
    ).fit(X_held, y_held)
    temperature = calibrated.calibration_.temperature
    raw = LogitAdjustedClassifierCV(frozen, taus=taus * temperature).fit(X_held, y_held)
    np.testing.assert_allclose(
        calibrated.cv_results_["mean_test_score"], raw.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(calibrated.predict(X), raw.predict(X))
    assert not np.allclose(calibrated.predict_proba(X), raw.predict_proba(X))
