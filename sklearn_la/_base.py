"""The meta-estimator base shared by both post-hoc estimators.

It holds what a fitted post-hoc estimator is, whatever tuned it: the
parameters both estimators share and their constraints, the end of ``fit``
(classes, priors and the offset), metadata routing and tags. The prediction
methods, which read that fitted state, come from :mod:`._prediction`. The
maths lives in :mod:`._adjust`, validation in :mod:`._validation`.
"""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin
from sklearn.frozen import FrozenEstimator
from sklearn.utils import get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.validation import indexable

from ._adjust import (
    _check_offset,
    _effective_offset,
    _is_log_linear,
    _resolve_response_method,
    _shifted_log_linear,
)
from ._class_vectors import _check_priors, _check_unambiguous_order
from ._cost import _check_cost_matrix
from ._prediction import _PredictionMixin
from ._validation import (
    _check_sample_weight,
    _check_targets,
    _class_priors,
    _encode_labels,
    _NumberInterval,
    _train_priors,
)


def _is_option(value, option):
    """``value == option`` for a parameter that may also be an array."""
    return isinstance(value, str) and value == option


class _BaseLogitAdjusted(
    _PredictionMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
    """Fitted state and prediction shared by the post-hoc estimators.

    Subclasses fit ``estimator_`` and set ``tau_``, then call
    :meth:`_finish_fit`, which sets ``classes_``, ``priors_``,
    ``class_counts_``, ``target_priors_``, ``cost_matrix_``,
    ``calibration_`` and the private offset
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
        "weight_power": [_NumberInterval(Real, 0, 1, closed="both")],
        "cost_matrix": ["array-like", None],
        "calibration": [StrOptions({"temperature", "bcts"}), None],
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
        if self.cost_matrix is not None:
            # Checked before any fit; _finish_fit aligns it with classes_.
            classes = self.estimator.classes_ if frozen else np.unique(y)
            _check_cost_matrix(self.cost_matrix, classes)
        return X, y, sample_weight

    def _finish_fit(self, y, prior_weight, *, priors, target_priors, calibration=None):
        """Set the classes, priors, offset, costs and feature attributes.

        ``priors`` and ``target_priors`` are the parameters, possibly already
        keyed by label (see :func:`._class_vectors._by_label`); ``calibration``
        a fitted :class:`._calibration._Calibration` or None.
        """
        classes = getattr(self.estimator_, "classes_", None)
        if classes is None:
            raise ValueError(
                f"`estimator` {type(self.estimator_).__name__} has no classes_ "
                "after fit; a classifier is required."
            )
        self.classes_ = np.asarray(classes)
        for name in ("priors", "target_priors"):
            _check_unambiguous_order(getattr(self, name), self.classes_, name=name)
        y_encoded = _encode_labels(y, self.classes_)
        self.class_counts_ = np.bincount(y_encoded, minlength=len(self.classes_))
        # The (weighted) class mass the base saw before any family rebalancing;
        # EM on a rebalanced member starts from it (see _em_priors).
        self._train_frequencies = _class_priors(
            y_encoded, len(self.classes_), prior_weight
        )
        self.cost_matrix_ = (
            None
            if self.cost_matrix is None
            else _check_cost_matrix(self.cost_matrix, self.classes_)
        )
        self.calibration_ = calibration
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
            # q is only known per batch, but tau can be checked now.
            _check_offset(self.priors_, self.tau_)
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
        self._log_offset = _effective_offset(
            self.priors_, self.tau_, self.target_priors_
        )
        # The intercept cannot absorb a calibration map's temperature.
        if (
            self._log_offset.any()
            and self.calibration_ is None
            and _is_log_linear(self.estimator_)
        ):
            self._shifted_model = _shifted_log_linear(self.estimator_, self._log_offset)

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
