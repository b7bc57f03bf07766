"""Shared machinery of the post-hoc estimators: scores, adjustment and fitting.

Everything here works on the base model's *log-scores*: ``log p(y|x)`` up to a
per-row constant. Adding the per-class offset ``-tau * log(pi) + log(q)`` to
them and taking the argmax is post-hoc logit adjustment (Menon et al., 2021,
section 4, eq. 10).
"""

import copy
import inspect
from numbers import Real

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
)
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    indexable,
)

from ._label_shift import _em_target_priors
from ._priors import _check_priors, _class_priors

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


def _check_classification_target(y, estimator_name, *, min_classes=2):
    """Refuse targets that are not single-output binary/multiclass labels.

    ``min_classes=1`` serves a frozen base model, which already knows its
    classes: ``y`` then only feeds the priors.
    """
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(
            f"{estimator_name} supports binary or multiclass targets only; "
            f"got y of type {y_type!r}."
        )
    # A column vector is accepted with scikit-learn's DataConversionWarning;
    # the base estimator then gets the raveled labels.
    y = column_or_1d(y, warn=True)
    n_classes = np.unique(y).shape[0]
    if n_classes < min_classes:
        raise ValueError(
            f"{estimator_name} needs at least 2 classes in y; got 1 class: "
            f"{np.unique(y).tolist()!r}."
        )
    return y


def _encode_labels(y, classes):
    """Indices of ``y`` in the sorted ``classes``, refusing unknown labels."""
    idx = np.searchsorted(classes, y)
    idx = np.clip(idx, 0, len(classes) - 1)
    unknown = classes[idx] != y
    if np.any(unknown):
        raise ValueError(
            f"y contains labels {np.unique(y[unknown]).tolist()!r} that the fitted "
            f"estimator does not know (its classes_ are {classes.tolist()!r})."
        )
    return idx


def _balancing_weights(y_encoded, priors, weight_power, sample_weight):
    """Per-sample weights ``sample_weight * pi_y^(-weight_power)``.

    They are scaled to keep the total weight of the data (``n_samples``, or the
    sum of ``sample_weight``), so the base model's effective regularisation is
    unchanged, as with ``class_weight="balanced"``, and integer weights stay
    equivalent to repeated rows.
    """
    weights = priors[y_encoded] ** (-weight_power)
    if sample_weight is None:
        return weights / weights.mean()
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    weights = weights * sample_weight
    return weights * (sample_weight.sum() / weights.sum())


def _fit_base(meta, estimator, X, y, sample_weight, fit_params):
    """Fit ``estimator`` with ``sample_weight`` and the fit params routed to it.

    With metadata routing enabled, everything travels by
    :func:`~sklearn.utils.metadata_routing.process_routing` (the base must
    request ``sample_weight``). Without it, fit params go straight to the base
    and ``sample_weight`` is passed only if the base's ``fit`` takes it; a base
    that cannot take weights gets a clear error instead of silently ignoring
    them, because the adjustment would then be computed for a different model.
    """
    if isinstance(estimator, FrozenEstimator):
        # A frozen model is used as is; weights can then only shape the priors.
        if getattr(meta, "weight_power", 0) > 0:
            raise ValueError(
                "weight_power > 0 re-weights the base model's fit, but the "
                "estimator is a FrozenEstimator, which is never refitted. Use "
                "weight_power=0, or pass an unfitted estimator."
            )
        return estimator
    if _routing_enabled():
        routed = process_routing(meta, "fit", sample_weight=sample_weight, **fit_params)
        return estimator.fit(X, y, **routed.estimator.fit)
    kwargs = dict(fit_params)
    if sample_weight is not None:
        kwargs[_sample_weight_key(estimator)] = sample_weight
    return estimator.fit(X, y, **kwargs)


def _sample_weight_key(estimator):
    """Fit keyword that carries sample weights to ``estimator`` without routing.

    A pipeline takes them as ``<last step>__sample_weight`` (scikit-learn's
    convention before metadata routing).
    """
    key, target = "sample_weight", estimator
    if isinstance(estimator, Pipeline):
        name, target = estimator.steps[-1]
        key = f"{name}__sample_weight"
    if "sample_weight" not in inspect.signature(target.fit).parameters:
        raise TypeError(
            f"`estimator` {type(target).__name__} does not accept sample_weight "
            "in fit, which sample_weight or weight_power > 0 need. Use a base "
            "estimator that does, or enable metadata routing "
            "(sklearn.set_config(enable_metadata_routing=True)) and request it."
        )
    return key


class _BaseLogitAdjusted(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Prediction methods shared by the post-hoc estimators.

    Subclasses set, at fit: ``estimator_``, ``classes_``, ``priors_``,
    ``class_counts_``, ``tau_``, ``response_method_`` and ``_log_offset``
    (``-tau_ * log(priors_) + log(q)``, or ``None`` for the ``"estimate"``
    target prior, where ``q`` is only known from the batch).
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "predict_log_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "priors": [StrOptions({"train"}), "array-like"],
        "target_priors": [StrOptions({"uniform", "train", "estimate"}), "array-like"],
        "response_method": [
            StrOptions(
                {"auto", "predict_proba", "predict_log_proba", "decision_function"}
            )
        ],
        "weight_power": [Interval(Real, 0, 1, closed="both")],
    }

    def _validate_fit_data(self, X, y, sample_weight):
        """Validate the targets and weights ``fit`` needs; ``X`` is the base's.

        Also resolves ``response_method_``, so that an estimator without any
        usable score fails before anything is fitted.
        """
        X, y = indexable(X, y)
        y = _check_classification_target(
            y,
            type(self).__name__,
            min_classes=1 if isinstance(self.estimator, FrozenEstimator) else 2,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, y)
        self.response_method_ = _resolve_response_method(
            self.estimator, self.response_method
        )
        return X, y, sample_weight

    def _finish_fit(self, y, sample_weight):
        """Set the priors, the adjustment and the feature attributes."""
        self._fit_priors(y, sample_weight)
        self._set_log_offset()
        self._copy_feature_attributes()
        return self

    def _fit_priors(self, y, sample_weight):
        """Set ``classes_``, ``class_counts_`` and ``priors_`` from the fitted base."""
        classes = getattr(self.estimator_, "classes_", None)
        if classes is None:
            raise ValueError(
                f"`estimator` {type(self.estimator_).__name__} has no classes_ "
                "after fit; a classifier is required."
            )
        self.classes_ = np.asarray(classes)
        y_encoded = _encode_labels(y, self.classes_)
        n_classes = len(self.classes_)
        self.class_counts_ = np.bincount(y_encoded, minlength=n_classes)
        if isinstance(self.priors, str):
            self.priors_ = _class_priors(y_encoded, n_classes, sample_weight)
            empty = self.priors_ == 0
            if np.any(empty):
                raise ValueError(
                    f"class {self.classes_[empty].tolist()!r} has no sample (or a "
                    "zero total sample_weight) in the y given to fit, so its "
                    "training prior is 0 and log(0) is undefined. Pass "
                    "`priors=` explicitly, or fit on data with every class."
                )
        else:
            self.priors_ = _check_priors(self.priors, n_classes, classes=self.classes_)
        return y_encoded

    def _set_log_offset(self):
        """The per-class offset ``-tau * log(pi) + log(q)`` added to log-scores."""
        n_classes = len(self.classes_)
        log_priors = np.log(self.priors_)
        if isinstance(self.target_priors, str):
            if self.target_priors == "estimate":
                self.target_priors_ = None
                self._log_offset = None
                self._shifted_model = None
                return
            if self.target_priors == "uniform":
                self.target_priors_ = np.full(n_classes, 1.0 / n_classes)
            else:
                self.target_priors_ = self.priors_
        else:
            self.target_priors_ = _check_priors(
                self.target_priors,
                n_classes,
                name="target_priors",
                classes=self.classes_,
            )
        self._log_offset = -self.tau_ * log_priors + np.log(self.target_priors_)
        self._shifted_model = None
        if not self._is_identity() and _is_log_linear(self.estimator_):
            self._shifted_model = _shifted_log_linear(self.estimator_, self._log_offset)

    def _copy_feature_attributes(self):
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_

    # -- prediction ---------------------------------------------------------

    def _offset_for(self, log_scores):
        """The offset to apply to this batch (estimating ``q`` if asked)."""
        if self._log_offset is not None:
            return self._log_offset
        if log_scores.shape[0] < 2:
            raise ValueError(
                "target_priors='estimate' estimates the deployment prior from the "
                f"batch being predicted, which needs at least 2 rows; got "
                f"{log_scores.shape[0]}. Predict on a batch, or pass target_priors "
                "as an array."
            )
        q = _em_target_priors(log_scores, self.priors_)
        self.estimated_target_priors_ = q
        with np.errstate(divide="ignore"):
            return -self.tau_ * np.log(self.priors_) + np.log(q)

    def _is_identity(self):
        """Whether the adjustment is a constant (argmax and softmax unchanged)."""
        offset = self._log_offset
        return offset is not None and np.all(offset == offset[0])

    def _adjusted_log_scores(self, X):
        check_is_fitted(self)
        if self._shifted_model is not None:
            return _log_scores_from_decision(self._shifted_model.decision_function(X))
        method = self.response_method_
        if method != "decision_function" and _is_log_linear(self.estimator_):
            method = "decision_function"
        log_scores = _base_log_scores(self.estimator_, X, method)
        # In place: the scores are a fresh array, and this saves an n x K copy.
        log_scores += self._offset_for(log_scores)
        return log_scores

    def predict(self, X):
        """Predict the class with the largest adjusted score.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the base estimator.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``classes_[argmax_y log p(y|x) - tau * log(pi_y) + log(q_y)]``.
        """
        check_is_fitted(self)
        if self._is_identity():
            # Exactly the base model's answer, even for models whose predict is
            # not the argmax of their probabilities (e.g. SVC(probability=True)).
            return self.estimator_.predict(X)
        if self._shifted_model is not None:
            return self._shifted_model.predict(X)
        scores = self._adjusted_log_scores(X)
        return self.classes_[np.argmax(scores, axis=1)]

    def decision_function(self, X):
        """Adjusted log-scores.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the base estimator.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            ``log p(y|x) - tau * log(pi_y) + log(q_y)`` up to a per-row
            constant. For binary problems, following scikit-learn, the 1-D
            difference of the two columns (positive means ``classes_[1]``).
        """
        check_is_fitted(self)
        if self._shifted_model is not None:
            return self._shifted_model.decision_function(X)
        scores = self._adjusted_log_scores(X)
        if scores.shape[1] == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def predict_proba(self, X):
        """Adjusted class probabilities: the softmax of the adjusted scores.

        With ``tau=1`` and uniform ``target_priors`` these are the base model's
        posteriors re-weighted to a balanced class prior.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the base estimator.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to one; a base probability of exactly 0 stays 0.
        """
        check_is_fitted(self)
        if self._is_identity() and hasattr(self.estimator_, "predict_proba"):
            return self.estimator_.predict_proba(X)
        if self._shifted_model is not None:
            return self._shifted_model.predict_proba(X)
        if self.response_method_ == "predict_proba":
            proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
            if self._log_offset is not None:
                return _adjusted_proba_from_proba(proba, self._log_offset)
            with np.errstate(divide="ignore"):
                offset = self._offset_for(np.log(proba))
            return _adjusted_proba_from_proba(proba, offset)
        return softmax(self._adjusted_log_scores(X), axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the base estimator.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-softmax of the adjusted scores (``-inf`` where the base
            probability is exactly 0).
        """
        return log_softmax(self._adjusted_log_scores(X), axis=1)

    # -- scikit-learn protocol ---------------------------------------------

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``fit``'s metadata (``sample_weight`` included) is routed to the
            base estimator's ``fit``.
        """
        return MetadataRouter(owner=self).add(
            estimator=self.estimator,
            method_mapping=MethodMapping().add(caller="fit", callee="fit"),
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base_tags = get_tags(self.estimator)
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
        tags.input_tags.string = base_tags.input_tags.string
        tags.input_tags.categorical = base_tags.input_tags.categorical
        return tags
