"""The prediction methods of a fitted post-hoc estimator.

:class:`_PredictionMixin` reads the state that
:meth:`._base._BaseLogitAdjusted._finish_fit` sets (``estimator_``,
``priors_``, ``tau_``, ``calibration_``, the private offset ``_log_offset``
and the log-linear fast path ``_shifted_model``) and turns a batch into the
adjusted log-scores, their argmax and the probabilities, estimating the
deployment prior by EM per batch when asked. Every method derives from one
canonical score matrix and its argmax, so they agree. The maths lives in
:mod:`._adjust`.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._adjust import (
    _agree,
    _base_log_scores,
    _decision_from_scores,
    _proba_from_proba,
    _proba_from_scores,
    _score_method,
    _winners,
)
from ._calibration import _apply_calibration
from ._cost import _cost_decisions
from ._label_shift import _estimate_target_priors


class _PredictionMixin:
    """Prediction from the fitted state of a post-hoc estimator."""

    def _check_is_fitted(self):
        check_is_fitted(self)

    def _offset_for(self, log_scores):
        """The offset to apply to this batch (estimating ``q`` if asked)."""
        if self._log_offset is not None:
            return self._log_offset
        q = _estimate_target_priors(log_scores, self._em_priors())
        with np.errstate(divide="ignore"):
            return -self.tau_ * np.log(self.priors_) + np.log(q)

    def _em_priors(self):
        """The prior the (calibrated) base posteriors are posteriors under.

        With BCTS, the mean calibrated posterior of the calibration data
        (``class_priors``). Otherwise the base's own: ``priors_`` at
        ``weight_power_ = 0``; for a family member fitted on rows weighted (or
        replicated) by ``priors_ ** -w``, the class mass it was trained on,
        ``frequency * priors_ ** -w`` normalised, where ``frequency`` is the
        training data's (the held-out data's for a temperature), or EM
        reads the rebalancing as a shift.
        """
        calibration = self.calibration_
        held_out = None if calibration is None else calibration.class_priors
        if held_out is not None and calibration.bias is not None:
            return held_out
        weight_power = self.weight_power_
        if held_out is None and weight_power == 0:
            return self.priors_
        frequency = self._train_frequencies if held_out is None else held_out
        if np.any(frequency == 0):
            # A class the base never saw: no rebalanced mass to start from.
            frequency = self.priors_
        if weight_power == 0:
            return frequency
        # exp(-w log pi) rather than pi ** -w: no overflow for tiny priors.
        trained = frequency * np.exp(-weight_power * np.log(self.priors_))
        return trained / trained.sum()

    def _is_identity(self):
        """Whether the adjustment changes nothing (a constant offset, dropped)."""
        return self._log_offset is not None and not self._log_offset.any()

    def _scores(self, X):
        """The canonical adjusted log-scores, their argmax and the base proba.

        Returns ``(scores, winners, proba)``: ``scores`` of shape
        (n_samples, n_classes) is a fresh array the caller may modify,
        ``winners`` its row-wise argmax (checked finite), ``proba`` the base
        model's ``predict_proba`` output when the scores were read from it.
        """
        self._check_is_fitted()
        if self._shifted_model is not None:
            # Log-linear fast path: the intercept already holds the offset.
            scores, proba = _base_log_scores(
                self._shifted_model, X, "decision_function"
            )
            return scores, _winners(scores, "decision_function"), proba
        method = _score_method(self.estimator_, self.response_method_)
        scores, proba = _base_log_scores(self.estimator_, X, method)
        if self.calibration_ is not None:
            _winners(scores, method)
            scores = _apply_calibration(scores, self.calibration_, copy=False)
            proba = None
        if self._log_offset is None:
            # Bad base scores are reported as such, not as a failed EM.
            _winners(scores, method)
        offset = self._offset_for(scores)
        if offset.any():
            scores += offset
        return scores, _winners(scores, method), proba

    def _proba_fast_path(self, X):
        """``(proba, winners)`` by :func:`._adjust._proba_from_proba`, or None.

        Used when the scores come from ``predict_proba`` and the adjustment
        is not null (a null one returns the base probabilities as they are);
        its argmax is the canonical one, so the methods still agree.
        """
        self._check_is_fitted()
        method = _score_method(self.estimator_, self.response_method_)
        if (
            method != "predict_proba"
            or self._is_identity()
            or self.calibration_ is not None
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
        method = _score_method(self.estimator_, self.response_method_)
        log_scores, _ = _base_log_scores(self.estimator_, X, method)
        _winners(log_scores, method)
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
        scores, winners, _ = self._scores(X)
        return _proba_from_scores(scores, winners, log=True)
