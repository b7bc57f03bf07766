"""The cross-validation loop of :class:`LogitAdjustedClassifierCV`.

Every family member ``(weight_power, balance)`` is fitted on every split
(:func:`_fit_folds`, streamed through joblib), its out-of-fold log-scores
are optionally calibrated (:func:`_calibrated_folds`), and every ``tau`` is
scored on them (:func:`_score_folds`) with the scorer ``scoring`` names
(:func:`_get_scorer`). :func:`_cross_validate` runs the three; the candidate
is then chosen by :mod:`._selection`. One fold's work is in
:mod:`._cv_folds`.
"""

import time
from itertools import product

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils.parallel import Parallel, delayed

from ._base import _is_option
from ._calibrated import _calibrate_out_of_fold
from ._cost import _check_cost_matrix, _deployment_cost_scorer
from ._cv_folds import _fit_fold_timed, _score_taus
from ._validation import _plain_list, _train_priors


def _fixed_priors(priors, classes, y_encoded, prior_weight):
    """``priors`` as a vector aligned with ``classes``."""
    if _is_option(priors, "train"):
        return _train_priors(y_encoded, classes, prior_weight)
    return np.array([priors[c] for c in _plain_list(classes)])


def _cross_validate(
    estimator,
    X,
    y,
    *,
    classes,
    splits,
    taus,
    members,
    routing,
    priors,
    target,
    response_method,
    calibration,
    cost_matrix,
    scoring,
    n_jobs,
    verbose,
    random_state,
):
    """Scores of shape (n_members, n_splits, n_taus), calibrations.

    Every member (``(weight_power, balance)``) is fitted on the same
    resampling seed per split, so members are compared on common draws.
    The calibrations map each member to the map fitted on its
    out-of-fold scores (:mod:`._calibrated`); empty without calibration.
    Without calibration the folds are streamed: each fold's n_test x K
    log-scores are scored as soon as its fit returns and then dropped, so
    the tuner holds a few one-fold arrays at a time, not
    n_members x n_samples x n_classes.
    """
    fold_priors = priors
    if not isinstance(priors, str):
        fold_priors = _fixed_priors(priors, classes, None, None)
    if not isinstance(target, str):
        target = np.array([target[c] for c in _plain_list(classes)])
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=len(splits)
    )
    jobs = list(product(range(len(members)), range(len(splits))))
    fold_results = _fit_folds(
        estimator,
        X,
        y,
        jobs=jobs,
        splits=splits,
        members=members,
        classes=classes,
        routing=routing,
        priors=fold_priors,
        seeds=seeds,
        response_method=response_method,
        n_jobs=n_jobs,
    )
    calibrations = {}
    if calibration is not None:
        fold_results, calibrations = _calibrated_folds(
            fold_results,
            jobs=jobs,
            splits=splits,
            members=members,
            y=y,
            classes=classes,
            routing=routing,
            method=calibration,
        )
    cost = None
    if cost_matrix is not None:
        cost = _check_cost_matrix(cost_matrix, classes)
    scores = _score_folds(
        fold_results,
        jobs=jobs,
        splits=splits,
        members=members,
        taus=taus,
        y=y,
        classes=classes,
        target=target,
        cost=cost,
        scorer=_get_scorer(scoring, cost=cost, classes=classes, target=target),
        verbose=verbose,
    )
    return scores, calibrations


def _fit_folds(
    estimator,
    X,
    y,
    *,
    jobs,
    splits,
    members,
    classes,
    routing,
    priors,
    seeds,
    response_method,
    n_jobs,
):
    """Fit each job ``(member, split)``; the results, as each fit returns."""
    return _streaming_parallel(n_jobs)(
        delayed(_fit_fold_timed)(
            job,
            estimator=clone(estimator),
            X=X,
            y=y,
            train=splits[k][0],
            test=splits[k][1],
            classes=classes,
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=routing.sample_weight,
            prior_weight=routing.prior_weight,
            priors=priors,
            weight_power=members[i][0],
            balance=members[i][1],
            seed=seeds[k],
            response_method=response_method,
        )
        for job, (i, k) in enumerate(jobs)
    )


def _score_folds(
    fold_results,
    *,
    jobs,
    splits,
    members,
    taus,
    y,
    classes,
    target,
    cost,
    scorer,
    verbose,
):
    """Score every tau on each fold's results as they arrive, then drop them."""
    scores = np.empty((len(members), len(splits), len(taus)))
    for job, (log_scores, pi, counts), fit_seconds in fold_results:
        i, k = jobs[job]
        start = time.perf_counter()
        scores[i, k] = _score_taus(
            scorer=scorer,
            log_scores=log_scores,
            priors=pi,
            counts=counts,
            taus=taus,
            y_test=_safe_indexing(y, splits[k][1]),
            classes=classes,
            target=target,
            cost_matrix=cost,
        )
        del log_scores  # before waiting for the next fold
        if verbose > 0:
            print(
                f"[CV {k + 1}/{len(splits)}] weight_power={members[i][0]:g}, "
                f"balance={members[i][1]}; "
                f"fit {fit_seconds:.2f}s, scored {len(taus)} taus "
                f"{time.perf_counter() - start:.2f}s"
            )
    return scores


def _scoring_name(scoring, cost_matrix):
    if callable(scoring):
        return getattr(scoring, "__name__", "score")
    if scoring is None:
        if cost_matrix is None:
            return "balanced_accuracy"
        return "score (negated expected cost)"
    return scoring


def _get_scorer(scoring, *, cost, classes, target):
    """The scorer; by default balanced accuracy, or with a cost matrix the
    expected cost at the deployment prior (see ``scoring``)."""
    if scoring is None and cost is not None:
        return _deployment_cost_scorer(cost, classes, target)
    if callable(scoring):
        return scoring
    name = scoring or "balanced_accuracy"
    if name == "balanced_accuracy" and cost is None:
        # By name: _score_taus computes it for every tau at once.
        return name
    from .metrics import get_scorer

    return get_scorer(name)


def _calibrated_folds(
    fold_results, *, jobs, splits, members, y, classes, routing, method
):
    """The fold results with calibrated scores, and the calibration maps.

    Each member's map is fitted on its out-of-fold scores pooled
    over the folds (:mod:`._calibrated`), so here, unlike the streamed
    default, every fold's scores are kept until all fits have returned:
    ``n_samples x n_classes x n_members`` floats.
    """
    results = sorted(fold_results, key=lambda result: result[0])
    fold_scores = [log_scores for _, (log_scores, _, _), _ in results]
    calibrations = _calibrate_out_of_fold(
        fold_scores,
        [members[i] for i, _ in jobs],
        [splits[k][1] for _, k in jobs],
        [counts for _, (_, _, counts), _ in results],
        y,
        classes,
        method=method,
        sample_weight=routing.prior_weight,
    )
    calibrated = [
        (job, (scores, pi, counts), seconds)
        for scores, (job, (_, pi, counts), seconds) in zip(fold_scores, results)
    ]
    return calibrated, calibrations


def _streaming_parallel(n_jobs):
    """A joblib ``Parallel`` that yields each fold's result as it finishes.

    Results carry their job index, so their order does not matter. A backend
    that cannot stream (Ray's, for one) refuses ``return_as`` when the
    ``Parallel`` is built: it then returns the list, and the folds' scores
    are held until every fit has returned, as before streaming.
    """
    try:
        return Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError as exc:
        if "does not support return_as" not in str(exc):
            raise
        return Parallel(n_jobs=n_jobs)
