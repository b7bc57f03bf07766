"""The fit steps of :class:`~sklearn_la.LogitAdjustedClassifierCV` around the search.

Checking the inputs, choosing the splits, routing fit's metadata (and which
family members the base can take) and refitting the chosen member: the class
in :mod:`._cv` keeps its parameters, ``fit`` and the scikit-learn protocol;
the CV loop itself lives in :mod:`._cv_search`.
"""

import numpy as np
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import RepeatedStratifiedKFold, check_cv
from sklearn.utils import check_random_state

from ._base import _is_option
from ._candidates import _candidate_grid
from ._cv_search import _fixed_priors, _scoring_name
from ._family import _check_family_base, _fit_member
from ._routing import _route_fit_params
from ._validation import _encode_labels


class _CVFitSteps:
    """Steps of ``LogitAdjustedClassifierCV.fit``, read from its parameters."""

    def _prepare_search(self, X, y, sample_weight, fit_params):
        """Checked data, the candidates, the routed metadata and the splits."""
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        taus, members = _candidate_grid(
            estimator=self.estimator,
            taus=self.taus,
            weight_powers=self.weight_powers,
            balances=self.balances,
        )
        _check_family_base(self.estimator, [w for w, _ in members])
        routing, members = self._route(sample_weight, fit_params, len(y), members)
        classes, splits = self._classes_and_splits(X, y, routing.split_params)
        return X, y, taus, members, routing, classes, splits

    def _report_choice(self):
        """The last line of ``verbose >= 1``: the chosen candidate."""
        print(
            f"[{type(self).__name__}] chose weight_power="
            f"{self.best_weight_power_:g}, balance={self.best_balance_}, "
            f"tau={self.best_tau_:g} "
            f"(mean {_scoring_name(self.scoring, self.cost_matrix)} "
            f"{self.best_score_:.4f})"
        )

    def _check_fit_inputs(self, X, y, sample_weight):
        # Checked before any data, like the other parameters.
        if _is_option(self.target_priors, "estimate"):
            raise ValueError(
                "target_priors='estimate' is not supported by "
                "LogitAdjustedClassifierCV: the deployment prior is only known at "
                "prediction time. Tune with another target_priors, then use "
                "LogitAdjustedClassifier(target_priors='estimate', tau=best_tau_)."
            )
        return super()._check_fit_inputs(X, y, sample_weight)

    def _classes_and_splits(self, X, y, split_params):
        """The full class set and the (train, test) splits."""
        if isinstance(self.estimator, FrozenEstimator):
            # A frozen model is the same in every fold: it is scored once on
            # all the data given, in its own class order.
            everything = np.arange(len(y))
            return np.asarray(self.estimator.classes_), [(everything, everything)]
        return np.unique(y), list(self._splitter(y).split(X, y, **split_params))

    def _route(self, sample_weight, fit_params, n_samples, members):
        """Route fit's metadata; drop the ``"weight"`` members if the base
        cannot receive weights but ``"resample"`` members realise ``w > 0``."""
        kwargs = dict(
            n_samples=n_samples, sample_weight=sample_weight, fit_params=fit_params
        )
        needs = any(w > 0 and b == "weight" for w, b in members)
        try:
            return _route_fit_params(self, needs_weights=needs, **kwargs), members
        except (TypeError, ValueError):
            if not needs or all(b == "weight" for _, b in members):
                raise
        # A failure unrelated to the family's weights is raised again here.
        routing = _route_fit_params(self, needs_weights=False, **kwargs)
        return routing, [(w, b) for w, b in members if w == 0 or b != "weight"]

    def _splitter(self, y=None):
        """``cv`` as a splitter; ``None`` is 5-fold stratified, repeated twice."""
        if self.cv is None:
            return RepeatedStratifiedKFold(
                n_splits=5, n_repeats=2, random_state=self.random_state
            )
        return check_cv(self.cv, y, classifier=True)

    def _refit(self, X, y, classes, routing, priors):
        """Fit the base model on all the data as the chosen family member."""
        y_encoded = _encode_labels(y, classes)
        return _fit_member(
            clone(self.estimator),
            X,
            y,
            y_encoded=y_encoded,
            priors=_fixed_priors(priors, classes, y_encoded, routing.prior_weight),
            weight_power=self.weight_power_,
            balance=self.balance_,
            random_state=check_random_state(self.random_state),
            fit_params=routing.fit_params,
            weight_key=routing.weight_key,
            sample_weight=routing.sample_weight,
        )
