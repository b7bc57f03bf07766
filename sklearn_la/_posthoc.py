"""Post-hoc logit adjustment of any probabilistic classifier.

:class:`LogitAdjustedClassifier`, and the base it shares with
:class:`~sklearn_la.LogitAdjustedClassifierCV` (:mod:`._cv`): what a fitted
post-hoc estimator is, whatever tuned it. The base holds the parameters both
estimators share and their constraints, the end of ``fit`` (classes, priors
and the offset), the prediction methods that read that fitted state,
metadata routing and tags. Every prediction method derives from one
canonical score matrix and its argmax, so they agree; the maths lives in
:mod:`._adjust`, validation in :mod:`._validation`.
"""

from numbers import Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping
from sklearn.utils.validation import indexable

from ._adjust import (
    _agree,
    _base_log_scores,
    _check_offset,
    _decision_from_scores,
    _effective_offset,
    _is_log_linear,
    _proba_from_proba,
    _proba_from_scores,
    _resolve_response_method,
    _score_method,
    _shifted_log_linear,
    _winners,
)
from ._calibration import _METHODS, _apply_calibration, _fit_frozen_calibration
from ._cost import _cost_decisions
from ._docstrings import _fill_doc
from ._family import (
    BALANCES,
    PRIORS,
    BalancedBagging,
    _check_family_base,
    _consistent_tau,
    _corrected_offset,
    _effective_priors,
    _fit_member,
    _member_prior,
    _reads_prior,
)
from ._label_shift import _estimate_target_priors
from ._routing import _route_fit_params
from ._validation import (
    _by_label,
    _check_base_estimator,
    _check_cost_matrix,
    _check_priors,
    _check_sample_weight,
    _check_targets,
    _check_unambiguous_order,
    _class_priors,
    _encode_labels,
    _is_option,
    _NumberInterval,
    _pandas_to_plain,
    _plain_list,
    _plain_to_pandas,
    _train_priors,
)

# Parameters that may be keyed by label (pandas objects included).
_KEYED_PARAMETERS = ("priors", "target_priors", "cost_matrix")


def _check_wrapper_calibration(estimator, calibration):
    """Refuse calibration for a base that ``fit`` would train on its own data."""
    if calibration is None or isinstance(estimator, FrozenEstimator):
        return
    raise ValueError(
        f"`calibration={calibration!r}` needs held-out scores, but "
        f"LogitAdjustedClassifier fits `estimator` {type(estimator).__name__} on the "
        "data it would calibrate on, whose scores are over-confident. Use "
        f"LogitAdjustedClassifierCV(estimator, calibration={calibration!r}), which "
        "calibrates on out-of-fold scores, or fit the base model elsewhere and pass "
        "LogitAdjustedClassifier(FrozenEstimator(model), "
        f"calibration={calibration!r}).fit(X_heldout, y_heldout)."
    )


class _BaseLogitAdjusted(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
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
        "priors": [StrOptions(set(PRIORS)), "array-like", dict],
        "target_priors": [
            StrOptions({"auto", "uniform", "train", "estimate"}),
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
        "calibration": [StrOptions(set(_METHODS)), None],
    }

    def _check_fit_inputs(self, X, y, sample_weight):
        """Validate the targets and weights ``fit`` needs; ``X`` is the base's.

        Also resolves ``response_method_``, so that an estimator without any
        usable score fails before anything is fitted.
        """
        _check_base_estimator(self.estimator)
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

    def _target_priors(self):
        """``target_priors`` with ``"auto"`` resolved: ``"uniform"`` (the
        balanced error), or ``"train"`` with a cost matrix."""
        if _is_option(self.target_priors, "auto"):
            return "uniform" if self.cost_matrix is None else "train"
        return self.target_priors

    def _finish_fit(self, y, prior_weight, *, priors, target_priors, calibration=None,
                    trained=None):  # fmt: skip
        """Set the classes, priors, offset, costs and feature attributes.

        ``priors`` and ``target_priors`` are the parameters, possibly already
        keyed by label (see :func:`._validation._by_label`); ``calibration``
        a fitted :class:`._calibration._Calibration` or None; ``trained`` the
        prior the base was read to be trained under (:mod:`._family`), or
        None where the family's ``priors_ ** (1 - w)`` holds.
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
        if isinstance(priors, str):  # "train", or "auto" and "effective"
            self.priors_ = _train_priors(y_encoded, self.classes_, prior_weight)
        else:
            self.priors_ = _check_priors(priors, self.classes_)
        # The base method scores are read from, resolved once for prediction.
        self._score_source = _score_method(self.estimator_, self.response_method_)
        self.effective_priors_, self._prior_correction = _effective_priors(
            trained, self.classes_, self.priors_, self.weight_power_
        )
        self._set_log_offset(target_priors)
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(self.estimator_, name):
                setattr(self, name, getattr(self.estimator_, name))
        return self

    def _set_log_offset(self, target_priors):
        """Resolve ``target_priors_`` and the offset, and build the fast path."""
        self._log_offset = self._shifted_model = None
        # A prior correction goes into the offset, or, where a calibration map
        # or EM reads the base scores first, onto those scores (_scores).
        self._score_shift = self._prior_correction
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
        if self._score_shift is not None and self.calibration_ is None:
            self._log_offset = _corrected_offset(
                self.effective_priors_, self.priors_, self.weight_power_,
                self.tau_, self.target_priors_,
            )  # fmt: skip
            self._score_shift = None
        else:
            self._log_offset = _effective_offset(
                self.priors_, self.tau_, self.target_priors_
            )
        # The intercept cannot absorb a calibration map's temperature, nor the
        # -inf of a class never predicted.
        if (
            self._log_offset.any()
            and np.all(np.isfinite(self._log_offset))
            and self.calibration_ is None
            and _is_log_linear(self.estimator_)
        ):
            self._shifted_model = _shifted_log_linear(self.estimator_, self._log_offset)

    # -- prediction -----------------------------------------------------------

    def _check_is_fitted(self):
        """Refuse an unfitted estimator, as scikit-learn's ``check_is_fitted``.

        It looks at the state :meth:`_finish_fit` leaves instead of calling
        ``check_is_fitted``, which reads every tag of the base model: on a
        row or two that costs more than the prediction itself. Each public
        prediction method checks once, its helpers not again.
        """
        if not hasattr(self, "_score_source"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' "
                "with appropriate arguments before using this estimator."
            )

    def _offset_for(self, log_scores):
        """The offset to apply to this batch (estimating ``q`` if asked)."""
        if self._log_offset is not None:
            return self._log_offset
        q = _estimate_target_priors(log_scores, self._em_priors())
        with np.errstate(divide="ignore"):
            return -self.tau_ * np.log(self.priors_) + np.log(q)

    def _em_priors(self):
        """The prior the (calibrated) base posteriors are posteriors under.

        For a map whose class biases absorb the prior (BCTS), the mean
        calibrated posterior of the calibration data (``class_priors``).
        Otherwise the base's own: ``priors_`` at ``weight_power_ = 0``; for a
        family member fitted on rows weighted (or replicated) by ``priors_ **
        -w``, the class mass it was trained on, ``frequency * priors_ ** -w``
        normalised, where ``frequency`` is the training data's (the held-out
        data's for a map without biases), or EM reads the rebalancing as a
        shift.
        """
        calibration = self.calibration_
        if calibration is not None and calibration.absorbs_prior:
            return calibration.class_priors
        held_out = None if calibration is None else calibration.class_priors
        weight_power = self.weight_power_
        if held_out is None and weight_power == 0:
            return self.priors_
        frequency = self._train_frequencies if held_out is None else held_out
        if np.any(frequency == 0):
            # A class the base never saw: no rebalanced mass to start from.
            frequency = self.priors_
        if weight_power == 0:
            return frequency
        # exp(-w log pi) rather than pi ** -w: no overflow for tiny priors; a
        # class of prior 0 has no mass (frequency 0) to rebalance.
        log_pi = np.log(np.where(self.priors_ > 0, self.priors_, 1.0))
        trained = frequency * np.exp(-weight_power * log_pi)
        return trained / trained.sum()

    def _is_identity(self):
        """Whether the adjustment changes nothing (a constant offset, dropped)."""
        return (
            self._log_offset is not None
            and not self._log_offset.any()
            and self._score_shift is None
        )

    def _scores(self, X):
        """The canonical adjusted log-scores, their argmax and the base proba.

        Returns ``(scores, winners, proba)``: ``scores`` of shape
        (n_samples, n_classes) is a fresh array the caller may modify,
        ``winners`` its row-wise argmax (checked finite), ``proba`` the base
        model's ``predict_proba`` output when the scores were read from it.
        """
        if self._shifted_model is not None:
            # Log-linear fast path: the intercept already holds the offset.
            scores, proba = _base_log_scores(
                self._shifted_model, X, "decision_function"
            )
            return scores, _winners(scores, "decision_function"), proba
        method = self._score_source
        scores, proba = _base_log_scores(self.estimator_, X, method)
        if self._score_shift is not None:
            # The base as if trained under priors_ ** (1 - w) (see _finish_fit).
            scores += self._score_shift
        if self.calibration_ is not None:
            _winners(scores, method)
            scores = _apply_calibration(scores, self.calibration_, copy=False)
            proba = None
        if self._log_offset is None:
            # Bad base scores are reported as such, not as a failed EM.
            _winners(scores, method)
        offset = self._offset_for(scores)
        had_scores = None
        if np.isneginf(offset).any():
            # Classes ruled out: which rows the base gave something, for a
            # refusal that blames the right one (a pass only in this case).
            had_scores = np.isfinite(scores).any(axis=1)
        if offset.any():
            scores += offset
        return scores, _winners(scores, method, had_scores=had_scores), proba

    def _proba_fast_path(self, X):
        """``(proba, winners)`` by :func:`._adjust._proba_from_proba`, or None.

        Used when the scores come from ``predict_proba`` and the adjustment
        is not null (a null one returns the base probabilities as they are);
        its argmax is the canonical one, so the methods still agree.
        """
        method = self._score_source
        if (
            method != "predict_proba"
            or self._is_identity()
            or self.calibration_ is not None
            or self._score_shift is not None
        ):
            return None
        proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
        offset = self._log_offset
        if offset is None:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_proba = np.log(proba)
            _winners(log_proba, method)
            offset = self._offset_for(log_proba)
        return _proba_from_proba(proba, offset, method)

    def estimate_target_priors(self, X):
        """Estimate the deployment class prior ``q`` of a batch by EM.

        Under label shift (``p(x|y)`` fixed, class frequencies changed), the
        EM procedure of Saerens, Latinne & Decaestecker (2002) re-weights the
        base model's posteriors until the mean posterior matches the prior it
        assumes. ``target_priors="estimate"`` applies the same estimate to
        each batch it predicts; this method only returns it and stores
        nothing. It is only as good as the base model's calibration: with
        ``calibration`` set it runs on the calibrated scores. EM starts from
        the prior the posteriors are posteriors under: for ``"bcts"`` their
        mean over the calibration data; otherwise ``priors_``, or for a
        member with ``weight_power_ = w > 0`` the class mass it was trained
        on, the (training or held-out) class frequencies times ``priors_ **
        -w``, normalised.

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
        self._check_is_fitted()
        method = self._score_source
        log_scores, _ = _base_log_scores(self.estimator_, X, method)
        _winners(log_scores, method)
        if self._prior_correction is not None:
            log_scores += self._prior_correction
        return _estimate_target_priors(
            log_scores, self._em_priors(), calibration=self.calibration_
        )

    def predict(self, X):
        """Predict the class with the largest adjusted score.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples, as accepted by the base estimator.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``classes_[argmax_y log p(y|x) - tau * log(pi_y) + log(q_y)]``,
            the scores computed in log space. Where two classes' adjusted
            log-scores are exactly equal as computed in float64 (a tie that
            survives rounding, such as ``log(0.3) - log(0.3)``), the first
            in ``classes_`` order wins; scores that are equal only
            mathematically may round apart and are then not tied. Whatever
            the case, it is also the argmax of :meth:`predict_proba`,
            :meth:`predict_log_proba` and :meth:`decision_function`, row by
            row. With a ``cost_matrix``
            ``C`` that is not the 0-1 cost, it is instead the class of least
            expected cost, ``argmin_j sum_i C[i, j] p_q(i|x)`` with ``p_q``
            the :meth:`predict_proba` output (ties to the first class), and
            no longer their argmax.
        """
        self._check_is_fitted()
        if self.cost_matrix_ is not None:
            scores, winners, _ = self._scores(X)
            decisions = _cost_decisions(scores, self.cost_matrix_)
            return self.classes_[winners if decisions is None else decisions]
        fast = self._proba_fast_path(X)
        winners = self._scores(X)[1] if fast is None else fast[1]
        return self.classes_[winners]

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
            A class of base probability exactly 0 gets a finite score below
            every other, as scikit-learn's scorers need finite input.
        """
        self._check_is_fitted()
        scores, _, _ = self._scores(X)
        return _decision_from_scores(scores)

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
            Rows sum to one; a base probability of exactly 0 stays 0. Where
            rounding makes the predicted class's probability equal to
            another's, it is raised by one ulp, so that the argmax is always
            :meth:`predict`'s answer. A null adjustment (``tau=0``, or
            ``tau=1`` with ``target_priors="train"``) returns the base model's
            probabilities unchanged.
        """
        self._check_is_fitted()
        fast = self._proba_fast_path(X)
        if fast is not None:
            return fast[0]
        scores, winners, proba = self._scores(X)
        if (
            self._is_identity()
            and self.response_method_ == "predict_proba"
            and self.calibration_ is None
        ):
            # The base model's probabilities, bit for bit (tau=0, or tau=1 with
            # target_priors="train").
            if proba is None:
                proba = np.asarray(self.estimator_.predict_proba(X), dtype=np.float64)
            return _agree(proba, winners)
        return _proba_from_scores(scores, winners)

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
        self._check_is_fitted()
        scores, winners, _ = self._scores(X)
        return _proba_from_scores(scores, winners, log=True)

    # -- scikit-learn protocol ---------------------------------------------

    def __getstate__(self):
        # A parameter keyed by label may be a pandas object, which skops
        # cannot save: it is stored as plain lists and rebuilt on load.
        state = super().__getstate__()
        for name in _KEYED_PARAMETERS:
            if name in state:
                state[name] = _pandas_to_plain(state[name])
        return state

    def __setstate__(self, state):
        for name in _KEYED_PARAMETERS:
            if name in state:
                state[name] = _plain_to_pandas(state[name])
        super().__setstate__(state)

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


@_fill_doc
class LogitAdjustedClassifier(_BaseLogitAdjusted):
    """Post-hoc logit adjustment of a probabilistic classifier.

    Fits ``estimator`` as usual, then predicts

    ``argmax_y  log p(y|x) - tau * log(pi_y) + log(q_y)``

    where ``pi`` are the training class priors and ``q`` the deployment
    priors (uniform by default). With ``tau=1`` and uniform ``q`` this is the
    Bayes-optimal rule for the balanced error, the mean per-class error
    (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021,
    section 4). The base model is unchanged; only its scores are shifted.

    ``weight_power`` selects a member of the paper's consistent family
    (Theorem 1): the base model is fitted with sample weights
    ``pi_y ** -weight_power`` and the post-hoc offset shrinks to
    ``tau = 1 - weight_power``. ``weight_power=0`` is pure post-hoc adjustment,
    ``weight_power=1`` is ``class_weight="balanced"`` with no adjustment.
    With ``balance="resample"`` the same weights are realised by replicating
    rows instead, and ``weight_power=1`` is random oversampling.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``, ``predict_log_proba`` or (for
        log-linear models) ``decision_function``. It is cloned and fitted in
        :meth:`fit`. To adjust an already fitted model without refitting, wrap
        it in :class:`~sklearn.frozen.FrozenEstimator`; the priors then come
        from the ``y`` given to :meth:`fit` or from ``priors``.

    tau : float or "auto", default="auto"
        Strength of the adjustment. ``"auto"`` is the consistent choice
        ``1 - weight_power``, i.e. ``1.0`` unless ``weight_power`` is set.
        ``tau=0`` (with uniform ``target_priors``) returns the base model's
        probabilities exactly and predicts their argmax, which is the base's
        own ``predict`` wherever that is the argmax of its probabilities (not
        for ``SVC(probability=True)``, whose ``predict`` votes one-vs-one and
        disagrees with its probabilities on some rows). A number given
        explicitly is used as is, whatever ``weight_power``: set both to
        explore outside the consistent family.

    {priors}

    target_priors : {"auto", "uniform", "train", "estimate"} or array-like of \
            shape (n_classes,), default="auto"
        Deployment priors ``q``. ``"uniform"`` targets the balanced error (the
        paper's setting); ``"train"`` assumes no shift (with ``tau=1`` it
        reproduces the base model); ``"auto"`` is ``"uniform"``, or
        ``"train"`` with a ``cost_matrix`` (which already states what each
        error costs, at the data's class mix); an array, Series or dict is a
        known deployment prior, aligned and normalised like ``priors``, in
        which a class of prior 0 is never predicted.
        ``"estimate"`` estimates ``q`` from each batch given to a prediction
        method by the EM procedure of Saerens et al. (2002), as
        :meth:`estimate_target_priors` returns it; it needs at least two rows
        per call and is only as good as the base model's calibration.

    {response_method}

    weight_power : float in [0, 1], default=0.0
        Exponent ``w`` of the class-balancing weights ``pi_y ** -w``, realised
        as ``balance`` says.

    {balance}

    {random_state}

    {cost_matrix}

    {calibration}

        Only with a :class:`~sklearn.frozen.FrozenEstimator` base, whose
        ``(X, y)`` given to :meth:`fit` are then that held-out data (every
        class must be in it); any other base raises a ValueError, since its
        scores on its own training data are over-confident: use
        :class:`LogitAdjustedClassifierCV`, which calibrates on out-of-fold
        scores. It changes the probabilities and EM's estimate
        (``target_priors="estimate"``, :meth:`estimate_target_priors`); for
        argmax decisions a temperature amounts to a rescaled ``tau``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted base estimator.

    tau_ : float
        The adjustment strength in use (``tau`` resolved from ``"auto"``).

    weight_power_ : float
        The class-balancing exponent the base model was fitted with.

    balance_ : str or object
        How the class-balancing weights were realised (``balance``).

    {fitted_attributes}

    See Also
    --------
    LogitAdjustedClassifierCV : Tunes ``tau`` (and ``weight_power``) by
        cross-validation without refitting the base model per value.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from sklearn_la import LogitAdjustedClassifier
    >>> X, y = make_classification(n_samples=2000, weights=[0.95, 0.05],
    ...                            flip_y=0, class_sep=0.5, random_state=0)
    >>> base = LogisticRegression().fit(X, y)
    >>> clf = LogitAdjustedClassifier(LogisticRegression()).fit(X, y)
    >>> clf.priors_
    array([0.95, 0.05])
    >>> bool(balanced_accuracy_score(y, clf.predict(X))
    ...      > balanced_accuracy_score(y, base.predict(X)))
    True

    A cost matrix (a missed positive costs 20) moves the decisions, not the
    probabilities; a frozen model is calibrated on held-out data:

    >>> from sklearn.frozen import FrozenEstimator
    >>> costly = LogitAdjustedClassifier(
    ...     LogisticRegression(), cost_matrix=[[0, 1], [20, 0]]
    ... ).fit(X, y)
    >>> bool((costly.predict(X) == 1).mean() > (base.predict(X) == 1).mean())
    True
    >>> X_fit, y_fit, X_held, y_held = X[:1000], y[:1000], X[1000:], y[1000:]
    >>> frozen = FrozenEstimator(LogisticRegression().fit(X_fit, y_fit))
    >>> calibrated = LogitAdjustedClassifier(frozen, calibration="bcts").fit(
    ...     X_held, y_held)
    >>> calibrated.calibration_.method
    'bcts'
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "tau": [
            StrOptions({"auto"}),
            _NumberInterval(Real, None, None, closed="neither"),
        ],
        "balance": [
            StrOptions(set(BALANCES)),
            HasMethods(["fit_resample"]),
            BalancedBagging,
        ],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        tau="auto",
        priors="auto",
        target_priors="auto",
        response_method="auto",
        weight_power=0.0,
        balance="weight",
        random_state=None,
        cost_matrix=None,
        calibration=None,
    ):
        self.estimator = estimator
        self.tau = tau
        self.priors = priors
        self.target_priors = target_priors
        self.response_method = response_method
        self.weight_power = weight_power
        self.balance = balance
        self.random_state = random_state
        self.cost_matrix = cost_matrix
        self.calibration = calibration

    @_fit_context(
        # The base estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the base estimator and learn the class priors.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, validated by the base estimator.

        y : array-like of shape (n_samples,)
            Class labels (any hashable labels: ints, strings, categoricals).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, passed to the base estimator and used for
            the priors. With metadata routing enabled they reach the base only
            if it requests them (``set_fit_request``); the priors use them
            either way, or, when none are given here, the weights routed to
            the base under an alias.

        **fit_params : dict
            Passed to the base estimator's ``fit`` (through metadata routing
            when it is enabled).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        _check_wrapper_calibration(self.estimator, self.calibration)
        _check_family_base(self.estimator, [self.weight_power])
        reads_prior = _reads_prior(self.estimator, self.priors)
        routing = _route_fit_params(
            self,
            n_samples=len(y),
            sample_weight=sample_weight,
            fit_params=fit_params,
            needs_weights=self.weight_power > 0 and self.balance == "weight",
        )
        priors, y_encoded, pi = self._family_priors(y, routing)
        self.estimator_, seen = _fit_member(
            clone(self.estimator),
            X,
            y,
            y_encoded=y_encoded,
            priors=pi,
            weight_power=self.weight_power,
            balance=self.balance,
            random_state=check_random_state(self.random_state),
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=routing.sample_weight,
        )
        self.balance_ = self.balance
        self.weight_power_ = float(self.weight_power)
        self.tau_ = (
            _consistent_tau(self.weight_power_)
            if _is_option(self.tau, "auto")
            else float(self.tau)
        )
        member = (self.weight_power_, self.balance_)
        classes = np.unique(y)
        if seen.y_encoded is None:
            seen.y_encoded = _encode_labels(y, classes)
        trained = _member_prior(
            self.estimator_, seen, classes, member=member, deep=reads_prior,
            estimator=self.estimator, priors_param=self.priors,
        )  # fmt: skip
        calibration = None
        if self.calibration is not None:
            calibration = _fit_frozen_calibration(
                self.estimator_,
                X,
                y,
                self.estimator_.classes_,
                method=self.calibration,
                response_method=self.response_method_,
                sample_weight=routing.prior_weight,
            )
        return self._finish_fit(
            y,
            routing.prior_weight,
            priors=priors,
            target_priors=self._target_priors(),
            calibration=calibration,
            trained=trained,
        )

    def _family_priors(self, y, routing):
        """The priors parameter, and the encoded labels and priors of the family.

        With ``weight_power > 0`` the class-balancing weights need the priors
        before the base model exists, so an array ``priors`` is read in the
        order of the sorted labels and keyed by label from then on.
        """
        if self.weight_power == 0:
            return self.priors, None, None
        classes, y_encoded = np.unique(y, return_inverse=True)
        priors = _by_label(self.priors, classes, name="priors")
        if isinstance(priors, str):  # "train", or "auto" and "effective"
            pi = _train_priors(y_encoded, classes, routing.prior_weight)
        else:
            pi = np.array([priors[c] for c in _plain_list(classes)])
        return priors, y_encoded, pi
