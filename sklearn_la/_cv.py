"""Cross-validated post-hoc logit adjustment: tune tau without refitting."""

from numbers import Integral

from sklearn.base import _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metadata_routing import MethodMapping

from ._adjust import _score_method
from ._base import _BaseLogitAdjusted
from ._calibrated import _in_class_order
from ._candidates import WEIGHT_POWERS
from ._class_vectors import _by_label
from ._cv_search import _cross_validate
from ._cv_steps import _CVFitSteps
from ._docstrings import _fill_doc
from ._family import BALANCES
from ._selection import SELECTIONS, _summarise_cv
from ._validation import _NumberInterval


@_fill_doc
class LogitAdjustedClassifierCV(_CVFitSteps, _BaseLogitAdjusted):
    """Post-hoc logit adjustment tuned by cross-validation over the family.

    Searches the paper's consistent family (Menon et al., Theorem 1): base
    models fitted with class-balancing ``pi_y ** -w``, realised by weights or
    by resampling (``balance``), each adjusted post hoc by ``tau``. Post-hoc
    adjustment leaves the base model unchanged, so ``tau`` is tuned without
    refitting: the base model is fitted once per fold and family member
    ``(weight_power, balance)``, its out-of-fold log-scores are computed once,
    every ``tau`` is scored on them, and the base model is refitted once on
    all the data. With ``T`` values of tau this costs ``T`` times fewer fits
    than ``GridSearchCV(LogitAdjustedClassifier(...))``.

    The defaults are the recommendation: 9 members (``w`` in ``(0, .25, .5,
    .75, 1)`` by weights and by resampling; one member at ``w = 0``) x 23
    taus, 5-fold stratified CV repeated twice, the ``"paired"`` rule. That is
    9 x 10 + 1 = 91 fits of the base model, against 9 x 23 x 10 + 1 = 2071
    for ``GridSearchCV`` over the same candidates (23 times fewer).
    ``weight_powers="fast"`` with ``cv=5`` costs 5 x 5 + 1 = 26 fits.

    After :meth:`fit` it predicts exactly as a :class:`LogitAdjustedClassifier`
    with ``tau=best_tau_``, ``weight_power=best_weight_power_``,
    ``balance=best_balance_`` and the same ``random_state``.

    Parameters
    ----------
    estimator : estimator instance
        Classifier with ``predict_proba``, ``predict_log_proba`` or (for
        log-linear models) ``decision_function``. A
        :class:`~sklearn.frozen.FrozenEstimator` is never refitted: then every
        ``tau`` is scored on the whole ``(X, y)`` given to :meth:`fit`, which
        should be held-out data.

    taus : int or array-like of shape (n_taus,), default=21
        Candidate values of ``tau``. An int ``n`` means ``n`` values evenly
        spaced in ``[0, 2]`` (``0.1`` apart by default) plus the consistent
        ``1 - w`` of every weight power (``0.25`` and ``0.75`` by default).

    weight_powers : {"family", "fast"} or array-like of shape \
(n_weight_powers,), default="family"
        Candidate exponents ``w`` of the class-balancing ``pi_y ** -w`` (see
        :class:`LogitAdjustedClassifier`), each in ``[0, 1]``. ``"family"``
        is ``(0, 0.25, 0.5, 0.75, 1)``, ``"fast"`` is ``(0, 0.5, 1)``; with a
        :class:`~sklearn.frozen.FrozenEstimator` either means ``(0,)``, as a
        frozen model cannot be refitted. ``[0]`` tunes ``tau`` alone. Each
        value above 0 costs one fit per fold and balance.

    balances : {"weight", "resample"} or list of them, \
default=("weight", "resample")
        How the weights of ``w > 0`` are realised (see ``balance`` in
        :class:`LogitAdjustedClassifier`); each is a family member, so the
        search contains class weighting (``w = 1``, ``"weight"``) and random
        oversampling (``w = 1``, ``"resample"``), each with its consistent
        ``tau = 0``. At ``w = 0`` both are the same fit, searched once (as
        ``balance="weight"``). ``"weight"`` needs a base estimator whose
        ``fit`` takes ``sample_weight`` (and, with metadata routing, requests
        it): where the base cannot receive weights, the ``"weight"`` members
        are left out and resampling alone realises ``w > 0`` (an error if
        ``balances="weight"``). In each fold only the training rows are
        resampled, from a seed per split shared by all members.

    cv : int, cross-validation generator, iterable or None, default=None
        ``None`` is :class:`~sklearn.model_selection.RepeatedStratifiedKFold`
        with 5 splits repeated twice, shuffled by ``random_state``: on
        long-tailed data a single split's scores are noisy, and 10 splits
        picked better candidates on held-out data than 5 (see
        ``benchmarks/results/bench_family.md``). Otherwise as in
        :func:`~sklearn.model_selection.check_cv`; an int means
        :class:`~sklearn.model_selection.StratifiedKFold`. A class with fewer
        members than folds does not crash it (scikit-learn warns): it is
        missing from some training folds, whose models then score it ``-inf``
        (they cannot predict it), which is what such a model would do.

    scoring : str, callable or None, default=None
        Score to maximise: a scikit-learn scorer name, one of
        :func:`sklearn_la.metrics.get_scorer`'s long-tail names (e.g.
        ``"worst_class_accuracy"``, ``"few_shot_accuracy"``), or a callable
        ``scorer(estimator, X, y)`` such as
        :func:`sklearn_la.metrics.make_cost_scorer`'s. The estimator handed to
        the scorer replays cached scores and ignores ``X``; with a
        ``cost_matrix`` its ``predict`` follows the cost rule. ``None`` is
        ``"balanced_accuracy"``, or with a ``cost_matrix`` the negative
        expected cost at the deployment prior ``q`` (``target_priors``):
        ``sum_i q_i`` times the mean cost of the validation samples of class
        ``i``, the cost counterpart of balanced accuracy (with
        ``target_priors="train"``, the plain mean cost).

    selection : {"paired", "best", "one_se", "consistent"}, default="paired"
        How the candidate is chosen from the per-split CV scores.
        ``"paired"`` shrinks toward the family: it takes the best consistent
        candidate (``tau = 1 - w``) unless another candidate beats it by more
        than one standard error of their paired per-split differences.
        ``"best"`` is the plain argmax (as in ``GridSearchCV``);
        ``"one_se"`` keeps, among candidates within one standard error of the
        best, the one nearest ``tau = 1 - w``; ``"consistent"`` only
        considers ``tau = 1 - w``. The rules are compared on held-out data in
        ``benchmarks/results/bench_family.md``.

    refit : bool, default=True
        Refit the base model on all data with the chosen ``weight_power``.
        With ``False`` only the CV results are kept and the prediction methods
        are unavailable (as with ``GridSearchCV(refit=False)``).

    n_jobs : int, default=None
        Folds fitted in parallel through joblib; ``None`` means 1 unless in a
        :obj:`joblib.parallel_backend` context (a Dask or Ray backend
        distributes the folds over a cluster). Each fold's out-of-fold scores
        are scored as soon as its fit returns and then dropped, so the memory
        the tuner adds to the base model's is a few one-fold
        ``n_test x n_classes`` arrays, whatever the number of folds,
        weight powers and taus.

    verbose : int, default=0
        With ``verbose >= 1``, print one line per fitted fold and weight power
        as it returns (its fit time and the time to score every tau), and a
        last line with the chosen candidate. Silent by default.

    {priors}

        In each fold the training priors ``"train"`` are those of the fold.

    target_priors : {"uniform", "train"}, array-like of shape (n_classes,), \
pandas Series or dict, default="uniform"
        Deployment priors ``q``, as in :class:`LogitAdjustedClassifier`.
        ``"estimate"`` is refused at :meth:`fit`, since ``q`` is only known at
        prediction time; :meth:`estimate_target_priors` still works on the
        fitted estimator.

    {response_method}

    {cost_matrix}

        ``tau`` is tuned with the cost rule in the loop, by default on the
        expected cost (see ``scoring``).

    calibration : {"temperature", "bcts"} or None, default=None
        Calibrate the base log-scores ``z`` before adjustment: temperature
        scaling (``z / T``) or bias-corrected temperature scaling (``z / T +
        b``, Alexandari et al., ICML 2020; a prior of one nat on each bias),
        fitted on each member's pooled out-of-fold scores; every ``tau`` is
        scored on the calibrated scores, and the chosen member's map is kept
        as ``calibration_``, applied in every prediction method and before EM
        (:meth:`estimate_target_priors`). A class of one training row has no
        out-of-fold score from a model that saw it: the map is then the
        identity, with a warning. A temperature changes no tuned argmax
        (``z / T - tau * log(pi)`` ranks classes as ``z - T * tau *
        log(pi)``), but it changes the probabilities, the cost rule and EM's
        estimate. It keeps the out-of-fold scores until they are calibrated:
        ``n_samples x n_classes x n_members`` floats (without it none are).

    random_state : int, RandomState instance or None, default=None
        Seeds the default ``cv``'s shuffling and the row draws of
        ``"resample"`` members (one seed per split, and the refit's draws as
        :class:`LogitAdjustedClassifier` with this ``random_state``). Pass an
        int for reproducible results. The base model has its own.

    Attributes
    ----------
    best_tau_ : float
        Chosen ``tau``; also ``tau_``.

    best_weight_power_ : float
        Chosen ``weight_power``; also ``weight_power_``.

    best_balance_ : str
        Chosen ``balance``, ``"weight"`` or ``"resample"``; also ``balance_``.

    best_score_ : float
        Mean CV score of the chosen candidate.

    best_index_ : int
        Index of the chosen candidate in ``cv_results_``.

    cv_results_ : dict of ndarrays
        ``param_weight_power``, ``param_balance``, ``param_tau``, ``params``,
        ``split{k}_test_score``, ``mean_test_score``, ``std_test_score`` and
        ``rank_test_score``, one entry per (weight_power, balance, tau)
        candidate, ordered member-major, tau-minor.

    estimator_ : estimator instance
        The base estimator refitted on all the data (only with
        ``refit=True``).

    tau_ : float
        Same as ``best_tau_``.

    weight_power_ : float
        Same as ``best_weight_power_``.

    balance_ : str
        Same as ``best_balance_``.

    {fitted_attributes}

    See Also
    --------
    LogitAdjustedClassifier : Post-hoc adjustment with a fixed ``tau``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_la import LogitAdjustedClassifierCV
    >>> X, y = make_classification(n_samples=1000, n_classes=3, n_informative=4,
    ...                            weights=[0.8, 0.15, 0.05], random_state=0)
    >>> clf = LogitAdjustedClassifierCV(LogisticRegression(), random_state=0)
    >>> clf.fit(X, y).cv_results_["param_tau"].shape  # 9 members x 23 taus
    (207,)
    >>> clf.best_balance_ in ("weight", "resample")
    True
    >>> bool(clf.best_tau_ == clf.tau_)
    True

    With a cost matrix (missing the rarest class costs 10) ``tau`` is tuned
    on the expected cost; calibration is fitted on out-of-fold scores:

    >>> costs = [[0, 1, 1], [1, 0, 1], [10, 10, 0]]
    >>> clf = LogitAdjustedClassifierCV(LogisticRegression(), cv=3,
    ...                                 cost_matrix=costs, calibration="bcts",
    ...                                 random_state=0).fit(X, y)
    >>> clf.cost_matrix_[2]
    array([10., 10.,  0.])
    >>> clf.estimate_target_priors(X).round(2)  # class frequencies .795 .154 .051
    array([0.8 , 0.16, 0.05])
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "taus": [_NumberInterval(Integral, 1, None, closed="left"), "array-like"],
        "weight_powers": [StrOptions(set(WEIGHT_POWERS)), "array-like"],
        "balances": [StrOptions(set(BALANCES)), "array-like"],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "selection": [StrOptions(set(SELECTIONS))],
        "refit": ["boolean"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }
    _parameter_constraints.pop("weight_power")

    def __init__(
        self,
        estimator,
        *,
        taus=21,
        weight_powers="family",
        balances=("weight", "resample"),
        cv=None,
        scoring=None,
        selection="paired",
        refit=True,
        n_jobs=None,
        verbose=0,
        priors="train",
        target_priors="uniform",
        response_method="auto",
        cost_matrix=None,
        calibration=None,
        random_state=None,
    ):
        self.estimator = estimator
        self.taus = taus
        self.weight_powers = weight_powers
        self.balances = balances
        self.cv = cv
        self.scoring = scoring
        self.selection = selection
        self.refit = refit
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.priors = priors
        self.target_priors = target_priors
        self.response_method = response_method
        self.cost_matrix = cost_matrix
        self.calibration = calibration
        self.random_state = random_state

    def __sklearn_is_fitted__(self):
        # cv_results_ alone (refit=False) does not make it able to predict.
        return hasattr(self, "estimator_")

    @_fit_context(
        # The base estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Cross-validate ``tau`` (and ``weight_power``), then refit once.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, validated by the base estimator.

        y : array-like of shape (n_samples,)
            Class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights for the base estimator's fits and the priors
            (see :meth:`LogitAdjustedClassifier.fit` for routing).

        **fit_params : dict
            Passed to the base estimator's ``fit`` (and, with metadata routing
            enabled, to the CV splitter, e.g. ``groups``).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, taus, members, routing, classes, splits = self._prepare_search(
            X, y, sample_weight, fit_params
        )
        priors = _by_label(self.priors, classes, name="priors")
        target = _by_label(self.target_priors, classes, name="target_priors")
        scores, calibrations = _cross_validate(
            self.estimator,
            X,
            y,
            classes=classes,
            splits=splits,
            taus=taus,
            members=members,
            routing=routing,
            priors=priors,
            target=target,
            response_method=_score_method(self.estimator, self.response_method_),
            calibration=self.calibration,
            cost_matrix=self.cost_matrix,
            scoring=self.scoring,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            random_state=self.random_state,
        )
        summary = _summarise_cv(
            scores, taus, members, selection=self.selection, scoring=self.scoring
        )
        self.cv_results_ = summary.cv_results
        for name in ("index", "tau", "weight_power", "balance", "score"):
            setattr(self, f"best_{name}_", summary[f"best_{name}"])
        if self.verbose > 0:
            self._report_choice()
        if not self.refit:
            return self
        self.tau_ = self.best_tau_
        self.weight_power_ = self.best_weight_power_
        self.balance_ = self.best_balance_
        self.estimator_ = self._refit(X, y, classes, routing, priors)
        return self._finish_fit(
            y,
            routing.prior_weight,
            priors=priors,
            target_priors=target,
            calibration=_in_class_order(
                calibrations.get((self.best_weight_power_, self.best_balance_)),
                classes,
                self.estimator_.classes_,
            ),
        )

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            ``fit``'s ``sample_weight`` is consumed by this estimator (for the
            priors); fit params go to the base estimator's ``fit`` and to the
            CV splitter's ``split`` when they request them.
        """
        return (
            super()
            .get_metadata_routing()
            .add(
                splitter=self._splitter(),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )
