"""The numpy maths of post-hoc logit adjustment.

Everything here works on the base model's *log-scores*: ``log p(y|x)`` up to a
per-row constant. Adding the per-class offset ``-tau * log(pi) + log(q)`` to
them and taking the argmax is post-hoc logit adjustment (Menon et al., 2021,
section 4, eq. 10).
"""

import copy

import numpy as np
from scipy.special import softmax
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

_RESPONSE_METHODS = ("predict_proba", "predict_log_proba", "decision_function")


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
    """The base model's method the wrapper reads its scores from."""
    if response_method == "auto":
        for method in _RESPONSE_METHODS:
            if hasattr(estimator, method):
                return method
        raise ValueError(
            f"`estimator` {type(estimator).__name__} has none of "
            f"{list(_RESPONSE_METHODS)}; post-hoc adjustment needs class scores. "
            "Use a probabilistic classifier (e.g. SVC(probability=True))."
        )
    if not hasattr(estimator, response_method):
        raise ValueError(
            f"`response_method={response_method!r}` but `estimator` "
            f"{type(estimator).__name__} has no {response_method} method."
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
    """Log-scores of the base model, shape (n_samples, n_classes).

    ``log p(y|x)`` from probabilities (``-inf`` where the base probability is
    exactly 0, which keeps that class impossible after adjustment), or the
    decision function of a log-linear model, which equals ``log p`` up to a
    per-row constant and so gives the same argmax and softmax.
    """
    if response_method == "predict_log_proba":
        return np.asarray(estimator.predict_log_proba(X), dtype=np.float64)
    if response_method == "decision_function":
        return _log_scores_from_decision(estimator.decision_function(X))
    proba = np.asarray(estimator.predict_proba(X), dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.log(proba)


def _log_offset(priors, tau, target_priors):
    """The per-class offset ``-tau * log(pi) + log(q)`` added to log-scores."""
    return -tau * np.log(priors) + np.log(target_priors)


def _adjusted_proba_from_proba(proba, log_offset):
    """Softmax of ``log(proba) + log_offset``, computed without logs.

    One multiply by ``exp(log_offset)`` and one row normalisation: the floor for
    a pass over the n x K output. The factor is shifted so its largest entry is
    1 (it cannot overflow for tiny priors or large tau); rows whose every
    non-zero entry underflows are recomputed in log space.
    """
    factor = np.exp(log_offset - log_offset.max())
    out = np.asarray(proba, dtype=np.float64) * factor
    row_sums = out.sum(axis=1)
    degenerate = ~(row_sums > 0)
    if degenerate.any():
        with np.errstate(divide="ignore"):
            logits = np.log(proba[degenerate]) + log_offset
        out[degenerate] = softmax(logits, axis=1)
        row_sums[degenerate] = 1.0
    out /= row_sums[:, None]
    return out
