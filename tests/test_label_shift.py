"""Deployment-prior estimation (target_priors="estimate", Saerens et al. 2002)."""

import warnings

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import softmax
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la._calibration import (
    _apply_calibration,
    _Calibration,
    _fit_calibration,
    _fit_on_heldout,
)
from sklearn_la._label_shift import _em_target_priors, _estimate_target_priors
from sklearn_la.datasets import make_paper_synthetic

MEANS = np.array([[0.0, 0.0], [2.5, 0.0], [0.0, 2.5]])


def _sample(class_sizes, seed):
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(class_sizes)), class_sizes)
    X = MEANS[y] + rng.standard_normal((len(y), 2))
    return X, y


@pytest.mark.parametrize("target", [[0.1, 0.3, 0.6], [0.6, 0.3, 0.1], [1 / 3] * 3])
def test_em_estimate_approaches_the_true_shifted_prior(target):
    X_train, y_train = _sample([2000, 600, 200], seed=0)
    sizes = (np.asarray(target) * 6000).astype(int)
    X_test, _ = _sample(sizes, seed=1)
    clf = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    clf.fit(X_train, y_train)
    estimate = clf.estimate_target_priors(X_test)
    np.testing.assert_allclose(estimate.sum(), 1.0)
    truth = sizes / sizes.sum()
    np.testing.assert_allclose(estimate, truth, atol=0.03)
    # EM moved away from its starting point, the training prior.
    assert np.abs(estimate - truth).max() < np.abs(clf.priors_ - truth).max() / 2


def test_estimated_prior_improves_accuracy_under_shift():
    X_train, y_train = _sample([2000, 600, 200], seed=0)
    X_test, y_test = _sample([100, 600, 2000], seed=2)
    shifted = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    unaware = LogitAdjustedClassifier(LogisticRegression(), tau=0.0)
    acc_shifted = np.mean(shifted.fit(X_train, y_train).predict(X_test) == y_test)
    acc_unaware = np.mean(unaware.fit(X_train, y_train).predict(X_test) == y_test)
    assert acc_shifted > acc_unaware + 0.02


def test_no_shift_keeps_the_training_prior():
    posteriors = np.array([[0.7, 0.3], [0.2, 0.8], [0.9, 0.1], [0.5, 0.5]])
    pi = posteriors.mean(axis=0)
    np.testing.assert_allclose(_em_target_priors(np.log(posteriors), pi), pi, atol=1e-6)


def test_single_row_is_refused_clearly():
    X_train, y_train = _sample([200, 60, 20], seed=0)
    clf = LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate")
    clf.fit(X_train, y_train)
    with pytest.raises(ValueError, match="needs at least 2 rows"):
        clf.predict(X_train[:1])
    assert clf.predict(X_train[:2]).shape == (2,)


def test_em_that_does_not_converge_warns():
    posteriors = np.array([[0.9, 0.1], [0.6, 0.4], [0.3, 0.7]])
    with pytest.warns(ConvergenceWarning, match="did not converge in 2"):
        q = _em_target_priors(np.log(posteriors), np.array([0.5, 0.5]), max_iter=2)
    np.testing.assert_allclose(q.sum(), 1.0)


# -- EM on calibrated scores, and its numerical guarantees ----------------------


def _textbook_em(log_scores, train_priors, n_iter):
    """Saerens et al.'s EM as written in the paper: re-weight, normalise, average."""
    posteriors = softmax(log_scores, axis=1)
    q = train_priors.copy()
    for _ in range(n_iter):
        reweighted = posteriors * (q / train_priors)
        reweighted /= reweighted.sum(axis=1, keepdims=True)
        q = reweighted.mean(axis=0)
    return q


def test_em_equals_the_textbook_iteration():
    rng = np.random.default_rng(0)
    log_scores = rng.normal(size=(300, 4)) * 2
    train_priors = np.array([0.4, 0.3, 0.2, 0.1])
    with pytest.warns(ConvergenceWarning):
        ours = _em_target_priors(log_scores, train_priors, max_iter=7)
    np.testing.assert_allclose(
        ours, _textbook_em(log_scores, train_priors, 7), rtol=1e-12
    )


def _mixture_information(q):
    """Fisher information of the positive fraction ``q`` of the paper's Gaussians.

    Given ``y``, ``t = x1 + x2`` is ``N(2y, 2)`` and sufficient, so the
    information per unlabeled sample is ``int (f+ - f-)^2 / (q f+ + (1-q) f-)``.
    """
    scale = np.sqrt(2.0)

    def integrand(t):
        positive = stats.norm.pdf(t, 2.0, scale)
        negative = stats.norm.pdf(t, -2.0, scale)
        return (positive - negative) ** 2 / (q * positive + (1 - q) * negative)

    return integrate.quad(integrand, -30.0, 30.0)[0]


@pytest.mark.parametrize("target", [0.3, 0.6])
def test_em_on_bcts_scores_recovers_a_shifted_prior_of_the_paper_synthetic(target):
    """A logistic model trained at 5% positives, its log-probabilities made
    over-confident (times 3), calibrated by BCTS on held-out data from the
    training distribution; EM on a test batch at another prior ``q``.

    Tolerance, 4 standard errors of two independent error sources:

    - EM itself: with exact posteriors it is the maximum-likelihood estimate
      of the mixture weight, of standard error ``1 / sqrt(n_test I(q))``
      (:func:`_mixture_information`; a little above the binomial standard
      error of a mean posterior, ``sqrt(q (1-q) / n_test)``, since labels are
      not seen);
    - the calibration: an error ``d`` in the fitted log-odds bias has
      standard error ``1 / sqrt(n_cal v_cal)`` (the information of an
      intercept, ``v = mean p (1 - p)`` of the calibrated posteriors). It
      moves every posterior by ``d p (1 - p)``; at EM's fixed point ``q =
      mean_x p_q(1|x)``, whose slope in ``q`` is ``v_test / (q (1 - q))``,
      that moves the estimate by ``d v_test / (1 - v_test / (q (1 - q)))``.

    The raw over-confident scores must miss by more than this tolerance.
    """
    n_cal, n_test = 20000, 10000
    X, y = make_paper_synthetic(10000, positive_fraction=0.05, random_state=0)
    X_cal, y_cal = make_paper_synthetic(n_cal, positive_fraction=0.05, random_state=1)
    X_test, _ = make_paper_synthetic(n_test, positive_fraction=target, random_state=2)
    model = LogisticRegression().fit(X, y)
    y_cal = (y_cal == 1).astype(np.int64)
    cal_scores = 3.0 * model.predict_log_proba(X_cal)
    test_scores = 3.0 * model.predict_log_proba(X_test)
    calibration = _fit_calibration(cal_scores, y_cal, "bcts")
    # Calibrated posteriors are posteriors under the calibration data's prior.
    cal_priors = np.bincount(y_cal) / n_cal
    estimate = _estimate_target_priors(
        test_scores, cal_priors, calibration=calibration
    )[1]

    def mean_variance(scores):
        proba = softmax(_apply_calibration(scores, calibration), axis=1)[:, 1]
        return np.mean(proba * (1 - proba))

    v_test = mean_variance(test_scores)
    slope = v_test / (1 - v_test / (target * (1 - target)))
    standard_error = np.sqrt(
        1 / (n_test * _mixture_information(target))
        + slope**2 / (n_cal * mean_variance(cal_scores))
    )
    assert standard_error < 0.01
    assert abs(estimate - target) < 4 * standard_error
    raw = _em_target_priors(test_scores, cal_priors)[1]
    assert abs(raw - target) > 4 * standard_error


def test_bcts_scores_of_the_calibration_data_are_an_em_fixed_point():
    """BCTS makes the mean calibrated posterior equal the class frequencies
    (up to its bias prior's shrinkage), and EM starts from that mean
    posterior, so EM on the calibration data returns it at once, within a
    hair of the frequencies."""
    X, y = _sample([600, 300, 100], seed=3)
    scores = 2.0 * LogisticRegression().fit(X, y).predict_log_proba(X)
    calibration = _fit_on_heldout(scores, y, np.arange(3), "bcts")
    estimate = _estimate_target_priors(
        scores, calibration.class_priors, calibration=calibration
    )
    np.testing.assert_allclose(estimate, calibration.class_priors, atol=1e-7)
    np.testing.assert_allclose(estimate, np.bincount(y) / len(y), atol=1e-3)


def test_a_temperature_changes_the_em_estimate():
    X, y = _sample([2000, 600, 200], seed=0)
    X_test, _ = _sample([200, 600, 2000], seed=1)
    model = LogisticRegression().fit(X, y)
    scores = model.predict_log_proba(X_test)
    pi = np.bincount(y) / len(y)
    hot = _estimate_target_priors(
        scores, pi, calibration=_Calibration("temperature", 3.0)
    )
    assert np.abs(hot - _estimate_target_priors(scores, pi)).max() > 0.05


def test_em_stays_finite_with_impossible_classes_and_empty_rows():
    log_scores = np.array(
        [[0.0, -np.inf, -1.0], [-np.inf] * 3, [-np.inf, 0.0, -np.inf], [-2.0, 0.0, 0.0]]
    )
    q = _em_target_priors(log_scores, np.array([0.5, 0.3, 0.2]))
    assert np.all(np.isfinite(q)) and q.sum() == pytest.approx(1.0)
    # The all -inf row is left out: the same as without it.
    np.testing.assert_allclose(
        q, _em_target_priors(log_scores[[0, 2, 3]], np.array([0.5, 0.3, 0.2]))
    )


def test_a_class_no_row_supports_gets_prior_zero():
    with np.errstate(divide="ignore"):
        log_scores = np.log([[0.6, 0.4, 0.0], [0.2, 0.8, 0.0], [0.5, 0.5, 0.0]])
    q = _em_target_priors(log_scores, np.array([0.4, 0.4, 0.2]))
    assert q[2] == 0.0 and q.sum() == pytest.approx(1.0)


def test_em_with_a_thousand_classes_is_vectorised_and_finite():
    rng = np.random.default_rng(4)
    log_scores = 3.0 * rng.normal(size=(1000, 1000))
    log_scores[rng.uniform(size=log_scores.shape) < 0.3] = -np.inf
    log_scores[:3] = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        q = _em_target_priors(log_scores, rng.dirichlet(np.ones(1000)), max_iter=30)
    assert np.all(np.isfinite(q)) and q.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "log_scores, train_priors, match",
    [
        ([[0.0, np.nan], [0.0, 0.0]], [0.5, 0.5], "NaN or \\+inf"),
        ([[0.0, np.inf], [0.0, 0.0]], [0.5, 0.5], "NaN or \\+inf"),
        ([[-np.inf, -np.inf]] * 2, [0.5, 0.5], "every row of the batch"),
        ([[0.0, 0.0]] * 2, [1.0, 0.0], "strictly positive"),
        ([[0.0, 0.0]] * 2, [0.2, 0.3, 0.5], "one per column"),
    ],
)
def test_em_refuses_bad_inputs_clearly(log_scores, train_priors, match):
    with pytest.raises(ValueError, match=match):
        _em_target_priors(np.array(log_scores), np.array(train_priors))


# -- through the estimators --------------------------------------------------------

import copy  # noqa: E402

import joblib  # noqa: E402


@pytest.mark.parametrize("target", [0.3, 0.6])
def test_estimator_em_with_bcts_recovers_a_shifted_prior_of_the_paper_synthetic(
    target,
):
    """As the function-level test above, through ``LogitAdjustedClassifier(
    FrozenEstimator(model), calibration="bcts")``, with the same derived
    tolerance (4 standard errors of EM plus the calibration's bias)."""
    n_cal, n_test = 20000, 10000
    X, y = make_paper_synthetic(10000, positive_fraction=0.05, random_state=0)
    X_cal, y_cal = make_paper_synthetic(n_cal, positive_fraction=0.05, random_state=1)
    X_test, _ = make_paper_synthetic(n_test, positive_fraction=target, random_state=2)
    model = LogisticRegression().fit(X, y)
    sharp = copy.deepcopy(model)
    sharp.coef_, sharp.intercept_ = 3.0 * model.coef_, 3.0 * model.intercept_
    est = LogitAdjustedClassifier(FrozenEstimator(sharp), calibration="bcts")
    est.fit(X_cal, y_cal)
    estimate = est.estimate_target_priors(X_test)[1]

    def mean_variance(X_batch):
        # Calibrated posteriors under the calibration prior: tau=1, q=train.
        z = sharp.predict_log_proba(X_batch) / est.calibration_.temperature
        proba = softmax(z + est.calibration_.bias, axis=1)[:, 1]
        return np.mean(proba * (1 - proba))

    v_test = mean_variance(X_test)
    slope = v_test / (1 - v_test / (target * (1 - target)))
    standard_error = np.sqrt(
        1 / (n_test * _mixture_information(target))
        + slope**2 / (n_cal * mean_variance(X_cal))
    )
    assert abs(estimate - target) < 4 * standard_error
    raw = LogitAdjustedClassifier(FrozenEstimator(sharp)).fit(X_cal, y_cal)
    assert abs(raw.estimate_target_priors(X_test)[1] - target) > 4 * standard_error


def test_cv_with_bcts_estimates_a_shifted_prior():
    X, y = make_paper_synthetic(10000, positive_fraction=0.05, random_state=0)
    X_test, _ = make_paper_synthetic(10000, positive_fraction=0.4, random_state=2)
    est = LogitAdjustedClassifierCV(LogisticRegression(), calibration="bcts", cv=3)
    estimate = est.fit(X, y).estimate_target_priors(X_test)
    assert estimate[1] == pytest.approx(0.4, abs=0.03)


@pytest.mark.parametrize("method", ["temperature", "bcts"])
def test_cv_leaves_scores_uncalibrated_when_a_class_has_no_out_of_fold_score(method):
    """A class of one training row is scored out-of-fold only by a model that
    never saw it: the map is then the identity, with a warning, and the fit
    (probabilities, predictions, EM's estimate) equals the uncalibrated one.
    With a second row of that class every row has such a score, and the map
    is fitted."""
    X, y = _sample([300, 150, 1], seed=4)
    kwargs = dict(cv=3, weight_powers=[0.0], random_state=0)
    with pytest.warns(UserWarning, match=r"was not applied: class\(es\) \[2\]"):
        calibrated = LogitAdjustedClassifierCV(
            LogisticRegression(), calibration=method, **kwargs
        ).fit(X, y)
    plain = LogitAdjustedClassifierCV(LogisticRegression(), **kwargs).fit(X, y)
    assert calibrated.calibration_.temperature == 1.0
    assert calibrated.calibration_.class_priors is None
    if method == "bcts":
        np.testing.assert_array_equal(calibrated.calibration_.bias, 0.0)
    assert calibrated.best_tau_ == plain.best_tau_
    # Equal up to the rounding of the calibrated path's extra log-softmax.
    np.testing.assert_allclose(
        calibrated.predict_proba(X), plain.predict_proba(X), rtol=1e-12, atol=1e-15
    )
    np.testing.assert_array_equal(calibrated.predict(X), plain.predict(X))
    np.testing.assert_allclose(
        calibrated.estimate_target_priors(X), plain.estimate_target_priors(X)
    )

    X, y = _sample([300, 150, 2], seed=4)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*was not applied")
        fitted = LogitAdjustedClassifierCV(
            LogisticRegression(), calibration=method, **kwargs
        ).fit(X, y)
    assert fitted.calibration_.temperature != 1.0


@pytest.mark.parametrize("balance", ["weight", "resample"])
@pytest.mark.parametrize("calibration", [None, "temperature"])
@pytest.mark.parametrize(
    "weight_power, priors", [(1.0, "train"), (0.5, "train"), (0.5, [0.5, 0.3, 0.2])]
)
def test_em_starts_from_the_prior_a_rebalanced_base_was_trained_under(
    balance, calibration, weight_power, priors
):
    """A family member fitted on rows weighted by ``priors_ ** -w`` has
    posteriors under the class frequencies times ``priors_ ** -w``: EM on
    unshifted test data must return about the test frequencies, not read
    the rebalancing as a shift. Starting from the raw prior it returned
    about [0.52, 0.16, 0.32] for frequencies [0.80, 0.15, 0.05] at w = 1.
    The 0.05 allowed is the misfit of a class-weighted logistic model's
    posteriors (about 0.02 on the rarest class here) and, with a
    temperature, the gap between the mean calibrated posterior and the class
    frequencies that only BCTS's biases close (about 0.04 here); the raw
    start misses by more than 0.06 and twice as much."""
    X, y = make_classification(
        n_samples=6000, n_classes=3, n_informative=5, class_sep=2.0,
        weights=[0.8, 0.15, 0.05], random_state=0,
    )  # fmt: skip
    X_train, y_train, X_test, y_test = X[::2], y[::2], X[1::2], y[1::2]
    model = LogitAdjustedClassifierCV(
        LogisticRegression(max_iter=1000), weight_powers=[weight_power],
        balances=balance, priors=priors, cv=3, calibration=calibration,
        random_state=0,
    ).fit(X_train, y_train)  # fmt: skip
    frequencies = np.bincount(y_test) / len(y_test)
    estimate = model.estimate_target_priors(X_test)
    error = np.abs(estimate - frequencies).max()
    assert error < 0.05
    from_raw_prior = _estimate_target_priors(
        model.estimator_.predict_log_proba(X_test),
        model.priors_,
        calibration=model.calibration_,
    )
    raw_error = np.abs(from_raw_prior - frequencies).max()
    assert raw_error > 0.06 and raw_error > 2 * error


def test_a_class_of_zero_mean_posterior_still_gets_an_estimate():
    """k-NN gives a class probability 0 on every held-out row: its mean
    calibrated posterior is 0, which EM cannot start from; its frequency
    stands in, and the estimate gives it 0."""
    rng = np.random.default_rng(0)
    X_train = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(4, 1, (50, 2)), [[20, 20]]]
    y_train = np.r_[[0] * 50, [1] * 50, [2]]
    knn = KNeighborsClassifier(3).fit(X_train, y_train)
    X_held = np.r_[
        rng.normal(0, 1, (40, 2)), rng.normal(4, 1, (40, 2)), rng.normal(0, 1, (3, 2))
    ]
    y_held = np.r_[[0] * 40, [1] * 40, [2] * 3]
    with pytest.warns(UserWarning, match="probability of exactly 0"):
        clf = LogitAdjustedClassifier(FrozenEstimator(knn), calibration="bcts").fit(
            X_held, y_held
        )
    assert np.all(clf.calibration_.class_priors > 0)
    estimate = clf.estimate_target_priors(X_held)
    assert estimate[2] == 0.0
    assert estimate.sum() == pytest.approx(1.0)


def test_the_skipped_calibration_warning_points_at_the_callers_fit():
    X, y = _sample([300, 150, 1], seed=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        LogitAdjustedClassifierCV(
            LogisticRegression(), calibration="bcts", cv=3, weight_powers=[0.0]
        ).fit(X, y)
    skipped = [w for w in caught if "was not applied" in str(w.message)]
    assert len(skipped) == 1
    assert skipped[0].filename == __file__


def test_a_zero_probability_for_a_seen_class_does_not_skip_calibration():
    """k-NN gives a rare class probability 0 where no neighbour has it, though
    its folds were trained on it: those rows are left out of the fit (with
    their own warning), the map is still fitted."""
    X, y = _sample([300, 150, 6], seed=5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = LogitAdjustedClassifierCV(
            KNeighborsClassifier(5), calibration="bcts", cv=3, weight_powers=[0.0]
        ).fit(X, y)
    messages = [str(w.message) for w in caught]
    assert any("probability of exactly 0" in m for m in messages)
    assert not any("was not applied" in m for m in messages)
    assert fitted.calibration_.temperature != 1.0


def test_a_class_of_zero_weight_is_still_refused_clearly():
    X, y = _sample([300, 150, 20], seed=6)
    weights = np.where(y == 2, 0.0, 1.0)
    with pytest.raises(ValueError, match=r"class\(es\) \[2\] have no sample"):
        LogitAdjustedClassifierCV(
            LogisticRegression(), calibration="bcts", cv=3, priors=[0.6, 0.3, 0.1]
        ).fit(X, y, sample_weight=weights)


def _estimators():
    X, y = make_paper_synthetic(1500, positive_fraction=0.1, random_state=0)
    frozen = FrozenEstimator(LogisticRegression().fit(X, y))
    costs = [[0.0, 1.0], [10.0, 0.0]]
    return (
        X,
        [
            LogitAdjustedClassifier(LogisticRegression(), target_priors="estimate"),
            LogitAdjustedClassifier(
                frozen, target_priors="estimate", calibration="bcts"
            ),
            LogitAdjustedClassifier(
                frozen, calibration="temperature", cost_matrix=costs
            ),
            LogitAdjustedClassifierCV(
                LogisticRegression(), cv=3, calibration="bcts", cost_matrix=costs
            ),  # fmt: skip
        ],
        y,
    )


def test_prediction_methods_and_the_estimate_store_nothing():
    X, estimators, y = _estimators()
    for est in estimators:
        est.fit(X, y)
        before = (sorted(vars(est)), joblib.hash(vars(est)))
        est.predict(X)
        est.predict_proba(X)
        est.predict_log_proba(X)
        est.decision_function(X)
        est.estimate_target_priors(X)
        est.score(X, y)
        assert (sorted(vars(est)), joblib.hash(vars(est))) == before, est


def test_public_docstring_states_the_em_stopping_rule_in_force():
    import inspect

    from sklearn_la import LogitAdjustedClassifier

    defaults = inspect.signature(_em_target_priors).parameters
    doc = LogitAdjustedClassifier.estimate_target_priors.__doc__
    assert defaults["tol"].default == 1e-8 and "``1e-8``" in doc
    assert f"after {defaults['max_iter'].default} iterations" in doc
