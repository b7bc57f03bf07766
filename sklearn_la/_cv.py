"""Cross-validated post-hoc logit adjustment: the family searched by a race.

:class:`LogitAdjustedClassifierCV` tunes the adjustment ``tau`` and the family
member ``(weight_power, balance)`` of Menon et al. (2021), Theorem 1, by
cross-validation. Post-hoc adjustment leaves the base model unchanged, so a
member is fitted once per split and every ``tau`` is scored on its
out-of-fold log-scores: the cost of the search is its fits, one per member
and split. This module holds the whole search:

- the candidates (:func:`_candidate_grid`): the tau grid and the members;
- the worker (:func:`_fit_and_score`): one member fitted on one split's
  training rows, every tau scored on its test rows. Module-level, with
  keyword-only arguments and everything it needs passed in, so joblib can
  ship it to other processes (as scikit-learn's ``_fit_and_score``);
- the schedule (:func:`_rungs`) and the loop (:func:`_run_search`):
  ``search="race"`` is successive halving over splits (Karnin, Koren &
  Somekh, ICML 2013; scikit-learn's ``HalvingGridSearchCV`` spends samples,
  this spends splits): every member on the first split, the best third on
  three, the best two on five (a whole 5-fold partition), where the
  selection rule decides. Members are ranked by the candidate the selection
  rule picks among their own taus, so every rung compares what the last one
  would choose. ``search="exhaustive"`` fits every member on every split;
- scoring many taus at once (:func:`_score_taus`,
  :func:`_balanced_accuracy_over_taus`) and ``cv_results_`` in
  ``GridSearchCV``'s layout (:func:`_cv_results`).

The selection rules themselves live in :mod:`._selection`.
"""

import time
import warnings
from numbers import Integral

import numpy as np
from joblib import effective_n_jobs
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import get_scorer as _sklearn_scorer
from sklearn.model_selection import RepeatedStratifiedKFold, check_cv
from sklearn.utils import Bunch, _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.metadata_routing import MethodMapping
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params

from ._adjust import (
    _base_log_scores,
    _decision_from_scores,
    _effective_offsets,
    _proba_from_scores,
    _score_method,
    _winners,
)
from ._calibration import _calibrate_out_of_fold, _in_class_order
from ._cost import _cost_decisions, _deployment_cost_scorer
from ._docstrings import _fill_doc
from ._family import (
    _MAX_SEED,
    BALANCES,
    NAMED_BALANCES,
    BalancedBagging,
    _balance_entries,
    _balance_name,
    _check_family_base,
    _corrected_offset,
    _effective_priors,
    _fit_member,
    _member_fits,
    _member_prior,
    _named_balances,
    _reads_prior,
)
from ._posthoc import _BaseLogitAdjusted
from ._routing import _can_take_weights, _route_fit_params
from ._selection import SELECTIONS, _nan_stats, _select_candidate
from ._validation import (
    _by_label,
    _check_cost_matrix,
    _check_grid,
    _class_priors,
    _encode_labels,
    _is_option,
    _NumberInterval,
    _plain_list,
    _short_repr,
    _train_priors,
)

# The named candidate sets of ``weight_powers``.
WEIGHT_POWERS = {"family": (0.0, 0.25, 0.5, 0.75, 1.0), "fast": (0.0, 0.5, 1.0)}
SEARCHES = ("race", "exhaustive")
# The race: splits scored by each rung (the last is one whole 5-fold
# partition of the default cv), and the members kept for the last rung.
_RACE_SPLITS = (1, 3, 5)
_FINALISTS = 2
# Elements of the (taus, rows, classes) block added at once: 8 MiB of float64,
# so that scoring a large fold never needs more than about one n x K array.
_CHUNK_ELEMENTS = 1 << 20


@_fill_doc
class LogitAdjustedClassifierCV(_BaseLogitAdjusted):
    """Post-hoc logit adjustment tuned by cross-validation over the family.

    Searches the paper's consistent family (Menon et al., Theorem 1): base
    models fitted with class-balancing ``pi_y ** -w``, realised by weights or
    by resampling (``balance``), each adjusted post hoc by ``tau``. Post-hoc
    adjustment leaves the base model unchanged, so ``tau`` is tuned without
    refitting: a member ``(weight_power, balance)`` is fitted once per split,
    every ``tau`` is scored on its out-of-fold log-scores, and the chosen
    member is refitted once on all the data.

    The default is the recommendation, at about the cost of one
    cross-validation: 9 members (``w`` in ``(0, .25, .5, .75, 1)`` by
    weights and by resampling; one member at ``w = 0``) x 23 taus, raced
    over the splits of a 5-fold stratified CV (``search="race"``): every
    member on the first split, the best 3 on three splits, the best 2 on
    all five, and the ``"paired"`` rule picks among the finalists'
    candidates. That is 9 + 6 + 4 + 1 = 20 fits of the base model, where
    fitting every member on every split of the default 5-fold CV repeated
    twice (``search="exhaustive"``) costs 9 x 10 + 1 = 91 and
    ``GridSearchCV`` over the same candidates 9 x 23 x 10 + 1 = 2071. On
    ``benchmarks/results/bench_family.md`` the race picks candidates whose
    held-out balanced accuracy is, on average, that of the exhaustive
    search.

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

    weight_powers : {"auto", "family", "fast"} or array-like of shape \
(n_weight_powers,), default="auto"
        Candidate exponents ``w`` of the class-balancing ``pi_y ** -w`` (see
        :class:`LogitAdjustedClassifier`), each in ``[0, 1]``. ``"family"``
        is ``(0, 0.25, 0.5, 0.75, 1)``, ``"fast"`` is ``(0, 0.5, 1)``.
        ``"auto"`` is ``"family"``, or ``(0,)`` for a
        :class:`~sklearn.frozen.FrozenEstimator`, which cannot be refitted
        (any ``w > 0`` with a frozen base is refused). ``[0]`` tunes ``tau``
        alone.

    balances : {"auto", "imblearn", "weight", "resample"}, imbalanced-learn \
sampler, :class:`BalancedBagging` or list of them, default="auto"
        How the weights of ``w > 0`` are realised (see ``balance`` in
        :class:`LogitAdjustedClassifier`); each is a family member, so the
        search contains class weighting (``w = 1``, ``"weight"``) and random
        oversampling (``w = 1``, ``"resample"``), each with its consistent
        ``tau = 0``. At ``w = 0`` both are the same fit, searched once (under
        the first of ``balances``). ``"weight"`` needs a base estimator whose
        ``fit`` takes ``sample_weight`` (and, with metadata routing, requests
        it); asking for it with a base that cannot is refused. ``"auto"`` is
        ``("weight", "resample")``, or ``("resample",)`` for such a base. In
        each split only the training rows are resampled, from a seed per
        split shared by all members. An imbalanced-learn sampler (``SMOTE()``)
        or a :class:`BalancedBagging` is a member like the others, adjusted
        from the class counts it produced; ``cv_results_`` names it by its
        class (``"SMOTE"``, or its repr when its parameters are set), and a
        bag of ``n`` base models counts ``n`` fits in ``n_fits_``. An entry
        may also be a pair ``(balance, weight_powers)``: that member is
        searched at its own weight powers only. ``"imblearn"`` (it needs
        imbalanced-learn) is ``"auto"``'s members, plus ``SMOTE()`` at ``w``
        in ``(0.5, 1)`` and ``BalancedBagging(n_estimators=3)`` at ``w = 1``:
        12 members, raced at 27 to 37 fits of the base model with the
        default ``cv`` (the bag costs 3 per split it runs on), against 20 for
        the default. ``benchmarks/results/bench_family.md`` compares them.

    search : {"race", "exhaustive"}, default="race"
        How the members are spent fits on. ``"race"`` is successive halving
        over the splits: every member is scored on the first split, the best
        third (rounded up; skipped when that is 2 or fewer) on the first three,
        and the best two on the first five, where ``selection`` chooses among
        their candidates; a member is ranked by the candidate ``selection``
        picks among its own taus, and ties keep the member listed first
        (lower ``w``, then the order of ``balances``). With ``M`` members it
        costs ``M + 2 * ceil(M / 3) + 4`` fits plus the refit (``M + 8`` when
        ``ceil(M / 3) <= 2``; with two or fewer members, two or fewer times
        five), and never uses more than the first five splits of ``cv``.
        ``"exhaustive"`` scores every member on every split, as before this
        option existed: with the default ``cv``, 10 fits per member.

    cv : int, cross-validation generator, iterable or None, default=None
        ``None`` is :class:`~sklearn.model_selection.RepeatedStratifiedKFold`
        with 5 splits repeated twice, shuffled by ``random_state`` (the race
        uses its first five splits, one 5-fold partition). Otherwise as in
        :func:`~sklearn.model_selection.check_cv`; an int means
        :class:`~sklearn.model_selection.StratifiedKFold`. A class with fewer
        members than folds is handled on purpose (without scikit-learn's
        warning about it): it is missing from some training folds, whose
        models then score it ``-inf`` (they cannot predict it), which is
        what such a model would do; a training fold of a single class
        predicts that class without a fit.

    scoring : str, callable or None, default=None
        Score to maximise: a scikit-learn scorer name, one of
        :func:`sklearn_la.metrics.get_scorer`'s long-tail names (e.g.
        ``"worst_class_accuracy"``, ``"few_shot_accuracy"``), or a callable
        ``scorer(estimator, X, y)`` returning one number, such as
        :func:`sklearn_la.metrics.make_cost_scorer`'s. The estimator handed
        to the scorer replays cached scores and ignores ``X``; with a
        ``cost_matrix`` its ``predict`` follows the cost rule. ``None`` is
        ``"balanced_accuracy"``, or with a ``cost_matrix`` the negative
        expected cost at the deployment prior ``q`` (``target_priors``):
        ``sum_i q_i`` times the mean cost of the validation samples of class
        ``i``; with ``target_priors="train"`` (what ``"auto"`` means with a
        cost matrix) the plain mean cost, with ``"uniform"`` the
        class-balanced cost, the cost counterpart of balanced accuracy.
        Without a cost matrix, a ``target_priors`` other than ``"uniform"``
        is scored the same way with the 0-1 cost, the negative error at
        ``q`` (with ``"train"``, minus the error rate): balanced accuracy
        would tune ``tau`` back to the balanced decision and undo it.

    selection : {"paired", "best", "one_se", "consistent"}, default="paired"
        How the candidate is chosen from the per-split CV scores.
        ``"paired"`` shrinks toward the family: it takes the best consistent
        candidate (``tau = 1 - w``) unless another candidate beats it by more
        than one standard error of their paired per-split differences.
        ``"best"`` is the plain argmax (as in ``GridSearchCV``);
        ``"one_se"`` keeps, among candidates within one standard error of the
        best, the one nearest ``tau = 1 - w``; ``"consistent"`` only
        considers ``tau = 1 - w`` (a ``taus`` array without the ``1 - w`` of
        every weight power is refused). With such an array, ``"paired"``
        takes its best consistent candidate among the members whose
        ``1 - w`` it has, and the plain best when none has. The rules are
        compared on held-out data in ``benchmarks/results/bench_family.md``.

    refit : bool, default=True
        Refit the base model on all data as the chosen member. With
        ``False`` only the CV results are kept and the prediction methods
        refuse to run (as with ``GridSearchCV(refit=False)``).

    n_jobs : int, default=None
        Fits of one rung run in parallel through joblib; ``None`` means 1
        unless in a :obj:`joblib.parallel_backend` context (a Dask or Ray
        backend distributes them over a cluster). Each split's out-of-fold
        scores are scored where they are computed and dropped, so the memory
        the tuner adds to the base model's is a few one-split
        ``n_test x n_classes`` arrays, whatever the number of splits,
        members and taus.

    verbose : int, default=0
        With ``verbose >= 1``, print the plan (fits per rung), a line per fit
        as it returns (``k/N`` fits done, its fit and scoring time, and an
        estimate of the time left from the fit times of the members still
        racing), the members dropped at each rung with their scores, and the
        chosen candidate. Fits are counted as ``n_fits_`` counts them, in
        fits of the base model: a :class:`BalancedBagging` member's fit is
        its ``n_estimators`` fits, and with such members ``N`` is an upper
        bound, tightened at each rung. A frozen base is only scored: a line
        per member, no ``k/N``. Silent by default.

    {priors}

        In each split the training priors ``"train"`` are those of the
        split's training rows.

    target_priors : {"auto", "uniform", "train"}, array-like of shape \
(n_classes,), pandas Series or dict, default="auto"
        Deployment priors ``q``, as in :class:`LogitAdjustedClassifier`:
        ``"auto"`` is ``"uniform"`` (the balanced error), or ``"train"`` with a
        ``cost_matrix``.
        ``"estimate"`` is not an option here, since ``q`` is only known at
        prediction time: tune with a known prior, then use
        :meth:`estimate_target_priors`, or
        ``LogitAdjustedClassifier(target_priors="estimate", ...)`` with the
        chosen parameters.

    {response_method}

    {cost_matrix}

        ``tau`` is tuned with the cost rule in the loop, by default on the
        expected cost (see ``scoring``).

    {calibration}

        Here the map is fitted on each member's pooled out-of-fold scores (in
        a race, each finalist's, on its five splits: earlier rungs rank the
        members on uncalibrated scores); every ``tau`` is scored on the
        calibrated scores, and the chosen member's map is kept as
        ``calibration_``, applied in every prediction method
        and before EM (:meth:`estimate_target_priors`). A class of one
        training row has no out-of-fold score from a model that saw it: the
        map is then the identity, with a warning. A temperature changes no
        tuned argmax (``z / T - tau * log(pi)`` ranks classes as ``z - T *
        tau * log(pi)``), but it changes the probabilities, the cost rule and
        EM's estimate. It keeps the out-of-fold scores of the members still
        racing until they are calibrated: up to ``n_samples x n_classes``
        floats per member and repeat of the splits (without it none are).

    random_state : int, RandomState instance or None, default=0
        Seeds the default ``cv``'s shuffling and the row draws of
        ``"resample"`` members (one seed per split, and the refit's draws as
        :class:`LogitAdjustedClassifier` with this ``random_state``). The
        default, a fixed seed as in LightGBM and XGBoost, makes two fits of
        the same data give the same answer; pass another int to draw other
        splits, or ``None`` for numpy's global generator. The base model has
        its own.

    Attributes
    ----------
    best_tau_ : float
        Chosen ``tau``; also ``tau_``.

    best_weight_power_ : float
        Chosen ``weight_power``; also ``weight_power_``.

    best_balance_ : str or object
        Chosen ``balance``: ``"weight"``, ``"resample"``, or the sampler or
        :class:`BalancedBagging` given in ``balances``; also ``balance_``.

    best_score_ : float
        Mean CV score of the chosen candidate, over the splits it was scored
        on.

    best_params_ : dict
        The chosen candidate as in ``GridSearchCV``: ``{"weight_power": ...,
        "balance": ..., "tau": ...}``, parameters of
        :class:`LogitAdjustedClassifier` (a ``"resample"`` member's rows are
        drawn from the CV estimator's own ``random_state``).

    scoring_name_ : str
        What ``mean_test_score`` measures: the name of ``scoring``, or of
        what ``scoring=None`` scores here (``"balanced_accuracy"``, or the
        negated expected cost or error at ``target_priors``). Printed by
        ``verbose`` and on :class:`~sklearn_la.metrics.TauCurveDisplay`'s
        axis.

    best_index_ : int
        Index of the chosen candidate in ``cv_results_``. It is the candidate
        ``selection`` picked, which need not be ranked 1: ``rank_test_score``
        orders the mean scores, and the default ``"paired"`` rule keeps the
        consistent ``tau = 1 - w`` unless another candidate beats it by one
        standard error of the paired differences.

    cv_results_ : dict of ndarrays
        In ``GridSearchCV``'s layout, one entry per (weight_power, balance,
        tau) candidate, ordered member-major, tau-minor:
        ``param_weight_power``, ``param_balance``, ``param_tau``,
        ``params``, ``split{k}_test_score`` (NaN for a split the candidate's
        member was not scored on: a member dropped from the race has scores
        only for the splits it ran), ``mean_test_score`` and
        ``std_test_score`` (over the splits scored), ``rank_test_score``
        (candidates of the last rung first, then those dropped at the rung
        before, and so on; within a rung by mean score, equal scores sharing
        the lowest rank as in ``GridSearchCV``; NaN last), ``n_splits`` (the
        splits scored), ``iter`` (the last rung the candidate ran in, from
        0), and ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
        ``std_score_time`` (seconds per split: the member's fit and
        out-of-fold scores, and scoring one tau).

    n_fits_ : int
        Fits of the base model made by :meth:`fit`, the refit included (a
        training fold of a single class is not fitted, and not counted).

    estimator_ : estimator instance
        The base estimator refitted on all the data (only with
        ``refit=True``).

    refit_time_ : float
        Seconds used to refit the chosen member on all the data, as in
        ``GridSearchCV`` (only with ``refit=True``).

    tau_ : float
        Same as ``best_tau_``.

    weight_power_ : float
        Same as ``best_weight_power_``.

    balance_ : str or object
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
    >>> clf = LogitAdjustedClassifierCV(LogisticRegression()).fit(X, y)
    >>> clf.cv_results_["param_tau"].shape  # 9 members x 23 taus
    (207,)
    >>> clf.n_fits_  # 9 + 6 + 4 raced, 1 refit
    20
    >>> clf.best_balance_ in ("weight", "resample")
    True
    >>> bool(clf.best_tau_ == clf.tau_)
    True

    With a cost matrix (missing the rarest class costs 10) ``tau`` is tuned
    on the expected cost; calibration is fitted on out-of-fold scores:

    >>> costs = [[0, 1, 1], [1, 0, 1], [10, 10, 0]]
    >>> clf = LogitAdjustedClassifierCV(LogisticRegression(), cv=3,
    ...                                 cost_matrix=costs, calibration="bcts"
    ...                                 ).fit(X, y)
    >>> clf.cost_matrix_[2]
    array([10., 10.,  0.])
    >>> clf.estimate_target_priors(X).round(1)  # class frequencies .795 .154 .051
    array([0.8, 0.2, 0.1])
    """

    _parameter_constraints: dict = {
        **_BaseLogitAdjusted._parameter_constraints,
        "taus": [_NumberInterval(Integral, 1, None, closed="left"), "array-like"],
        "weight_powers": [StrOptions({"auto", *WEIGHT_POWERS}), "array-like"],
        "balances": [
            StrOptions({"auto", *BALANCES, *NAMED_BALANCES}),
            "array-like",
            HasMethods(["fit_resample"]),
            BalancedBagging,
        ],
        "search": [StrOptions(set(SEARCHES))],
        "cv": ["cv_object"],
        "scoring": [str, callable, None],
        "selection": [StrOptions(set(SELECTIONS))],
        "refit": ["boolean"],
        # joblib gives 0 no meaning; -1 is every core, as in scikit-learn.
        "n_jobs": [
            _NumberInterval(Integral, None, -1, closed="right"),
            _NumberInterval(Integral, 1, None, closed="left"),
            None,
        ],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        # q is only known at prediction time: no "estimate" here.
        "target_priors": [
            StrOptions({"auto", "uniform", "train"}),
            "array-like",
            dict,
        ],
    }
    _parameter_constraints.pop("weight_power")

    def __init__(
        self,
        estimator,
        *,
        taus=21,
        weight_powers="auto",
        balances="auto",
        search="race",
        cv=None,
        scoring=None,
        selection="paired",
        refit=True,
        n_jobs=None,
        verbose=0,
        priors="auto",
        target_priors="auto",
        response_method="auto",
        cost_matrix=None,
        calibration=None,
        random_state=0,
    ):
        self.estimator = estimator
        self.taus = taus
        self.weight_powers = weight_powers
        self.balances = balances
        self.search = search
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

    def _check_is_fitted(self):
        if hasattr(self, "cv_results_") and not hasattr(self, "estimator_"):
            raise NotFittedError(
                f"This {type(self).__name__} was fitted with refit=False: it holds "
                "cv_results_ and the best_* attributes, but no refitted model to "
                "predict with. Fit it with refit=True, or fit "
                "LogitAdjustedClassifier(estimator, tau=best_tau_, "
                "weight_power=best_weight_power_, balance=best_balance_)."
            )
        super()._check_is_fitted()

    @_fit_context(
        # The base estimator's parameters are validated by its own fit.
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Race (or search) the family's candidates, then refit once.

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
            Passed to the base estimator's ``fit``; ``groups`` goes to the CV
            splitter (as in ``GridSearchCV``). With metadata routing enabled,
            each goes where it is requested.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y, sample_weight = self._check_fit_inputs(X, y, sample_weight)
        frozen = isinstance(self.estimator, FrozenEstimator)
        fit_params = dict(fit_params)
        split_params = {}
        if not get_config()["enable_metadata_routing"] and "groups" in fit_params:
            # As GridSearchCV: without routing, groups are the splitter's.
            split_params = {"groups": fit_params.pop("groups")}
        taus, members = _candidate_grid(
            taus=self.taus,
            weight_powers=self._weight_powers(),
            balances=self._balances(),
        )
        if self.selection == "consistent":
            _check_consistent_taus(taus, members)
        _check_family_base(self.estimator, [w for w, _ in members])
        reads_prior = _reads_prior(self.estimator, self.priors)
        routing = _route_fit_params(
            self,
            n_samples=len(y),
            sample_weight=sample_weight,
            fit_params=fit_params,
            needs_weights=any(w > 0 and b == "weight" for w, b in members),
        )
        if frozen:
            # A frozen model is the same in every split: it is scored once,
            # on all the data given, in its own class order.
            classes = np.asarray(self.estimator.classes_)
            everything = np.arange(len(y))
            splits = [(everything, everything)]
        else:
            classes = np.unique(y)
            splits = self._splits(X, y, split_params or routing.split_params)
        priors = _by_label(self.priors, classes, name="priors")
        target = _by_label(self._target_priors(), classes, name="target_priors")
        cost = None
        if self.cost_matrix is not None:
            cost = _check_cost_matrix(self.cost_matrix, classes)
        search = _run_search(
            self.estimator,
            X,
            y,
            classes=classes,
            splits=splits,
            taus=taus,
            members=members,
            rungs=_rungs(len(members), len(splits), self.search),
            routing=routing,
            priors=None
            if isinstance(priors, str)  # "train", or "auto" and "effective"
            else _class_vector(priors, classes),
            target=_class_vector(target, classes),
            response_method=_score_method(self.estimator, self.response_method_),
            calibration=self.calibration,
            cost_matrix=cost,
            scoring=self.scoring,
            selection=self.selection,
            n_jobs=self.n_jobs,
            verbose=self.verbose,
            random_state=self.random_state,
            refit=self.refit,
            read_prior=self.priors if reads_prior else None,
        )
        if search.unseen:
            # Said once, here, so that it points at the user's call of fit.
            warnings.warn(
                f"`calibration={self.calibration!r}` was not applied: class(es) "
                f"{search.unseen!r} were scored out-of-fold only by models trained "
                "without them (a class needs at least 2 training rows, one on each "
                "side of a split), so the out-of-fold scores cannot say how the "
                "refitted model's scores are calibrated. The scores are used "
                "uncalibrated (`calibration_` is the identity map).",
                UserWarning,
                stacklevel=3,
            )
        self.cv_results_ = search.cv_results
        best = search.best_index
        self.best_index_ = best
        self.best_tau_ = float(self.cv_results_["param_tau"][best])
        self.best_weight_power_ = float(self.cv_results_["param_weight_power"][best])
        self.best_balance_ = self.cv_results_["params"][best]["balance"]
        self.best_params_ = dict(self.cv_results_["params"][best])
        self.best_score_ = float(self.cv_results_["mean_test_score"][best])
        self.n_fits_ = int(search.n_fits)
        self.scoring_name_ = _scoring_name(self.scoring, self.cost_matrix, target)
        if self.verbose > 0:
            print(
                f"[{type(self).__name__}] chose weight_power="
                f"{self.best_weight_power_:g}, balance={self.best_balance_}, "
                f"tau={self.best_tau_:g} (mean "
                f"{self.scoring_name_} "
                f"{self.best_score_:.4f} over {self.cv_results_['n_splits'][best]} "
                f"split(s)); "
                + (
                    "no refit: the base is frozen"
                    if frozen
                    else "refitting"
                    if self.refit
                    else "no refit (refit=False)"
                )
            )
        if not self.refit:
            return self
        self.tau_ = self.best_tau_
        self.weight_power_ = self.best_weight_power_
        self.balance_ = self.best_balance_
        y_encoded = _encode_labels(y, classes)
        if isinstance(priors, str):
            pi = _train_priors(y_encoded, classes, routing.prior_weight)
        else:
            pi = _class_vector(priors, classes)
        start = time.perf_counter()
        self.estimator_, seen = _fit_on_rows(
            clone(self.estimator),
            X,
            y,
            None,
            y_encoded=y_encoded,
            priors=pi,
            member=(self.weight_power_, self.balance_),
            routing=routing,
            random_state=check_random_state(self.random_state),
        )
        self.refit_time_ = time.perf_counter() - start
        member = (self.weight_power_, self.balance_)
        fits = _member_fits(self.balance_, self.weight_power_)
        self.n_fits_ += int(not frozen) * fits
        trained = _member_prior(
            self.estimator_, seen, classes, member=member, deep=reads_prior,
            estimator=self.estimator, priors_param=self.priors,
        )  # fmt: skip
        calibration = search.calibrations.get((self.weight_power_, self.balance_))
        if calibration is not None:
            calibration = _in_class_order(
                calibration, classes, self.estimator_.classes_
            )
        return self._finish_fit(
            y,
            routing.prior_weight,
            priors=priors,
            target_priors=target,
            calibration=calibration,
            trained=trained,
        )

    def _weight_powers(self):
        """``weight_powers``, with ``"auto"`` resolved for this base."""
        if _is_option(self.weight_powers, "auto"):
            frozen = isinstance(self.estimator, FrozenEstimator)
            return (0.0,) if frozen else WEIGHT_POWERS["family"]
        return self.weight_powers

    def _balances(self):
        """``balances``, with ``"auto"`` (and the named sets) resolved for
        this base."""
        if isinstance(self.balances, str) and self.balances in NAMED_BALANCES:
            return _named_balances(self.balances, weights=_can_take_weights(self))
        if not _is_option(self.balances, "auto"):
            return self.balances
        return BALANCES if _can_take_weights(self) else ("resample",)

    def _splits(self, X, y, split_params):
        """The (train, test) splits of ``cv``."""
        with warnings.catch_warnings():
            # A class with fewer members than folds is handled on purpose
            # (see ``cv``): scikit-learn's warning about it asks nothing of
            # the user.
            warnings.filterwarnings(
                "ignore", message="The least populated class in y has only"
            )
            try:
                splits = list(self._splitter(y).split(X, y, **split_params))
            except ValueError as exc:
                # The splitter's message names n_splits, not the parameter. A
                # smaller int is the fix only for the default and an int: a
                # group splitter may lack its groups instead.
                advice = (
                    " Pass a smaller cv (an int, e.g. cv=2)."
                    if self.cv is None or isinstance(self.cv, Integral)
                    else ""
                )
                raise ValueError(
                    f"cv={_short_repr(self.cv)} cannot split these {len(y)} rows: "
                    f"{exc}{advice}"
                ) from exc
        if not splits:
            raise ValueError(
                f"cv={_short_repr(self.cv)} gave no (train, test) split; expected "
                "at least one (a generator is used up by one fit: pass a list)."
            )
        n_rows = len(y)
        for k, split in enumerate(splits):
            # Boolean masks, as GridSearchCV takes them, become indices.
            split = tuple(
                np.flatnonzero(rows)
                if np.asarray(rows).dtype == bool and len(rows) == n_rows
                else np.asarray(rows)
                for rows in split
            )
            splits[k] = split
            for name, rows in zip(("training", "test"), split):
                if rows.size == 0:
                    raise ValueError(
                        f"cv={_short_repr(self.cv)} gave split {k} an empty "
                        f"{name} set; expected row indices of X in [0, {n_rows})."
                    )
                if (
                    rows.dtype.kind not in "iu"
                    or rows.min() < 0
                    or rows.max() >= n_rows
                ):
                    raise ValueError(
                        f"cv={_short_repr(self.cv)} gave split {k} {name} rows "
                        f"{_short_repr(rows)}; expected integer indices of X in "
                        f"[0, {n_rows})."
                    )
        return splits

    def _splitter(self, y=None):
        """``cv`` as a splitter; ``None`` is 5-fold stratified, repeated twice."""
        if self.cv is None:
            return RepeatedStratifiedKFold(
                n_splits=5, n_repeats=2, random_state=self.random_state
            )
        return check_cv(self.cv, y, classifier=True)

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


# -- the candidates --------------------------------------------------------


def _candidate_grid(*, taus, weight_powers, balances):
    """The taus and the family members ``(weight_power, balance)``."""
    if isinstance(weight_powers, str):
        weight_powers = np.array(WEIGHT_POWERS[weight_powers])
    else:
        weight_powers = _check_grid(weight_powers, "weight_powers", low=0, high=1)
    # (balance, its weight powers): weight_powers unless the entry has its own.
    entries = _balance_entries(balances, weight_powers)
    # Sorted, so that members are listed (and ties kept) by w whatever the
    # order of the entries: a pair (bag, [1.0]) listed first no longer puts
    # its w = 1 member ahead of those at lower w; at equal w the order of
    # balances stands.
    powers = sorted({w for _, own in entries for w in own.tolist()})
    if isinstance(taus, Integral):
        grid = np.linspace(0.0, 2.0, taus) if taus > 1 else np.ones(1)
        # The consistent tau of every weight power is a candidate too; rounded
        # so that grid values print as typed (0.3, not 0.30000000000000004).
        taus = np.unique(np.round(np.append(grid, 1.0 - np.array(powers)), 12))
    else:
        taus = _check_grid(taus, "taus")
    # At w = 0 there is nothing to balance: one member, whatever the route.
    members = []
    for w in powers:
        at_w = [b for b, own in entries if w in own]
        members += [(float(w), b) for b in (at_w[:1] if w == 0 else at_w)]
    return taus, members


def _check_consistent_taus(taus, members):
    """Refuse ``selection="consistent"`` on a grid without some ``1 - w``:
    that member would have no candidate the rule may choose."""
    wanted = sorted({1.0 - w for w, _ in members})
    missing = [v for v in wanted if not np.any(np.isclose(taus, v))]
    if missing:
        raise ValueError(
            "selection='consistent' only chooses tau = 1 - weight_power, but "
            f"`taus` lacks {_plain_list(np.round(missing, 12))} for the weight "
            f"power(s) {_plain_list(np.round(1.0 - np.array(missing), 12))}. Add "
            "them to `taus`, pass an int (that grid includes them), or use "
            "another `selection`."
        )


def _class_vector(values, classes):
    """A parameter keyed by label as a vector in ``classes`` order; an
    option such as ``"train"`` stays a string."""
    if isinstance(values, str):
        return values
    return np.array([values[c] for c in _plain_list(classes)])


# -- the schedule and the loop ----------------------------------------------


def _rungs(n_members, n_splits, search):
    """``(members kept, splits scored)`` for each rung of the search.

    ``"exhaustive"``: one rung, every member on every split. ``"race"``:
    every member on the first split, the best third (rounded up, when more
    than :data:`_FINALISTS`) on the first three, and the :data:`_FINALISTS`
    best on the first five; rungs that would add no split are left out.
    """
    if search == "exhaustive" or n_splits == 1:
        return [(n_members, n_splits)]
    last = min(n_splits, _RACE_SPLITS[-1])
    if n_members <= _FINALISTS:
        return [(n_members, last)]
    rungs = [(n_members, _RACE_SPLITS[0])]
    third = -(-n_members // 3)
    if third > _FINALISTS and min(n_splits, _RACE_SPLITS[1]) < last:
        rungs.append((third, _RACE_SPLITS[1]))
    if last > rungs[-1][1]:
        rungs.append((_FINALISTS, last))
    return rungs


def _run_search(
    estimator,
    X,
    y,
    *,
    classes,
    splits,
    taus,
    members,
    rungs,
    routing,
    priors,
    target,
    response_method,
    calibration,
    cost_matrix,
    scoring,
    selection,
    n_jobs,
    verbose,
    random_state,
    refit,
    read_prior=None,
):
    """Run the rungs; return ``cv_results``, ``best_index`` and what fit needs.

    ``read_prior`` is the ``priors`` option (``"auto"`` or ``"effective"``)
    when each fitted member's training prior is read from its base (see
    :func:`_fit_and_score`), else None.

    Every member is fitted on the same resampling seed per split, so members
    are compared on common draws, and a member's scores on a split do not
    depend on the schedule: the exhaustive search and every rung of a race
    score a (member, split) pair identically.

    Returns
    -------
    search : Bunch
        ``cv_results``, ``best_index``, ``n_fits``, ``calibrations`` (member
        -> the map fitted on its out-of-fold scores; empty without
        calibration) and ``unseen`` (labels that made calibration fall back
        to the identity map).
    """
    n_members, n_splits, n_taus = len(members), len(splits), len(taus)
    seeds = check_random_state(random_state).randint(_MAX_SEED, size=n_splits)
    scorer = _get_scorer(scoring, cost=cost_matrix, classes=classes, target=target)
    scores = np.full((n_members, n_splits, n_taus), np.nan)
    fit_times = np.full((n_members, n_splits), np.nan)
    score_times = np.full((n_members, n_splits), np.nan)
    reached = np.zeros(n_members, dtype=int)
    # Out-of-fold log-scores kept for calibration: (member, split) -> fold.
    folds = {}
    calibrations, unseen = {}, []
    progress = _Progress(
        rungs,
        members,
        verbose=verbose,
        refit=refit,
        n_jobs=n_jobs,
        frozen=isinstance(estimator, FrozenEstimator),
    )
    alive = list(range(n_members))
    done = 0
    n_fits = 0
    for rung, (keep, upto) in enumerate(rungs):
        if len(alive) > keep:
            alive, dropped, means = _survivors(
                scores[:, :done], alive, keep, taus, members, selection
            )
            progress.dropped(
                [members[i] for i in dropped],
                {members[i]: means[i] for i in means},
                done,
            )
            for i in dropped:
                for k in range(done):
                    folds.pop((i, k), None)
        reached[alive] = rung
        jobs = [(i, k) for i in alive for k in range(done, upto)]
        results = _streaming_parallel(n_jobs)(
            delayed(_fit_and_score)(
                job,
                estimator=clone(estimator),
                X=X,
                y=y,
                train=splits[k][0],
                test=splits[k][1],
                classes=classes,
                member=members[i],
                priors=priors,
                routing=routing,
                seed=seeds[k],
                response_method=response_method,
                taus=taus,
                target=target,
                cost_matrix=cost_matrix,
                scorer=scorer,
                keep_log_scores=bool(calibration),
                read_prior=read_prior,
            )
            for job, (i, k) in enumerate(jobs)
        )
        for job, fold in results:
            i, k = jobs[job]
            fit_times[i, k] = fold.fit_time
            score_times[i, k] = fold.score_time
            scores[i, k] = fold.scores
            n_fits += fold.fitted * _member_fits(members[i][1], members[i][0])
            if calibration:
                folds[(i, k)] = fold
            progress.fitted(members[i], k, fold)
        done = upto
    if calibration:
        # On the finalists' pooled out-of-fold scores (a whole partition in
        # a race); earlier rungs ranked the members uncalibrated.
        calibrations, unseen = _calibrate_members(
            [(i, k, folds[(i, k)]) for i in alive for k in range(done)],
            scores,
            score_times,
            members=members,
            splits=splits,
            y=y,
            classes=classes,
            routing=routing,
            method=calibration,
            taus=taus,
            target=target,
            cost_matrix=cost_matrix,
            scorer=scorer,
        )
    finalists = np.flatnonzero(np.isin(np.arange(n_members), alive))
    cv_results = _cv_results(
        scores, fit_times, score_times, reached, taus, members, scoring=scoring
    )
    candidates = (finalists[:, None] * n_taus + np.arange(n_taus)).ravel()
    per_split = scores[finalists][:, :done].transpose(0, 2, 1).reshape(-1, done)
    best = _select_candidate(
        per_split,
        cv_results["param_tau"][candidates],
        cv_results["param_weight_power"][candidates],
        selection,
    )
    return Bunch(
        cv_results=cv_results,
        best_index=int(candidates[best]),
        n_fits=n_fits,
        calibrations=calibrations,
        unseen=unseen,
    )


def _survivors(scores, alive, keep, taus, members, selection):
    """The ``keep`` best racing members, those dropped, and every score.

    A member's score is the mean, over the splits run so far (``scores`` of
    shape (n_members, n_splits_run, n_taus)), of the candidate ``selection``
    picks among its own taus (``-inf`` if NaN). Ties keep the member listed
    first (a stable sort); both lists come back in member order.
    """
    means = {}
    for i in alive:
        per_split = scores[i].T
        weight_powers = np.full(len(taus), members[i][0])
        pick = _select_candidate(per_split, taus, weight_powers, selection)
        mean, _ = _nan_stats(per_split[pick : pick + 1])
        means[i] = -np.inf if np.isnan(mean[0]) else float(mean[0])
    order = np.argsort(-np.array([means[i] for i in alive]), kind="stable")
    kept = sorted(alive[j] for j in order[:keep])
    return kept, [i for i in alive if i not in kept], means


def _calibrate_members(folds, scores, score_times, *, members, splits, y, classes,
                       routing, method, taus, target, cost_matrix, scorer):  # fmt: skip
    """Fit each member's map on its pooled out-of-fold scores, and score
    every tau again on the calibrated scores of each of its splits.

    ``folds`` lists ``(member index, split index, fold)``; ``scores`` and
    ``score_times`` are updated in place. Returns the maps by member and the
    labels that made them fall back to the identity (:mod:`._calibration`).
    """
    calibrated = [fold.log_scores.copy() for _, _, fold in folds]
    maps, unseen = _calibrate_out_of_fold(
        calibrated,
        [members[i] for i, _, _ in folds],
        [splits[k][1] for _, k, _ in folds],
        [fold.counts for _, _, fold in folds],
        y,
        classes,
        method=method,
        sample_weight=routing.prior_weight,
    )
    for (i, k, fold), log_scores in zip(folds, calibrated):
        start = time.perf_counter()
        scores[i, k] = _score_taus(
            scorer=scorer,
            log_scores=log_scores,
            priors=fold.priors,
            counts=fold.counts,
            taus=taus,
            y_test=_safe_indexing(y, splits[k][1]),
            classes=classes,
            target=target,
            cost_matrix=cost_matrix,
        )
        score_times[i, k] = (time.perf_counter() - start) / len(taus)
    return maps, unseen


class _Progress:
    """What ``verbose >= 1`` prints: the plan, each fit, the members dropped.

    Fits are counted as ``n_fits_`` counts them, in fits of the base model: a
    bag member's fit is its ``n_estimators`` fits. Which members survive a
    rung is known only when it ends, so with members of unequal cost the
    fits planned are an upper bound (the costliest survivors), updated at
    each rung.
    """

    def __init__(self, rungs, members, *, verbose, refit, n_jobs, frozen=False):
        self.members = members
        self.verbose = verbose
        self.rungs = rungs
        # A frozen base is scored, never fitted nor refitted.
        self.refit = refit and not frozen
        self.cost = {m: 0 if frozen else _member_fits(m[1], m[0]) for m in members}
        self.done = 0
        self.seconds = {}
        self.alive = list(members)
        self.workers = max(1, effective_n_jobs(n_jobs))
        self.planned = self._planned(0)
        if verbose > 0:
            steps = ", ".join(
                f"{'all' if rung == 0 else 'the best'} {keep} on {upto} split(s)"
                for rung, (keep, upto) in enumerate(rungs)
            )
            bound = "" if len(set(self.cost.values())) == 1 else "at most "
            plan = (
                "a frozen base: scored, never fitted"
                if frozen
                else f"{bound}{self.planned} fits of the base planned"
                + (", the refit included" if self.refit else "")
            )
            print(
                f"[LogitAdjustedClassifierCV] {len(members)} member(s): {steps}; {plan}"
            )

    def _planned(self, n_splits):
        """Fits done, plus those left after ``n_splits`` splits: each rung's
        costliest possible survivors among the members still racing, and the
        costliest refit among the last rung's."""
        costs = sorted((self.cost[m] for m in self.alive), reverse=True)
        left, done = 0, n_splits
        for keep, upto in self.rungs:
            if upto > done:
                left += sum(costs[:keep]) * (upto - done)
                done = upto
        last = self.rungs[-1][0]
        return self.done + left + (max(costs[:last]) if self.refit else 0)

    def fitted(self, member, split, fold):
        cost = self.cost[member]
        self.done += int(fold.fitted) * cost
        if cost:
            self.seconds.setdefault(member, []).append(fold.fit_time / cost)
        if self.verbose <= 0:
            return
        scored = f"scored {1e3 * fold.score_time:.2f} ms per tau"
        if not cost:
            print(f"[LogitAdjustedClassifierCV] {_member_name(member)}: {scored}")
            return
        print(
            f"[LogitAdjustedClassifierCV] {self.done}/{self.planned} fits: "
            f"{_member_name(member)} on split {split + 1}: fit "
            f"{fold.fit_time:.2f} s, {scored}; about {self._seconds_left():.1f} s "
            "left"
        )

    def dropped(self, dropped, means, n_splits):
        self.alive = [m for m in self.alive if m not in dropped]
        self.planned = self._planned(n_splits)
        if self.verbose <= 0 or not dropped:
            return
        gone = ", ".join(f"{_member_name(m)} ({means[m]:.4f})" for m in dropped)
        racing = ", ".join(f"{_member_name(m)} ({means[m]:.4f})" for m in self.alive)
        print(
            f"[LogitAdjustedClassifierCV] after {n_splits} split(s), dropped "
            f"{gone}; still racing: {racing}"
        )

    def _seconds_left(self):
        """The base fits left, each at the mean time per base fit so far of
        the members still racing (resampled members fit on more rows), over
        the workers."""
        times = [np.mean(self.seconds[m]) for m in self.alive if m in self.seconds]
        if not times:
            return 0.0
        return (self.planned - self.done) * float(np.mean(times)) / self.workers


def _member_name(member):
    weight_power, balance = member
    return f"w={weight_power:g} {balance}" if weight_power > 0 else "w=0"


def _streaming_parallel(n_jobs):
    """A joblib ``Parallel`` that yields each fit's result as it finishes.

    Results carry their job index, so their order does not matter. A backend
    that cannot stream (Ray's, for one) refuses ``return_as`` when the
    ``Parallel`` is built: it then returns the list, and the splits' scores
    are held until every fit of the rung has returned.
    """
    try:
        return Parallel(n_jobs=n_jobs, return_as="generator_unordered")
    except ValueError as exc:
        if "does not support return_as" not in str(exc):
            raise
        return Parallel(n_jobs=n_jobs)


# -- the worker --------------------------------------------------------------


def _fit_and_score(
    job,
    *,
    estimator,
    X,
    y,
    train,
    test,
    classes,
    member,
    priors,
    routing,
    seed,
    response_method,
    taus,
    target,
    cost_matrix,
    scorer,
    keep_log_scores,
    read_prior=None,
):
    """Fit one member on one split's training rows; score every tau on its test rows.

    Parameters
    ----------
    job : int
        Returned unchanged: results are consumed as they finish.

    estimator : estimator instance
        An unfitted clone (or a frozen model).

    X, y : array-like
        All the data, indexed by ``train`` and ``test``.

    train, test : ndarray of int
        The split's rows.

    classes : ndarray of shape (n_classes,)
        The full class set, the columns of the scores.

    member : (float, str)
        ``(weight_power, balance)``.

    priors : ndarray of shape (n_classes,) or None
        The priors in ``classes`` order; None means the split's training
        label frequencies (weighted by ``routing.prior_weight``).

    routing : Bunch
        What :func:`._routing._route_fit_params` routed, for all rows.

    seed : int
        Seed of the split's resampling draws (``numpy.random.RandomState``).

    response_method : str
        The base method scores are read from.

    taus : ndarray of shape (n_taus,)
        Candidate adjustment strengths.

    target : {"uniform", "train"} or ndarray of shape (n_classes,)
        Deployment priors; ``"train"`` means the split's training priors.

    cost_matrix : ndarray of shape (n_classes, n_classes) or None
        Validated costs: predictions then follow the cost rule.

    scorer : callable or "balanced_accuracy"
        How a tau is scored (:func:`_score_taus`).

    keep_log_scores : bool
        Return the out-of-fold log-scores too, to be calibrated.

    read_prior : {"auto", "effective"} or None, default=None
        Read the prior the fitted base was trained under (the ``priors``
        option, named in a refusal); None reads only the counts a sampler or
        bag member produced. Either way a member whose prior differs from
        the family's ``pi ** (1 - w)`` is corrected by ``-log(pi') + (1 - w)
        * log(pi)`` (:mod:`._family`): summed with each tau's offset, as the
        fitted estimator sums them, and added to the log-scores kept for
        calibration, which the map reads shifted.

    Returns
    -------
    job : int

    fold : Bunch
        ``scores`` (n_taus,); ``log_scores`` (n_test, n_classes) with
        ``keep_log_scores`` (else None): base log-scores, a class absent from the
        training rows (or of zero weight there) ``-inf`` (never predicted);
        ``priors`` and ``counts`` of the training rows per class;
        ``fitted`` (False for a training set of a single class, which
        predicts that class without a fit); ``fit_time`` and ``score_time``
        (per tau) in seconds.
    """
    start = time.perf_counter()
    corrected = None
    y_train = _encode_labels(_safe_indexing(y, train), classes)
    counts = np.bincount(y_train, minlength=len(classes))
    weights = None if routing.prior_weight is None else routing.prior_weight[train]
    fold_priors = priors
    if fold_priors is None:
        fold_priors = _class_priors(y_train, len(classes), weights)
    frozen = isinstance(estimator, FrozenEstimator)
    # Nothing to learn from a single class: what any classifier fitted on
    # these rows would predict, without the fit (most refuse one class).
    fitted = frozen or np.count_nonzero((fold_priors > 0) & (counts > 0)) > 1
    if fitted:
        try:
            model, seen = _fit_on_rows(
                estimator,
                X,
                y,
                train,
                y_encoded=y_train,
                priors=fold_priors,
                member=member,
                routing=routing,
                random_state=np.random.RandomState(seed),
            )
        except Exception as exc:
            # A sampler or base failing deep inside its fit: keep its error
            # (as GridSearchCV with error_score="raise") and say which member.
            if hasattr(exc, "add_note"):  # Python >= 3.11
                exc.add_note(
                    "LogitAdjustedClassifierCV was fitting the member "
                    f"{_member_name(member)} on the {len(train)} training rows of "
                    "a split; if only that member fails, leave it out of "
                    "`balances` or `weight_powers` to search without it."
                )
            raise
        fold_scores, _ = _base_log_scores(
            model, _safe_indexing(X, test), response_method
        )
        columns = _encode_labels(np.asarray(model.classes_), classes)
        if len(columns) < len(classes) or np.any(columns != np.arange(len(classes))):
            # Only a split that lacks a class (or a base whose classes_ are
            # in another order) pays for a second n_test x K array.
            log_scores = np.full((len(test), len(classes)), -np.inf)
            log_scores[:, columns] = fold_scores
        else:
            log_scores = fold_scores
        trained = _member_prior(
            model, seen, classes, member=member, deep=read_prior is not None,
            estimator=estimator, priors_param=read_prior,
        )  # fmt: skip
        if trained is not None:
            effective, correction = _effective_priors(
                trained, classes, fold_priors, member[0]
            )
            if correction is not None:
                # Scored with correction and offset summed first, as the
                # fitted estimator sums them, so exact ties break alike.
                corrected = effective
        # A class whose training rows all weigh 0 was not learnt either: like
        # an absent class it cannot be predicted, rather than be adjusted by
        # log(0).
        log_scores[:, fold_priors == 0] = -np.inf
    else:
        learnt = (fold_priors > 0) & (counts > 0)
        log_scores = np.where(learnt, 0.0, -np.inf)[None, :].repeat(len(test), 0)
    fold = Bunch(
        scores=None,
        log_scores=log_scores,
        priors=fold_priors,
        counts=counts,
        fitted=fitted and not frozen,
        fit_time=time.perf_counter() - start,
        score_time=np.nan,
    )
    start = time.perf_counter()
    fold.scores = _score_taus(
        scorer=scorer,
        log_scores=log_scores,
        priors=fold.priors,
        counts=fold.counts,
        taus=taus,
        y_test=_safe_indexing(y, test),
        classes=classes,
        target=target,
        cost_matrix=cost_matrix,
        trained=corrected,
        weight_power=member[0],
    )
    fold.score_time = (time.perf_counter() - start) / len(taus)
    if not keep_log_scores:
        fold.log_scores = None  # scored: dropped before the next split arrives
    elif corrected is not None:
        # Calibrated next: the map reads the scores shifted by the correction,
        # as the fitted estimator's map does.
        fold.log_scores = log_scores + correction
    return job, fold


def _fit_on_rows(estimator, X, y, rows, *, y_encoded, priors, member, routing,
                 random_state):  # fmt: skip
    """Fit ``estimator`` as the family ``member`` on ``rows`` (None: all rows).

    The one place the search fits a base model: the worker's splits and the
    refit. ``y_encoded`` (the labels of ``rows``) indexes ``priors``.
    Returns the fitted model and what it was fitted on, as
    :func:`._family._fit_member`.
    """
    fit_params = routing.fit_params
    sample_weight = routing.sample_weight
    if rows is not None:
        fit_params = _check_method_params(X, fit_params, indices=rows)
        sample_weight = None if sample_weight is None else sample_weight[rows]
        X, y = _safe_indexing(X, rows), _safe_indexing(y, rows)
    return _fit_member(
        estimator,
        X,
        y,
        y_encoded=y_encoded,
        priors=priors,
        weight_power=member[0],
        balance=member[1],
        random_state=random_state,
        fit_params=fit_params,
        weight_key=routing.weight_key,
        sample_weight=sample_weight,
    )


# -- scoring every tau at once -----------------------------------------------


class _FoldPredictions(ClassifierMixin, BaseEstimator):
    """A fitted-classifier stand-in that replays precomputed adjusted scores.

    Scorers call ``predict``/``predict_proba``/``decision_function`` on an
    estimator; handing them this object lets every scikit-learn scorer (names
    and callables alike) score one tau on cached out-of-fold scores without
    any model being refitted or even re-evaluated. ``X`` is ignored. Its
    outputs derive from the canonical scores exactly as the fitted
    estimator's do (see :mod:`._adjust`), so they agree with each other.
    ``decisions``, when given, are the cost rule's (:mod:`._cost`): then
    ``predict`` returns them and the other methods stay the adjusted
    posterior, as the fitted estimator's do.
    """

    def __init__(self, classes, class_counts, log_scores, winners, decisions=None):
        self.classes_ = classes
        self.class_counts_ = class_counts
        self.log_scores = log_scores
        self.winners = winners
        self.decisions = decisions

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        if self.decisions is not None:
            return self.classes_[self.decisions]
        return self.classes_[self.winners]

    def predict_proba(self, X):
        return _proba_from_scores(self.log_scores.copy(), self.winners)

    def predict_log_proba(self, X):
        return _proba_from_scores(self.log_scores.copy(), self.winners, log=True)

    def decision_function(self, X):
        return _decision_from_scores(self.log_scores)


def _score_taus(
    *,
    scorer,
    log_scores,
    priors,
    counts,
    taus,
    y_test,
    classes,
    target,
    cost_matrix=None,
    trained=None,
    weight_power=0.0,
):
    """Score every tau on one split's out-of-fold log-scores.

    Parameters
    ----------
    scorer : callable or "balanced_accuracy"
        ``scorer(estimator, X, y)``; the string ``"balanced_accuracy"`` takes
        the vectorised path of :func:`_balanced_accuracy_over_taus`, which
        gives the same numbers as scikit-learn's scorer of that name, for all
        taus at once.

    log_scores : ndarray of shape (n_test, n_classes)
        The split's base log-scores.

    priors : ndarray of shape (n_classes,)
        The split's training priors (0 for a class absent from it).

    counts : ndarray of shape (n_classes,)
        The split's training samples per class.

    taus : ndarray of shape (n_taus,)
        Candidate adjustment strengths.

    y_test : ndarray of shape (n_test,)
        True labels of the split's test rows.

    classes : ndarray of shape (n_classes,)
        Class labels, the columns of ``log_scores``.

    target : {"uniform", "train"} or ndarray of shape (n_classes,)
        Deployment priors; ``"train"`` means the split's training priors.

    cost_matrix : ndarray of shape (n_classes, n_classes), default=None
        Validated costs: predictions then follow the cost rule.

    trained : ndarray of shape (n_classes,), default=None
        The prior the member's base was read to be trained under, when its
        correction is not yet in ``log_scores``: each tau's offset then
        carries it, summed as the fitted estimator sums it
        (:func:`._family._corrected_offset`).

    weight_power : float, default=0.0
        The member's ``w``, for that correction.

    Returns
    -------
    scores : ndarray of shape (n_taus,)
    """
    # Classes absent from the split have -inf scores; any finite placeholder
    # prior keeps their offset finite.
    pi = np.where(priors > 0, priors, 1.0)
    if isinstance(target, str):
        target = np.full(len(classes), 1 / len(classes)) if target == "uniform" else pi

    if trained is None:
        offsets = _effective_offsets(pi, taus, target, name="taus")
    else:
        offsets = np.stack([
            _corrected_offset(trained, priors, weight_power, tau, target, name="taus")
            for tau in taus
        ])  # fmt: skip

    # Which rows the base gave some class, for a refusal that blames the
    # right one when classes are ruled out (-inf offsets, fixed across taus).
    had_scores = None
    if np.isneginf(offsets[0]).any():
        had_scores = np.isfinite(log_scores).any(axis=1)

    if _is_balanced_accuracy(scorer) and cost_matrix is None:
        if np.all(np.isin(y_test, classes)):
            # The vectorised argmax checks nothing: a bad row is refused here,
            # once (which entries are -inf does not depend on tau).
            _winners(
                log_scores + offsets[0], "out-of-fold scores", had_scores=had_scores
            )
            return _balanced_accuracy_over_taus(
                log_scores,
                offsets,
                _encode_labels(y_test, classes),
                np.argsort(classes, kind="stable"),
            )
        # A frozen base may not know every label of y: sklearn's own scorer
        # counts those rows as misclassified.
        scorer = _sklearn_scorer("balanced_accuracy")
    placeholder = np.zeros((log_scores.shape[0], 1))
    out = np.empty(len(taus))
    with warnings.catch_warnings():
        # A test fold of long-tailed data often lacks a rare class that the
        # model still predicts; that is expected, not a problem.
        warnings.filterwarnings(
            "ignore", message="y_pred contains classes not in y_true"
        )
        for t in range(len(taus)):
            adjusted = log_scores + offsets[t]
            winners = _winners(adjusted, "out-of-fold scores", had_scores=had_scores)
            stand_in = _FoldPredictions(
                classes,
                counts,
                adjusted,
                winners,
                _cost_decisions(adjusted, cost_matrix),
            )
            try:
                value = scorer(stand_in, placeholder, y_test)
            except ValueError as exc:
                _refuse_missing_test_classes(exc, scorer, y_test, classes)
                raise
            out[t] = _check_score(value, scorer)
    return out


def _refuse_missing_test_classes(exc, scorer, y_test, classes):
    """Say why a scorer failed on a split whose test rows lack a class.

    A class with fewer rows than folds is missing from some test folds (on
    purpose: the search handles it); metrics of probabilities, such as log
    loss or ROC AUC, then see fewer labels than columns unless told the
    labels. Nothing is raised when every class is there.
    """
    missing = classes[~np.isin(classes, y_test)]
    if missing.size == 0:
        return
    raise ValueError(
        f"`scoring` {_short_repr(scorer)} failed on a split whose test rows lack "
        f"the class(es) {_plain_list(missing)} (the metric said: "
        f"{str(exc).rstrip('.')}). A class with fewer rows "
        "than folds is missing from some test folds. Give the metric every "
        "label (e.g. make_scorer(log_loss, response_method='predict_proba', "
        "greater_is_better=False, labels=[...])), use fewer folds (`cv`), or "
        "a metric of the predicted labels."
    ) from exc


def _check_score(value, scorer):
    """A scorer's result as a float, or a clear error naming ``scoring``."""
    if not isinstance(value, (str, bytes)):
        number = np.asarray(value)
        if number.ndim == 0 and number.dtype.kind in "iuf":
            return float(number)
    name = getattr(scorer, "__name__", type(scorer).__name__)
    shape = f" of shape {np.shape(value)}" if np.ndim(value) else ""
    raise TypeError(
        f"`scoring` must return a single real number for each candidate; the "
        f"scorer {name!r} returned {type(value).__name__}{shape}: {value!r:.200}. "
        "Make it return one float (for several metrics, tune on one of them)."
    )


def _is_balanced_accuracy(scorer):
    """Whether ``scorer`` names scikit-learn's balanced accuracy (by name only)."""
    return isinstance(scorer, str) and scorer == "balanced_accuracy"


def _balanced_accuracy_over_taus(log_scores, offsets, y_true, label_order):
    """``balanced_accuracy_score(y_true, argmax(log_scores + offsets[t]))`` per t.

    Scoring a tau through a scikit-learn scorer costs its label checks and
    confusion matrix per tau, which dominates a search with hundreds of taus
    on small splits; for ``scoring="balanced_accuracy"`` (the default at a
    uniform ``target_priors`` without a cost matrix) this
    computes the same numbers directly: per-tau argmax (ties to the first
    class, as :func:`numpy.argmax` and the estimators' ``predict``), then
    per-class recall by :func:`numpy.bincount`, averaged over the classes
    present in ``y_true`` as :func:`sklearn.metrics.balanced_accuracy_score`
    does.

    Parameters
    ----------
    log_scores : ndarray of shape (n_samples, n_classes)
        Cached base log-scores (``-inf`` allowed).

    offsets : ndarray of shape (n_taus, n_classes)
        Per-tau offsets added to every row.

    y_true : ndarray of shape (n_samples,) of int
        True labels encoded as column indices of ``log_scores``.

    label_order : ndarray of shape (n_classes,) of int
        The columns in sorted label order: scikit-learn averages the
        per-class recalls in that order, and a float sum depends on it.

    Returns
    -------
    scores : ndarray of shape (n_taus,)
        Bitwise equal to scikit-learn's balanced accuracy of each tau's
        predictions, without its warning for predicted classes absent from
        ``y_true`` (they are left out of the mean, as there).
    """
    n_samples, n_classes = log_scores.shape
    n_taus = offsets.shape[0]
    true_counts = np.bincount(y_true, minlength=n_classes)[label_order]
    present = true_counts > 0
    chunk = max(1, min(n_taus, _CHUNK_ELEMENTS // max(1, n_samples * n_classes)))
    predicted = np.empty((n_taus, n_samples), dtype=np.intp)
    for start in range(0, n_taus, chunk):
        stop = min(start + chunk, n_taus)
        adjusted = log_scores[None, :, :] + offsets[start:stop, None, :]
        predicted[start:stop] = np.argmax(adjusted, axis=2)
    # Hits per (tau, class) in one bincount over tau * n_classes + class.
    hits = predicted == y_true
    cells = (np.arange(n_taus)[:, None] * n_classes + y_true)[hits]
    correct = np.bincount(cells, minlength=n_taus * n_classes)
    correct = correct.reshape(n_taus, n_classes)[:, label_order]
    recalls = correct[:, present] / true_counts[present]
    # The mean of each row as a 1-D array, sklearn's own operation: numpy
    # sums a 2-D array's rows in another order, which can move the last bit.
    return np.array([np.mean(row) for row in recalls])


def _is_uniform(target):
    """Whether a deployment prior (an option, a dict by label or a vector)
    is the uniform one, which balanced accuracy scores."""
    if isinstance(target, str):
        return _is_option(target, "uniform")
    values = np.asarray(list(target.values()) if isinstance(target, dict) else target)
    return bool(np.allclose(values, 1.0 / values.size))


def _scoring_name(scoring, cost_matrix, target):
    if callable(scoring):
        return getattr(scoring, "__name__", "score")
    if scoring is None:
        if cost_matrix is not None:
            return "score (negated expected cost)"
        if not _is_uniform(target):
            return "score (negated error at target_priors)"
        return "balanced_accuracy"
    return scoring


def _get_scorer(scoring, *, cost, classes, target):
    """The scorer; by default balanced accuracy, or the expected cost at the
    deployment prior ``target`` with a cost matrix, or with another target
    than uniform (the 0-1 cost: the error at that prior; see ``scoring``)."""
    if scoring is None and not (cost is None and _is_uniform(target)):
        # Balanced accuracy would tune tau back to the balanced decision and
        # undo target_priors.
        if cost is None:
            cost = 1.0 - np.eye(len(classes))
        return _deployment_cost_scorer(cost, classes, target)
    if callable(scoring):
        return scoring
    name = scoring or "balanced_accuracy"
    if name == "balanced_accuracy" and cost is None:
        # By name: _score_taus computes it for every tau at once.
        return name
    from .metrics import get_scorer

    return get_scorer(name)


# -- cv_results_ ------------------------------------------------------------


def _cv_results(scores, fit_times, score_times, reached, taus, members, *, scoring):
    """``cv_results_`` in ``GridSearchCV``'s layout, with the race's columns.

    Parameters
    ----------
    scores : ndarray of shape (n_members, n_splits, n_taus)
        Test score of every candidate on every split; NaN where its member
        was not scored.

    fit_times, score_times : ndarray of shape (n_members, n_splits)
        Seconds per split: the member's fit (and out-of-fold scores), and
        scoring one tau; NaN where not run.

    reached : ndarray of shape (n_members,)
        The last rung each member ran in.

    taus : ndarray of shape (n_taus,)

    members : list of (float, str or object)

    scoring : str or callable
        The scoring parameter, for messages.
    """
    n_members, n_splits, n_taus = scores.shape
    per_split = scores.transpose(0, 2, 1).reshape(n_members * n_taus, n_splits)
    scored = ~np.isnan(fit_times)
    mean, std = _nan_stats(np.where(scored.repeat(n_taus, 0), per_split, np.nan))
    if np.all(np.isnan(mean)):
        raise ValueError(
            f"scoring={scoring!r} returned NaN for every candidate, so nothing "
            "can be selected (e.g. a few-shot scorer on data with no few-shot "
            "class). Choose another scoring or other group thresholds."
        )
    cand_w = np.repeat(np.array([w for w, _ in members], dtype=float), n_taus)
    balance_of = [b for _, b in members for _ in range(n_taus)]
    # A sampler is named by its class ("SMOTE"); params hold the object.
    cand_balance = np.array([_balance_name(b) for b in balance_of], dtype=object)
    cand_tau = np.tile(taus, n_members)
    cand_iter = np.repeat(reached, n_taus)
    results = {
        "param_weight_power": cand_w,
        "param_balance": cand_balance,
        "param_tau": cand_tau,
        "params": [
            {"weight_power": float(w), "balance": b, "tau": float(t)}
            for w, b, t in zip(cand_w, balance_of, cand_tau)
        ],
    }
    for k in range(n_splits):
        results[f"split{k}_test_score"] = per_split[:, k]
    results["mean_test_score"] = mean
    results["std_test_score"] = std
    results["rank_test_score"] = _rank(mean, cand_iter)
    results["n_splits"] = np.repeat(scored.sum(axis=1), n_taus)
    results["iter"] = cand_iter
    for name, times in (("fit", fit_times), ("score", score_times)):
        time_mean, time_std = _nan_stats(times)
        results[f"mean_{name}_time"] = np.repeat(time_mean, n_taus)
        results[f"std_{name}_time"] = np.repeat(time_std, n_taus)
    return results


def _rank(mean, rung):
    """Ranks by the last rung reached, then by mean score; equal scores share
    the lowest rank (``method="min"``, as ``GridSearchCV``); NaN ranks last."""
    ranked = np.where(np.isnan(mean), -np.inf, mean)
    order = np.lexsort((-ranked, -rung))
    rank = np.empty(len(mean), dtype=np.int32)
    key = list(zip(-rung[order], -ranked[order]))
    for position, index in enumerate(order):
        same = position > 0 and key[position] == key[position - 1]
        rank[index] = rank[order[position - 1]] if same else position + 1
    return rank
