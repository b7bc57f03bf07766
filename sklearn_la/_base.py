"""The meta-estimator base shared by both post-hoc estimators.

It holds what a fitted post-hoc estimator is, whatever tuned it: the
parameters both estimators share and their constraints, the end of ``fit``
(classes, priors and the offset), the prediction methods, metadata routing
and tags. The maths lives in :mod:`._adjust`, validation in
:mod:`._validation`.
"""

from numbers import Real

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.frozen import FrozenEstimator
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.validation import check_is_fitted, indexable

from ._adjust import (
    _adjusted_proba_from_proba,
    _base_log_scores,
    _is_log_linear,
    _log_offset,
    _log_scores_from_decision,
    _resolve_response_method,
    _score_method,
    _shifted_log_linear,
)
from ._label_shift import _estimate_target_priors
from ._validation import (
    _check_priors,
    _check_sample_weight,
    _check_targets,
    _encode_labels,
    _train_priors,
)


def _is_option(value, option):
    """``value == option`` for a parameter that may also be an array."""
    return isinstance(value, str) and value == option


class _BaseLogitAdjusted(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Fitted state and prediction shared by the post-hoc estimators.

    Subclasses fit ``estimator_`` and set ``tau_``, then call
    :meth:`_finish_fit`, which sets ``classes_``, ``priors_``,
    ``class_counts_``, ``target_priors_`` and the private offset
    ``_log_offset`` (``-tau_ * log(priors_) + log(q)``, or ``None`` for the
    ``"estimate"`` target prior, where ``q`` is only known from the batch).
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "predict_log_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "priors": [StrOptions({"train"}), "array-like", dict],
        "target_priors": [
            StrOptions({"uniform", "train", "estimate"}),
            "array-like",
            dict,
        ],
        "response_method": [
            StrOptions(
                {"auto", "predict_proba", "predict_log_proba", "decision_function"}
            )
        ],
        "weight_power": [Interval(Real, 0, 1, closed="both")],
    }

    def _check_fit_inputs(self, X, y, sample_weight):
        """Validate the targets and weights ``fit`` needs; ``X`` is the base's.

        Also resolves ``response_method_``, so that an estimator without any
        usable score fails before anything is fitted.
        """
        # A frozen base already knows its classes: y only feeds the priors,
        # so a single class in y is enough.
        frozen = isinstance(self.estimator, FrozenEstimator)
        y = _check_targets(y, type(self).__name__, min_classes=1 if frozen else 2)
        X, y = indexable(X, y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, len(y))
        self.response_method_ = _resolve_response_method(
            self.estimator, self.response_method
        )
        return X, y, sample_weight

    def _finish_fit(self, y, prior_weight, *, priors, target_priors):
        """Set the classes, priors, offset and feature attributes.

        ``priors`` and ``target_priors`` are the parameters, possibly already
        keyed by label (see :func:`._validation._by_label`).
        """
        classes = getattr(self.estimator_, "classes_", None)
        if classes is None:
            raise ValueError(
                f"`estimator` {type(self.estimator_).__name__} has no classes_ "
                "after fit; a classifier is required."
            )
        self.classes_ = np.asarray(classes)
        y_encoded = _encode_labels(y, self.classes_)
        self.class_counts_ = np.bincount(y_encoded, minlength=len(self.classes_))
        if _is_option(priors, "train"):
            self.priors_ = _train_priors(y_encoded, self.classes_, prior_weight)
        else:
            self.priors_ = _check_priors(priors, self.classes_)
        self._set_log_offset(target_priors)
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    def _set_log_offset(self, target_priors):
        """Resolve ``target_priors_`` and the offset, and build the fast path."""
        self._log_offset = self._shifted_model = None
        if _is_option(target_priors, "estimate"):
            self.target_priors_ = None
            return
        if _is_option(target_priors, "uniform"):
            n_classes = len(self.classes_)
            self.target_priors_ = np.full(n_classes, 1.0 / n_classes)
        elif _is_option(target_priors, "train"):
            self.target_priors_ = self.priors_
        else:
            self.target_priors_ = _check_priors(
                target_priors, self.classes_, name="target_priors"
            )
        self._log_offset = _log_offset(self.priors_, self.tau_, self.target_priors_)
        if not self._is_identity() and _is_log_linear(self.estimator_):
            self._shifted_model = _shifted_log_linear(self.estimator_, self._log_offset)

    # -- prediction ---------------------------------------------------------

    def _base_log_scores(self, X):
        method = _score_method(self.estimator_, self.response_method_)
        return _base_log_scores(self.estimator_, X, method)

    def _offset_for(self, log_scores):
        """The offset to apply to this batch (estimating ``q`` if asked)."""
        if self._log_offset is not None:
            return self._log_offset
        q = _estimate_target_priors(log_scores, self.priors_)
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
        log_scores = self._base_log_scores(X)
        # In place: the scores are a fresh array, and this saves an n x K copy.
        log_scores += self._offset_for(log_scores)
        return log_scores

    def estimate_target_priors(self, X):
        """Estimate the deployment class prior ``q`` of a batch by EM.

        Under label shift (``p(x|y)`` fixed, class frequencies changed), the
        EM procedure of Saerens, Latinne & Decaestecker (2002) re-weights the
        base model's posteriors until the mean posterior matches the prior it
        assumes. ``target_priors="estimate"`` applies the same estimate to
        each batch it predicts; this method only returns it and stores
        nothing. It is only as good as the base model's calibration.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of at least two unlabeled samples from the deployment
            distribution.

        Returns
        -------
        target_priors : ndarray of shape (n_classes,)
            Estimated class prior of the batch, in ``classes_`` order, summing
            to one.

        Notes
        -----
        EM stops when no entry of the estimate moves by more than ``1e-8`` in
        one iteration, and after 1000 iterations at most (then it warns with
        a :class:`~sklearn.exceptions.ConvergenceWarning` and returns the last
        estimate). An iteration is two matrix-vector products over the
        ``n_samples x n_classes`` posteriors, with no other array of that
        size, so the time is bounded by 1000 such passes; EM converges
        linearly, so the remaining error is about ``1e-8 / (1 - rate)``, far
        below the sampling error of the batch (``sqrt(q (1 - q) / n)``).

        Examples
        --------
        >>> import numpy as np
        >>> from sklearn.linear_model import LogisticRegression
        >>> from sklearn_la import LogitAdjustedClassifier
        >>> rng = np.random.default_rng(0)
        >>> y = np.repeat([0, 1], [900, 100])
        >>> X = y[:, None] * 3.0 + rng.standard_normal((1000, 1))
        >>> clf = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
        >>> y_new = np.repeat([0, 1], [500, 500])
        >>> X_new = y_new[:, None] * 3.0 + rng.standard_normal((1000, 1))
        >>> clf.estimate_target_priors(X_new).round(1)
        array([0.5, 0.5])
        """
        check_is_fitted(self)
        return _estimate_target_priors(self._base_log_scores(X), self.priors_)

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
            ``fit``'s ``sample_weight`` is consumed by this estimator (for
            the priors) and, like every other fit param, routed to the base
            estimator's ``fit`` when it requests it.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                estimator=self.estimator,
                method_mapping=MethodMapping().add(caller="fit", callee="fit"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        base_tags = get_tags(self.estimator)
        tags.input_tags.sparse = base_tags.input_tags.sparse
        tags.input_tags.allow_nan = base_tags.input_tags.allow_nan
        tags.input_tags.string = base_tags.input_tags.string
        tags.input_tags.categorical = base_tags.input_tags.categorical
        return tags
