"""The numpy maths of post-hoc logit adjustment.

Everything here works on the base model's *log-scores*: ``log p(y|x)`` up to a
per-row constant. Adding the per-class offset ``-tau * log(pi) + log(q)`` to
them and taking the argmax is post-hoc logit adjustment (Menon et al., 2021,
section 4, eq. 10).

One array is canonical: the adjusted log-scores, computed in log space (so a
mathematical tie such as ``p_y / pi_y`` equal across classes stays an exact
tie: ``log(0.3) - log(0.3)`` is exactly 0). Every prediction method derives
from it, and its row-wise argmax, ties to the first class in ``classes_``
order, is the prediction. Rounding in ``exp`` or in a normalisation can still
create a tie the canonical array does not have; :func:`_agree` then raises the
winning entry by one ulp (``np.nextafter``), in the rows concerned only, so
``predict``, ``predict_proba``, ``predict_log_proba`` and
``decision_function`` always agree exactly.
"""

import copy

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline


def _final_step(estimator):
    """The estimator that produces scores: the last step of a pipeline."""
    while True:
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        elif isinstance(estimator, Pipeline):
            estimator = estimator.steps[-1][1]
        else:
            return estimator


def _is_log_linear(estimator):
    """Whether ``softmax(decision_function)`` is exactly ``predict_proba``.

    True for scikit-learn's logistic regression (binary: sigmoid of the 1-D
    score; multiclass: softmax of the 2-D score). There ``decision_function`` is
    a log-score and skips the exp/normalise of ``predict_proba``, which is what
    makes the wrapper's ``predict`` as cheap as the base model's.
    """
    final = _final_step(estimator)
    return (
        isinstance(final, LogisticRegression)
        and type(final).predict_proba is LogisticRegression.predict_proba
        and type(final).decision_function is LogisticRegression.decision_function
    )


def _shifted_log_linear(estimator, log_offset):
    """A copy of a fitted log-linear model whose intercept absorbs the offset.

    For logistic regression ``decision_function(x) + offset`` is the decision
    function of the same model with intercept ``b + offset``, so the adjusted
    model predicts at exactly the base model's cost: no extra pass over the
    n x K scores (paper, section 5: "the intercept absorbs the offset").
    Pipelines and frozen estimators are copied shallowly around a shifted
    last step; fitted transformers are shared, not refitted.
    """
    if isinstance(estimator, FrozenEstimator):
        return _shifted_log_linear(estimator.estimator, log_offset)
    if isinstance(estimator, Pipeline):
        name, last = estimator.steps[-1]
        shifted = copy.copy(estimator)
        shifted.steps = [
            *estimator.steps[:-1],
            (name, _shifted_log_linear(last, log_offset)),
        ]
        return shifted
    shifted = copy.copy(estimator)
    intercept = np.asarray(estimator.intercept_, dtype=np.float64)
    if estimator.coef_.shape[0] == 1:
        # binary: one log-odds score, for classes_[1] against classes_[0]
        shifted.intercept_ = intercept + (log_offset[1] - log_offset[0])
    else:
        shifted.intercept_ = intercept + log_offset
    return shifted


def _resolve_response_method(estimator, response_method):
    """The base model's method the wrapper reads its scores from.

    ``"auto"`` takes probabilities, or the decision function of a log-linear
    model, whose softmax is its posterior. A margin classifier's decision
    function (``LinearSVC``) is a score, not a log-probability: adjusting it
    by ``log(pi)`` mixes units, so it is refused unless the user asserts it
    with an explicit ``response_method="decision_function"``.
    """
    name = type(estimator).__name__
    if response_method == "auto":
        for method in ("predict_proba", "predict_log_proba"):
            if hasattr(estimator, method):
                return method
        if hasattr(estimator, "decision_function") and _is_log_linear(estimator):
            return "decision_function"
        raise ValueError(
            f"`estimator` {name} has no predict_proba or predict_log_proba, and its "
            "decision_function is not a log-probability, so it cannot be adjusted "
            "by log-priors. Calibrate it first: LogitAdjustedClassifier("
            f"CalibratedClassifierCV({name}(...))) with "
            "sklearn.calibration.CalibratedClassifierCV, or pass "
            "response_method='decision_function' to use its scores as "
            "log-probabilities anyway."
        )
    if not hasattr(estimator, response_method):
        raise ValueError(
            f"`response_method={response_method!r}` but `estimator` {name} has no "
            f"{response_method} method."
        )
    return response_method


def _score_method(estimator, response_method):
    """The method scores are read from: a log-linear model's decision function.

    For a log-linear model the decision function equals ``log p`` up to a
    per-row constant and skips ``predict_proba``'s exp and normalisation.
    """
    if response_method != "decision_function" and _is_log_linear(estimator):
        return "decision_function"
    return response_method


def _log_scores_from_decision(decision):
    """Turn a 1-D binary decision (log-odds) into 2-column log-scores."""
    decision = np.asarray(decision, dtype=np.float64)
    if decision.ndim == 1:
        return np.column_stack([np.zeros_like(decision), decision])
    return decision


def _base_log_scores(estimator, X, response_method):
    """Log-scores of the base model, shape (n_samples, n_classes), and its proba.

    ``log p(y|x)`` from probabilities (``-inf`` where the base probability is
    exactly 0, which keeps that class impossible after adjustment), or the
    decision function of a log-linear model, which equals ``log p`` up to a
    per-row constant and so gives the same argmax and softmax. The second
    value is the base's ``predict_proba`` output when that is the source
    (None otherwise), so that it need not be computed twice.
    """
    if response_method == "predict_log_proba":
        return np.asarray(estimator.predict_log_proba(X), dtype=np.float64), None
    if response_method == "decision_function":
        return _log_scores_from_decision(estimator.decision_function(X)), None
    proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        # invalid: a negative probability gives NaN, refused by _winners.
        return np.log(proba), proba


def _log_offset(priors, tau, target_priors, *, name="tau"):
    """The per-class offset ``-tau * log(pi) + log(q)`` added to log-scores.

    A class of deployment prior ``q = 0`` (it never occurs there) or of
    training prior ``pi = 0`` (all its training rows weigh 0, so the base
    learnt nothing of it) gets ``-inf``: it is never predicted, whatever
    ``tau``. A finite ``tau`` can still overflow the other entries
    (``tau=1e308``); that is refused here, naming ``tau``, rather than ending
    in NaN probabilities.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        offset = -tau * np.log(priors) + np.log(target_priors)
    never = (np.asarray(priors) == 0) | (np.asarray(target_priors) == 0)
    if not np.all(np.isfinite(offset[~never])):
        raise ValueError(
            f"`{name}` value {float(tau)!r} is too large for these priors: the offset "
            "-tau * log(priors) + log(target_priors) overflows to "
            f"{offset.tolist()!r}. Use a smaller `{name}`."
        )
    offset[never] = -np.inf
    return offset


def _check_offset(priors, tau, *, name="tau"):
    """Refuse a ``tau`` that overflows the offset for these priors.

    For ``target_priors="estimate"``, whose ``q`` is only known per batch:
    ``log(q)`` is finite, so ``-tau * log(pi)`` alone decides.
    """
    _log_offset(priors, tau, priors, name=name)


def _effective_offset(priors, tau, target_priors, *, name="tau"):
    """:func:`_log_offset`, or zeros when it is constant across classes.

    A constant offset changes neither argmax nor softmax; dropping it keeps
    the base model's scores bit for bit (adding a constant could round two
    different scores into a tie).
    """
    offset = _log_offset(priors, tau, target_priors, name=name)
    return np.zeros_like(offset) if np.ptp(offset) == 0 else offset


def _effective_offsets(priors, taus, target_priors, *, name="taus"):
    """:func:`_effective_offset` for every tau at once, shape (n_taus, n_classes).

    Row ``t`` is bit for bit ``_effective_offset(priors, taus[t], ...)``: the
    same operations per element, broadcast, for a search that scores
    many taus on each split (a Python loop over taus cost more than the
    scoring itself on small splits).
    """
    taus = np.asarray(taus, dtype=float)
    priors = np.asarray(priors, dtype=float)
    target_priors = np.asarray(target_priors, dtype=float)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        offsets = -taus[:, None] * np.log(priors) + np.log(target_priors)
    never = (priors == 0) | (target_priors == 0)
    overflowed = ~np.all(np.isfinite(offsets[:, ~never]), axis=1)
    if overflowed.any():
        # The first tau that overflows, refused as the scalar path refuses it.
        _log_offset(priors, taus[np.argmax(overflowed)], target_priors, name=name)
    offsets[:, never] = -np.inf
    offsets[np.ptp(offsets, axis=1) == 0] = 0.0
    return offsets


def _winners(scores, source, *, index=None, had_scores=None):
    """Row-wise argmax of the canonical scores (first maximum), checked.

    The check costs one gather of ``n`` values: ``argmax`` returns the first
    NaN of a row that has one, and the maximum of a row is ``-inf`` only if
    every entry is, so a non-finite maximum reveals every bad row.

    ``index`` gives the rows' positions in the caller's batch when ``scores``
    holds only some of its rows, so that an error names the right row.
    ``had_scores`` marks the rows where the base gave some class a
    probability above 0, when the adjustment rules classes out (an offset of
    ``-inf``): such a row with nothing left is the adjustment's doing, not
    the base's.
    """
    winners = np.argmax(scores, axis=1)
    top = scores[np.arange(scores.shape[0]), winners]
    if np.all(np.isfinite(top)):
        return winners
    for bad, what, empty in (
        (np.isnan(top), "NaN (or negative probabilities)", False),
        (np.isposinf(top), "infinite values (or the adjustment overflowed)", False),
        (np.isneginf(top), "a row where every class has probability 0", True),
    ):
        if not bad.any():
            continue
        rows = np.flatnonzero(bad)
        if empty and had_scores is not None and had_scores[rows].any():
            # Rows the base gave something: the adjustment left them nothing.
            rows = rows[had_scores[rows]]
            first = rows[0] if index is None else index[rows[0]]
            raise ValueError(
                f"In {rows.size} row(s), the first at index {first}, every class "
                f"with a probability above 0 in the base estimator's {source} "
                "is ruled out by the adjustment (a class of `target_priors` 0, "
                "or of training prior 0, is never predicted); the adjusted "
                "prediction is undefined there. Give those classes a "
                "`target_priors` above 0, or use a base model whose "
                "probabilities are not exactly 0 (a tree's often are)."
            )
        first = rows[0] if index is None else index[rows[0]]
        raise ValueError(
            f"The base estimator's {source} returned {what} in {rows.size} "
            f"row(s), the first at index {first}; the adjusted prediction is "
            "undefined there. Check the base model and its input."
        )
    raise AssertionError("unreachable: a non-finite maximum is NaN or infinite")


def _agree(derived, winners, rows=None):
    """Make ``argmax(derived)`` equal ``winners`` row by row, in place.

    ``derived`` is a monotone transform of the canonical scores (softmax,
    log-softmax), so it can only differ by a tie that rounding created; the
    winning entry is raised by one ulp in those rows only. ``rows`` limits
    the check to the rows that can disagree.
    """
    rows = np.arange(derived.shape[0]) if rows is None else rows
    bad = rows[np.argmax(derived[rows], axis=1) != winners[rows]]
    while bad.size:
        cols = winners[bad]
        derived[bad, cols] = np.nextafter(derived[bad, cols], np.inf)
        bad = bad[np.argmax(derived[bad], axis=1) != cols]
    return derived


# Rounding in exp, log or a division moves a value by a few ulps, about
# 1e-16 here: an entry further than this below the winner's shifted score of
# 0 cannot tie with it afterwards.
_TIE_RADIUS = 1e-12


def _proba_from_scores(scores, winners, *, log=False):
    """Softmax (or log-softmax) of the canonical scores, in place.

    The row maximum is the winner's score, so the shifted winner is exactly 0
    and nothing overflows; an entry of ``-inf`` (a base probability of 0)
    gives exactly 0 (or ``-inf``). Only rows with another entry within
    ``_TIE_RADIUS`` of the winner can end in a rounding tie, so only those
    are checked: one comparison instead of an argmax over the whole array.
    """
    n_samples = scores.shape[0]
    scores -= scores[np.arange(n_samples), winners][:, None]
    near = scores >= -_TIE_RADIUS
    suspects = np.empty(0, dtype=np.intp)
    if np.count_nonzero(near) > n_samples:
        suspects = np.flatnonzero(np.count_nonzero(near, axis=1) > 1)
    if log:
        scores -= np.log(np.exp(scores).sum(axis=1))[:, None]
    else:
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1)[:, None]
    return _agree(scores, winners, suspects)


def _proba_from_proba(proba, offset, source="predict_proba"):
    """Adjusted probabilities and their argmax from the base probabilities.

    The fast path for a ``predict_proba`` source: ``log`` and ``exp`` of the
    exact zeros a forest outputs are slow, so the probabilities are scaled
    by ``exp(offset)`` and renormalised instead (the factor's largest entry
    is 1, so it cannot overflow). That product orders classes as the
    canonical log-space scores except where two entries are within rounding
    of each other (relative ``1e-9``, widened for large offsets); those rows,
    and rows whose every entry underflows, are recomputed from the canonical
    scores, so the argmax is :func:`_winners` of ``log(proba) + offset``,
    ties included.

    Returns
    -------
    proba : ndarray of shape (n_samples, n_classes)

    winners : ndarray of shape (n_samples,)
    """
    out = proba * np.exp(offset - offset.max())
    # A row whose largest scaled entry is subnormal has lost the precision the
    # near-tie test relies on (distinct values round together there).
    scale = out.max(axis=1)
    sums = out.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out /= sums[:, None]
    winners = np.argmax(out, axis=1)
    top = out[np.arange(out.shape[0]), winners]
    radius = 1e-9 * (1.0 + np.abs(offset).max())
    with np.errstate(invalid="ignore"):
        near = out >= (top * (1.0 - radius))[:, None]
    redo = ~(scale >= np.finfo(np.float64).tiny) | ~np.isfinite(top)
    n_redo = np.count_nonzero(redo)
    if n_redo:
        # Degenerate rows (every entry underflowed, or NaN): the canonical
        # scores in full, which also raise the clear error for a bad row.
        rows = np.flatnonzero(redo)
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = np.log(proba[rows]) + offset
        winners[rows] = _winners(
            scores, source, index=rows, had_scores=(proba[rows] > 0).any(axis=1)
        )
        out[rows] = _proba_from_scores(scores, winners[rows])
        near[rows] = False
    # Every other row has one near entry, its top: more than that total means
    # a near-tie somewhere.
    if np.count_nonzero(near) > out.shape[0] - n_redo:
        # Near-ties: the canonical winner is among the near entries (the
        # others are lower by more than rounding in both orders), so only
        # their log-scores are computed; forests tie often, and ``log`` of
        # their whole rows of exact zeros is slow.
        rows = np.flatnonzero(np.count_nonzero(near, axis=1) > 1)
        _settle_near_ties(out, proba, offset, near[rows], rows, winners)
    return out, winners


def _settle_near_ties(out, proba, offset, near, rows, winners):
    """Canonical winners of the near-tied ``rows``, and ``out`` agreeing, in place."""
    candidates = np.full(near.shape, -np.inf)
    r, c = np.nonzero(near)
    with np.errstate(divide="ignore"):
        candidates[r, c] = np.log(proba[rows[r], c]) + offset[c]
    winners[rows] = np.argmax(candidates, axis=1)
    _agree(out, winners, rows)


# An impossible class (log-score ``-inf``) gets this finite decision score:
# far below any log-probability plus offset (those stay above about -1e3), and
# half the float range, so a binary difference against it cannot overflow.
_IMPOSSIBLE = -np.finfo(np.float64).max / 2


def _decision_from_scores(scores):
    """scikit-learn's decision function, finite: 1-D ``s_1 - s_0`` for two classes.

    A base probability of exactly 0 (a forest, nearest neighbours) gives a
    log-score of ``-inf``, which scikit-learn's scorers refuse ("Input
    contains infinity"). Every such entry becomes one finite value strictly
    below every finite score of the batch (:data:`_IMPOSSIBLE` unless a score
    is lower still), so orderings within a row and within a column, argmax
    and ties are unchanged, and impossible classes stay tied with each other.
    For two classes, ``s_1 - s_0 > 0`` exactly when ``s_1 > s_0``, and a tie
    (``0``) means ``classes_[0]``, as the argmax; the difference is clipped
    to the finite range, which keeps its sign and order. ``scores`` is not
    modified.
    """
    impossible = np.isneginf(scores)
    if impossible.any():
        # Every row has a finite winner (_winners), so a finite entry exists.
        floor = min(_IMPOSSIBLE, scores[~impossible].min())
        scores = np.where(impossible, np.nextafter(floor, -np.inf), scores)
    if scores.shape[1] != 2:
        return scores
    decision = scores[:, 1] - scores[:, 0]
    if impossible.any():
        big = np.finfo(np.float64).max
        np.clip(decision, -big, big, out=decision)
    return decision
