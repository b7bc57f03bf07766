"""The paper's consistent family: every realisation of a member, and the prior
it leaves behind.

Menon et al. (2021), Theorem 1 with ``delta = pi ** (1 - w)``: fitting the base
model with sample weights ``pi_y ** -w`` and adjusting post hoc by
``-(1 - w) * log(pi_y)`` is consistent for the balanced error for every
``w`` in ``[0, 1]``. ``w = 0`` is post-hoc adjustment, ``w = 1`` is
``class_weight="balanced"``.

The same weights can be realised by replicating rows instead
(``balance="resample"``): class ``y`` is oversampled to about
``n_y * pi_y ** -w`` rows (scaled so that no class loses rows), so the
resampled class frequencies are ``pi_y ** (1 - w)`` up to rounding, and the
same ``tau = 1 - w`` stays consistent. Models whose fit counts rows rather
than weights (a gradient-boosting leaf's ``min_samples_leaf``, a forest's
bootstrap) see a different data set, which is why both routes are members.
``w = 1`` is random oversampling, row for row as imbalanced-learn's
``RandomOverSampler`` with the same ``random_state``.

The theorem says more than "weights or replication": a base model trained
under the class prior ``pi ** (1 - w)``, however that prior was reached, is
consistent for the balanced error once adjusted by
``(1 - w) * log(pi)``. And a model trained under any prior ``pi'`` has
posteriors under ``pi'``: ``log p(y|x) - log(pi'_y) + log(q_y)`` are its
posteriors under a deployment prior ``q``. So this module also holds:

- *the prior a fitted base was trained under* (:func:`_trained_prior`): read
  from the samplers of an imbalanced-learn ``Pipeline`` (their
  ``sample_indices_`` where they have them, else the class counts their
  fitted ``sampling_strategy_`` asked for), from the balanced ensembles
  (``BalancedRandomForestClassifier``, ``BalancedBaggingClassifier``,
  ``EasyEnsembleClassifier``, ``RUSBoostClassifier``, and any scikit-learn
  ``BaggingClassifier``: the mean of their members' priors, as they average
  their members' probabilities) and from a ``class_weight`` (the class mass
  ``n_y * w_y``). A base that rebalances where none of these can describe it
  is refused by name (:func:`_rebalancing`). ``priors="auto"``, the default,
  reads the prior of a base that rebalances and keeps the label frequencies
  of any other (:func:`_reads_prior`);
- *rebalancing as a family member*: an imbalanced-learn sampler set to the
  family's class counts (:func:`_fit_resampled`), and
  :class:`BalancedBagging`, a bag of base models fitted on subsets drawn at
  those counts (:func:`_fit_bag`). Whatever the realisation, the member is
  adjusted from the counts actually produced: its log-scores get
  ``-log(pi') + (1 - w) * log(pi)`` (:func:`_prior_correction`), so that it
  looks as if trained exactly under ``pi ** (1 - w)`` and every ``tau``
  keeps its meaning.

imbalanced-learn stays optional: nothing here imports it until one of its
objects is met or :class:`BalancedBagging` draws its subsets.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    BaggingClassifier,
    ExtraTreesClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import (
    LogisticRegression,
    LogisticRegressionCV,
    Perceptron,
    RidgeClassifier,
    RidgeClassifierCV,
    SGDClassifier,
)
from sklearn.pipeline import Pipeline
from sklearn.svm import SVC, LinearSVC, NuSVC
from sklearn.tree import DecisionTreeClassifier, ExtraTreeClassifier
from sklearn.utils import Bunch, _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import _check_method_params, has_fit_parameter

from ._adjust import _log_offset
from ._routing import _fit_estimator
from ._validation import _check_grid, _plain, _short_repr

BALANCES = ("weight", "resample")
# Resampling never makes a class more than this many times the largest
# class's row count (weights or priors far from the counts would otherwise
# ask for any number of rows).
_MAX_ROWS_FACTOR = 10


def _consistent_tau(weight_power):
    """The adjustment strength that keeps weight power ``w`` consistent."""
    return 1.0 - weight_power


def _check_family_base(estimator, weight_powers):
    """Refuse class balancing for a base model that is never refitted.

    A :class:`~sklearn.frozen.FrozenEstimator` ignores ``fit``, so the weights
    or resampled rows would be silently dropped and the adjustment computed
    for another model.
    """
    if isinstance(estimator, FrozenEstimator) and np.any(np.asarray(weight_powers) > 0):
        raise ValueError(
            "weight_power > 0 re-weights or resamples the base model's training "
            "data, but the estimator is a FrozenEstimator, which is never "
            "refitted. Use weight_power=0, or pass an unfitted estimator."
        )


def _balancing_weights(y_encoded, priors, weight_power, sample_weight):
    """Per-sample weights ``sample_weight * pi_y ** -weight_power``.

    They are scaled to keep the total weight of the data (``n_samples``, or the
    sum of ``sample_weight``), so the base model's effective regularisation is
    unchanged, as with ``class_weight="balanced"``, and integer weights stay
    equivalent to repeated rows. A class of prior 0 (all its samples weigh 0)
    keeps a factor of 1 rather than an infinite one.
    """
    factors = np.where(priors > 0, priors, 1.0) ** (-weight_power)
    weights = factors[y_encoded]
    if sample_weight is None:
        return weights / weights.mean()
    weights = weights * sample_weight
    return weights * (sample_weight.sum() / weights.sum())


def _resampled_counts(counts, priors, weight_power, labels=None):
    """Rows per class after resampling: ``n_y * (max_k pi_k / pi_y) ** w``.

    Rounded to the nearest integer (``numpy.rint``, halves to even) and never
    below ``n_y``, so no row is dropped and the class of largest prior keeps
    its rows as they are. With training priors and ``w = 1`` every class gets
    ``max_k n_k`` rows, the target of ``RandomOverSampler``. A class of prior
    0, or absent (``n_y = 0``), is left as it is.

    With sample weights (or given ``priors``) far from the row counts a class
    can need more rows than that: a class weighted 1e-7 would be replicated a
    billion-fold. No class may grow beyond :data:`_MAX_ROWS_FACTOR` times the
    largest class's row count (what a full ``RandomOverSampler`` gives each
    class); such priors are refused, by name, for ``balance="weight"``,
    which realises the same member exactly.
    """
    present = (priors > 0) & (counts > 0)
    if not np.any(present):
        return counts.copy()
    ratio = np.ones(len(counts))
    ratio[present] = (priors[present].max() / priors[present]) ** weight_power
    target = counts * ratio
    largest = _MAX_ROWS_FACTOR * counts.max()
    too_many = target > largest * (1 + 1e-9)
    if np.any(too_many):
        k = int(np.argmax(np.where(too_many, target / largest, 0)))
        name = f"index {k}" if labels is None else repr(_plain(labels[k]))
        raise ValueError(
            f'`balance="resample"` with weight_power={weight_power:g} cannot be '
            f"realised: class {name} has {int(counts[k])} row(s) but a prior of "
            f"{priors[k]:.3g} (weighted by `sample_weight`, or given as `priors`), "
            f"so it would be replicated to {target[k]:.3g} rows, more than "
            f"{_MAX_ROWS_FACTOR} times the largest class's row count "
            f"({int(counts.max())}, what a full RandomOverSampler gives each class). "
            'Use balance="weight" (balances="weight" in LogitAdjustedClassifierCV), '
            "which realises the same member by weights, or sample weights closer "
            "to the row counts."
        )
    return np.maximum(np.rint(target).astype(np.int64), counts)


def _resample_indices(y_encoded, priors, weight_power, random_state, labels=None):
    """Row indices that replicate each class to :func:`_resampled_counts`.

    Every row is kept once, in order; then, class by class in encoded (sorted)
    order, the missing rows are drawn uniformly with replacement from the
    class's rows by ``random_state.choice``. That is imbalanced-learn's
    ``RandomOverSampler`` draw for draw, so at ``w = 1`` with training priors
    the rows are the same as its ``fit_resample`` with the same seed.

    Parameters
    ----------
    y_encoded : ndarray of shape (n_samples,)
        Class indices.

    priors : ndarray of shape (n_classes,)
        Class priors the weights ``pi ** -w`` are computed from.

    weight_power : float
        Exponent ``w``.

    random_state : numpy.random.RandomState
        Source of the draws.

    labels : ndarray of shape (n_classes,), default=None
        The class labels, for a message naming a class that cannot be
        resampled (:func:`_resampled_counts`).

    Returns
    -------
    indices : ndarray of shape (n_resampled,)
        ``arange(n_samples)`` followed by the replicated rows.
    """
    counts = np.bincount(y_encoded, minlength=len(priors))
    extra = _resampled_counts(counts, priors, weight_power, labels) - counts
    draws = [np.arange(len(y_encoded))]
    # Classes needing no rows are skipped (RandomOverSampler skips its
    # majority class; a zero-size draw would consume no state anyway).
    for k in np.flatnonzero(extra > 0):
        members = np.flatnonzero(y_encoded == k)
        draws.append(random_state.choice(members, size=extra[k], replace=True))
    return np.concatenate(draws)


def _fit_member(
    estimator,
    X,
    y,
    *,
    y_encoded,
    priors,
    weight_power,
    balance,
    random_state,
    fit_params,
    weight_key,
    sample_weight,
):
    """Fit ``estimator`` as the family member ``(weight_power, balance)``.

    ``balance="weight"`` multiplies ``sample_weight`` by ``pi_y ** -w``
    (:func:`_balancing_weights`); ``"resample"`` fits on the rows of
    :func:`_resample_indices`, each carrying its own ``sample_weight`` and
    sample-aligned fit params; an imbalanced-learn sampler or a
    :class:`~sklearn_la.BalancedBagging` is fitted by the functions below.
    ``w = 0`` fits on the data as given. ``y_encoded`` indexes ``priors``;
    ``fit_params``, ``weight_key`` and ``sample_weight`` are as routed (see
    :func:`._routing._fit_estimator`), already restricted to the rows of
    ``X``.

    Returns the fitted estimator and ``seen``, a Bunch of the ``y_encoded``
    and ``sample_weight`` of the rows its ``fit`` was given (``y_encoded``
    None if it was None), from which :func:`_member_prior` reads the prior it
    was trained under.
    """
    if weight_power > 0 and not isinstance(balance, str):
        return _fit_rebalanced(
            estimator, X, y, balance=balance, y_encoded=y_encoded, priors=priors,
            weight_power=weight_power, random_state=random_state,
            fit_params=fit_params, weight_key=weight_key, sample_weight=sample_weight,
        )  # fmt: skip
    if weight_power > 0 and balance == "weight":
        sample_weight = _balancing_weights(
            y_encoded, priors, weight_power, sample_weight
        )
    elif weight_power > 0:
        # The label of each class index, for a message naming the class.
        labels = np.empty(len(priors), dtype=object)
        first = np.unique(y_encoded, return_index=True)
        labels[first[0]] = list(_safe_indexing(y, first[1]))
        rows = _resample_indices(y_encoded, priors, weight_power, random_state, labels)
        fit_params = _check_method_params(X, fit_params, indices=rows)
        X, y = _safe_indexing(X, rows), _safe_indexing(y, rows)
        sample_weight = None if sample_weight is None else sample_weight[rows]
        y_encoded = y_encoded[rows]
    estimator = _fit_estimator(
        estimator,
        X,
        y,
        fit_params=fit_params,
        weight_key=weight_key,
        sample_weight=sample_weight,
    )
    return estimator, Bunch(y_encoded=y_encoded, sample_weight=sample_weight)


# --------------------------------------------------------------------------
# Every other rebalancing: imbalanced-learn samplers, BalancedBagging, and the
# prior a fitted base was trained under.

# The ``priors`` options besides an array or dict.
PRIORS = ("auto", "train", "effective")
_MAX_SEED = np.iinfo(np.int32).max
# How class_weight="balanced" counts a class given sample weights (scikit-learn
# >= 1.8): by its weight mass, so every class ends with the same mass, or by
# its rows, so the weights still tilt the prior. A forest also draws its
# bootstraps in proportion to the weights: the same mass again.
_BALANCED_BY_MASS = (
    LogisticRegression,
    LogisticRegressionCV,
    LinearSVC,
    RandomForestClassifier,
    ExtraTreesClassifier,
)
_BALANCED_BY_COUNT = (
    DecisionTreeClassifier,
    ExtraTreeClassifier,
    HistGradientBoostingClassifier,
    RidgeClassifier,
    RidgeClassifierCV,
    SGDClassifier,
    Perceptron,
)


def _require_imblearn(purpose):
    """Import imbalanced-learn, or say which extra installs it."""
    try:
        import imblearn.over_sampling
        import imblearn.under_sampling
    except ImportError as exc:
        raise ImportError(
            f"{purpose} needs imbalanced-learn, which is not installed. Install it "
            "with `pip install 'sklearn-la[imblearn]'` (or `pip install "
            "imbalanced-learn`)."
        ) from exc
    return imblearn


def _from_imblearn(obj):
    return type(obj).__module__.split(".")[0] == "imblearn"


def _name(obj):
    return type(obj).__name__


class _Unreadable(ValueError):
    """What stops the training prior of a base from being read.

    Parameters
    ----------
    reason : str
        Why, as a clause of the refusal (:func:`_refusal`).
    missing_class : bool, default=False
        The base knows a class that ``y`` lacks, so the frequencies of ``y``
        cannot stand in for its prior either.
    """

    def __init__(self, reason, *, missing_class=False):
        super().__init__(reason)
        self.missing_class = missing_class


# -- does a base rebalance? ------------------------------------------------------


def _rebalancing(estimator):
    """What in an (unfitted) ``estimator`` trains it under another prior.

    Returns None for a base trained under the prior of the rows it is given,
    else a short description (``"the sampler SMOTE in its pipeline"``).
    Raises :class:`_Unreadable` for a rebalancing whose prior cannot be read
    after the fit: a sampler that neither selects rows nor is a plain over-
    or under-sampler (``SMOTEENN``, ``FunctionSampler``), or one inside an
    object this module does not look into.
    """
    if isinstance(estimator, FrozenEstimator):
        return _rebalancing(estimator.estimator)
    if isinstance(estimator, Pipeline):
        samplers = [s for _, s in estimator.steps[:-1] if hasattr(s, "fit_resample")]
        for sampler in samplers:
            _check_readable_sampler(sampler)
        inner = _rebalancing(estimator.steps[-1][1])
        if samplers:
            return f"the sampler {_name(samplers[0])} in its pipeline"
        return inner
    if _from_imblearn(estimator) and type(estimator).__module__.startswith(
        "imblearn.ensemble"
    ):
        return f"the balanced ensemble {_name(estimator)}"
    if isinstance(estimator, BaggingClassifier):
        inner = estimator.estimator
        return None if inner is None else _rebalancing(inner)
    if isinstance(estimator, (CalibratedClassifierCV, SVC, NuSVC)):
        # Their probabilities are fitted to the labels as given (a calibration
        # map, libsvm's Platt scaling): trained under the data's prior.
        return None
    if not hasattr(estimator, "get_params"):
        return None
    weight = estimator.get_params(deep=False).get("class_weight")
    if weight is not None:
        return f"class_weight={weight!r}"
    for key, value in estimator.get_params(deep=True).items():
        if (
            hasattr(value, "fit_resample")
            or (key.endswith("class_weight") and value is not None)
            or (_from_imblearn(value) and hasattr(value, "fit"))
        ):
            raise _Unreadable(
                f"its parameter {key}={value!r} rebalances the classes inside "
                f"{_name(estimator)}, which sklearn-la does not look into"
            )
    return None


def _check_readable_sampler(sampler):
    """Refuse, before any fit, a sampler whose output counts cannot be read."""
    if _from_imblearn(sampler):
        imblearn = _require_imblearn(f"reading the prior {_name(sampler)} leaves")
        from imblearn.under_sampling.base import BaseCleaningSampler

        if isinstance(
            sampler,
            (
                imblearn.over_sampling.base.BaseOverSampler,
                imblearn.under_sampling.base.BaseUnderSampler,
                BaseCleaningSampler,
            ),
        ):
            return
    raise _Unreadable(
        f"the sampler {_name(sampler)} is not a plain over-, under- or cleaning "
        "sampler of imbalanced-learn, so the class counts it leaves cannot be "
        "read back"
    )


def _reads_prior(estimator, priors):
    """Whether ``fit`` reads the base's training prior, ``priors`` resolved.

    ``"effective"`` always; ``"auto"`` for a base that rebalances; an array,
    dict or ``"train"`` never (the user's prior stands). For ``"auto"`` and
    ``"effective"``, refuses by name a base that rebalances where its prior
    cannot be read.
    """
    if not isinstance(priors, str) or priors == "train":
        return False
    try:
        found = _rebalancing(estimator)
    except _Unreadable as exc:
        raise ValueError(_refusal(estimator, priors, exc)) from None
    return priors == "effective" or found is not None


def _refusal(estimator, priors, reason):
    """The message refusing ``priors`` (a reading option) for ``estimator``,
    with the advice that works for ``reason`` (an :class:`_Unreadable`)."""
    if reason.missing_class:
        # priors="train" would fail too: y gives that class no frequency.
        advice = (
            "Fit on data with every class the base estimator knows, or pass the "
            "prior it was trained under as an array or dict."
        )
    else:
        advice = (
            "Pass `priors='train'` to adjust by the label frequencies of y anyway, "
            "or the prior it was trained under as an array or dict."
        )
    return (
        f"`priors={priors!r}` reads the class prior the base estimator was trained "
        f"under, but that of {_name(estimator)} cannot be known: {reason}. {advice}"
    )


# -- the prior a fitted base was trained under ----------------------------------


class _Rows:
    """What one fit saw: the encoded labels of its rows and their weights;
    or only its class counts (after a sampler that makes new rows); or
    nothing (a frozen model, whose training data is not the ``y`` given)."""

    def __init__(self, labels=None, weights=None, counts=None):
        self.labels = labels
        self.weights = weights
        self.counts = counts

    @classmethod
    def of(cls, labels, weights, n_classes):
        labels = np.asarray(labels)
        return cls(labels, weights, np.bincount(labels, minlength=n_classes))

    def subset(self, indices, n_classes, *, weighted=True):
        if self.labels is None:
            return _Rows()
        keep = weighted and self.weights is not None
        weights = self.weights[indices] if keep else None
        return _Rows.of(self.labels[indices], weights, n_classes)

    def prior(self):
        """The class prior of these rows, None if unknown."""
        if self.labels is not None:
            mass = np.bincount(self.labels, weights=self.weights,
                               minlength=len(self.counts))  # fmt: skip
        elif self.counts is not None:
            mass = self.counts
        else:
            return None
        return _normalised(np.asarray(mass, dtype=float))


def _normalised(mass):
    total = mass.sum()
    if not total > 0:
        raise _Unreadable("no class mass is left after its rebalancing")
    return mass / total


def _codes(classes):
    """Label -> its index in ``classes``, for the keys of fitted strategies."""
    index = {_plain(c): k for k, c in enumerate(classes)}

    def code_of(label):
        try:
            return index[_plain(label)]
        except KeyError:
            name = _plain(label)
            raise _Unreadable(
                f"it names the class {name!r}, not in y", missing_class=True
            ) from None

    return code_of


def _trained_prior(model, seen, classes, *, deep):
    """The class prior the fitted ``model`` was trained under.

    Parameters
    ----------
    model : estimator
        The fitted base, or the ensemble of a :class:`BalancedBagging` member.

    seen : Bunch
        ``y_encoded`` (indices into ``classes``) and ``sample_weight`` of the
        rows ``model.fit`` was given (:func:`_fit_member`).

    classes : ndarray of shape (n_classes,)

    deep : bool
        Read what the base does inside (samplers, balanced ensembles,
        ``class_weight``); otherwise only the rows the family gave it count,
        and the subsets of a :class:`BalancedBagging`.

    Returns
    -------
    prior : ndarray of shape (n_classes,) or None
        In ``classes`` order, summing to one; None for a frozen base that
        does not rebalance (what it was trained on is unknown). An
        ensemble's is the mean of its members'.
    """
    n_classes = len(classes)
    rows = _Rows.of(seen.y_encoded, seen.sample_weight, n_classes)
    priors = _leaf_priors(model, rows, _codes(classes), n_classes, deep=deep)
    if any(p is None for p in priors):
        return None
    return np.mean(priors, axis=0)


def _leaf_priors(model, rows, code_of, n_classes, *, deep):
    """The priors of the models whose probabilities ``model`` averages."""
    if isinstance(model, _Bagged):
        return [
            prior
            for member, (labels, weights) in zip(model.estimators_, model.seen_)
            for prior in _leaf_priors(
                member,
                _Rows.of(labels, weights, n_classes),
                code_of,
                n_classes,
                deep=deep,
            )
        ]
    if not deep:
        return [rows.prior()]
    if isinstance(model, FrozenEstimator):
        # Fitted elsewhere: the y given to this fit is not what it saw.
        return _leaf_priors(model.estimator, _Rows(), code_of, n_classes, deep=True)
    if isinstance(model, Pipeline):
        for _, step in model.steps[:-1]:
            if hasattr(step, "fit_resample"):
                rows = _after_sampler(step, rows, code_of, n_classes)
        return _leaf_priors(model.steps[-1][1], rows, code_of, n_classes, deep=True)
    if _from_imblearn(model):
        members = _imblearn_ensemble(model, rows, code_of, n_classes)
        if members is not None:
            return members
    if isinstance(model, BaggingClassifier):
        return _bagging_priors(model, rows, code_of, n_classes)
    if isinstance(model, (CalibratedClassifierCV, SVC, NuSVC)):
        return [rows.prior()]
    _rebalancing(model)  # refuses what it cannot look into
    return [_class_weighted(model, rows, code_of, n_classes)]


def _class_weighted(model, rows, code_of, n_classes):
    """A leaf's prior: its rows' class mass times its ``class_weight``."""
    params = model.get_params(deep=False) if hasattr(model, "get_params") else {}
    weight = params.get("class_weight")
    if weight is None:
        return rows.prior()
    if isinstance(weight, str) and weight in ("balanced", "balanced_subsample"):
        # Weights n / (K * n_y), n_y the rows of class y (a forest's
        # "balanced_subsample": per bootstrap, in expectation): each class's
        # mass over its rows. Some models count n_y with the sample weights,
        # so every class gets the same mass whatever the weights; others count
        # rows, and a model on neither list is refused rather than guessed.
        if rows.counts is None:
            present = np.zeros(n_classes, dtype=bool)
            present[[code_of(c) for c in model.classes_]] = True
            return _normalised(present.astype(float))
        present = (rows.counts > 0).astype(float)
        if rows.weights is None or isinstance(model, _BALANCED_BY_MASS):
            return _normalised(present)
        if not isinstance(model, _BALANCED_BY_COUNT):
            raise _Unreadable(
                f"{_name(model)}(class_weight={weight!r}) was fitted with sample "
                "weights, and whether its class weights count the rows or their "
                "weights is unknown"
            )
        mass = rows.prior() * rows.counts.sum()
        return _normalised(np.divide(mass, rows.counts, out=np.zeros(n_classes),
                                     where=rows.counts > 0))  # fmt: skip
    if isinstance(weight, dict):
        prior = rows.prior()
        if prior is None:
            raise _Unreadable(
                f"{_name(model)}(class_weight={weight!r}) was fitted elsewhere, so "
                "the class counts its weights multiply are unknown"
            )
        factors = np.ones(n_classes)
        for label, value in weight.items():
            factors[code_of(label)] = value
        return _normalised(prior * factors)
    raise _Unreadable(f"its class_weight={weight!r} is not one dict of weights")


def _after_sampler(sampler, rows, code_of, n_classes):
    """The rows a fitted sampler passed on.

    From its ``sample_indices_`` when it has them and the rows it got are
    known; else the class counts its fitted ``sampling_strategy_`` asked for
    (an over-sampler's is the rows it adds, which ADASYN and KMeansSMOTE
    reach to rounding; an under-sampler's the rows it keeps).
    """
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None and rows.labels is not None:
        return rows.subset(np.asarray(indices), n_classes)
    imblearn = _require_imblearn(f"reading the prior {_name(sampler)} leaves")
    strategy = getattr(sampler, "sampling_strategy_", None)
    over = isinstance(sampler, imblearn.over_sampling.base.BaseOverSampler)
    under = isinstance(sampler, imblearn.under_sampling.base.BaseUnderSampler)
    asked = {code_of(k): int(n) for k, n in (strategy or {}).items()}
    if (over and rows.counts is not None) or (
        under and (rows.counts is not None or set(asked) == set(range(n_classes)))
    ):
        counts = (
            np.zeros(n_classes, dtype=np.int64)
            if rows.counts is None
            else rows.counts.copy()
        )
        for code, n in asked.items():
            counts[code] = counts[code] + n if over else n
        return _Rows(counts=counts)
    raise _Unreadable(
        f"it was fitted elsewhere, and the class counts its sampler "
        f"{_name(sampler)} produced depend on the rows it got, which are unknown"
    )


def _imblearn_ensemble(model, rows, code_of, n_classes):
    """The member priors of imbalanced-learn's forest and boosting, or None."""
    from imblearn.ensemble import BalancedRandomForestClassifier, RUSBoostClassifier

    if isinstance(model, BalancedRandomForestClassifier):
        if model.class_weight is not None:
            raise _Unreadable(
                f"BalancedRandomForestClassifier(class_weight={model.class_weight!r}) "
                "weighs its balanced subsets again, by weights of the whole data"
            )
        # Its samplers got the forest's encoded labels; a tree's bootstrap of
        # their rows keeps the class mix in expectation.
        forest_codes = _encoded_by(model, code_of)
        return [
            _after_sampler(s, rows, forest_codes, n_classes).prior()
            for s in model.samplers_
        ]
    if isinstance(model, RUSBoostClassifier):
        # Each stage's rows; its boosting weights follow the errors, not a
        # class prior, and are left out.
        return [
            _after_sampler(s, rows, code_of, n_classes).prior() for s in model.samplers_
        ]
    return None


def _encoded_by(model, code_of):
    """``code_of`` for labels encoded as indices of ``model.classes_``."""
    return lambda key: code_of(model.classes_[int(key)])


def _bagging_priors(model, rows, code_of, n_classes):
    """A bagging ensemble's members, each on the rows it drew.

    Members are fitted on the labels the ensemble encoded. A member given
    its draws as weights over all rows (a base that takes
    ``sample_weight``) has the same class mass, but a rebalancing inside it
    saw all the rows: that is refused.
    """
    if model.estimators_ and has_fit_parameter(model.estimators_[0], "sample_weight"):
        if _rebalancing(model.estimators_[0]) is not None:
            raise _Unreadable(
                f"{_name(model)} fits {_name(model.estimators_[0])} with its draws "
                "as sample weights, so the rows its rebalancing saw are unknown"
            )
    member_codes = _encoded_by(model, code_of)
    priors = []
    for member, indices in zip(model.estimators_, model.estimators_samples_):
        # The draws follow the sample weights and the member is fitted on the
        # drawn rows alone (scikit-learn >= 1.7): weighting them again would
        # count the weights twice.
        member_rows = rows.subset(np.asarray(indices), n_classes, weighted=False)
        priors += _leaf_priors(member, member_rows, member_codes, n_classes, deep=True)
    return priors


# -- the correction a member gets ------------------------------------------------


def _prior_correction(trained, priors, weight_power):
    """``-log(pi') + (1 - w) * log(pi)``: the member as if trained under
    ``pi ** (1 - w)``.

    Zero for a class of prior 0 on either side (not learnt, or not in the
    training rows): its scores are ``-inf``, or it is refused elsewhere.
    """
    known = (trained > 0) & (priors > 0)
    correction = np.zeros(len(priors))
    correction[known] = -np.log(trained[known]) + (1.0 - weight_power) * np.log(
        priors[known]
    )
    return correction


def _corrected_offset(trained, priors, weight_power, tau, target, *, name="tau"):
    """The offset ``-tau * log(pi) + log(q)`` and the correction, in one sum.

    ``(1 - w - tau) * log(pi) - log(pi') + log(q)``: at the consistent ``tau
    = 1 - w`` exactly ``-log(pi') + log(q)``, so that a base trained under
    the target prior is left bit for bit as it is (a constant is dropped,
    as :func:`._adjust._effective_offset` drops it). A class left out of
    the correction (:func:`_prior_correction`) keeps ``-tau * log(pi) +
    log(q)``.
    """
    # A class never predicted (a prior or target of 0) stays -inf: _log_offset.
    offset = _log_offset(priors, tau, target, name=name)
    known = (trained > 0) & (priors > 0) & (target > 0)
    with np.errstate(over="ignore", invalid="ignore"):
        offset[known] = (
            (1.0 - weight_power - tau) * np.log(priors[known])
            - np.log(trained[known])
            + np.log(target[known])
        )
    if not np.all(np.isfinite(offset[known])):
        raise ValueError(
            f"`{name}` value {float(tau)!r} is too large for these priors: the "
            f"offset overflows to {offset.tolist()!r}. Use a smaller `{name}`."
        )
    return np.zeros_like(offset) if np.ptp(offset) == 0 else offset


def _member_prior(model, seen, classes, *, member, deep, estimator, priors_param):
    """The prior a fitted member was trained under, or None where the family's
    own ``pi ** (1 - w)`` holds by construction.

    A member of weights or replication gets None unless its base is read
    (``deep``); a sampler or bag member always has the counts it produced
    read. ``seen`` is what :func:`_fit_member` returned, its labels
    encoded as indices of ``classes``; ``estimator`` and ``priors_param``
    name what is refused.

    Returns
    -------
    trained : Bunch or None
        ``classes`` and ``prior`` (in their order, summing to one).
    """
    weight_power, balance = member
    if not deep and (weight_power == 0 or isinstance(balance, str)):
        return None
    try:
        prior = _trained_prior(model, seen, classes, deep=deep)
    except _Unreadable as exc:
        raise ValueError(_refusal(estimator, priors_param, exc)) from None
    return None if prior is None else Bunch(classes=classes, prior=prior)


def _effective_priors(trained, classes, priors, weight_power):
    """``effective_priors_`` and the correction, in the order of ``classes``.

    ``trained`` is None (the family's ``priors ** (1 - w)`` holds) or a Bunch
    of ``classes`` and ``prior`` as :func:`_member_prior` read it.
    """
    if trained is None:
        # A class of prior 0 (zero total weight) stays at 0, for every w.
        family = np.power(
            priors, 1.0 - weight_power, out=np.zeros(len(priors)), where=priors > 0
        )
        return family / family.sum(), None
    lookup = {_plain(c): p for c, p in zip(trained.classes, trained.prior)}
    prior = np.array([lookup.get(_plain(c), 0.0) for c in classes])
    correction = _prior_correction(prior, priors, weight_power)
    # A constant changes no argmax or softmax: none keeps the base bit for bit.
    return prior, None if np.ptp(correction) == 0 else correction


# -- samplers as family members --------------------------------------------------


def _sampling_kind(sampler):
    """``"over"`` or ``"under"``, or a refusal naming the sampler.

    imbalanced-learn reads a ``sampling_strategy`` dict by the sampler's
    declared ``_sampling_type`` (the attribute its own validation reads and
    every custom sampler sets): the class counts wanted after over-sampling,
    or kept by under-sampling. A cleaning method takes no counts; a combined
    one (``SMOTEENN``) declares over-sampling but then cleans, so it leaves
    other counts than the family's. The family sets the counts, so a
    ``sampling_strategy`` of the user's would be overwritten: refused too.
    """
    name = (
        f"The sampler {_name(sampler)} (`balance`, an entry of `balances`, or a "
        "BalancedBagging's sampler)"
    )
    kind = getattr(sampler, "_sampling_type", None)
    if _is_combined(sampler):
        kind = "combined"
    if kind not in ("over-sampling", "under-sampling"):
        if kind == "combined":
            reason = (
                "it over-samples and then cleans rows, so it leaves other class "
                "counts than the family's"
            )
            # Its counts cannot be read back from a pipeline either.
            advice = (
                "Use its over-sampler (SMOTE()) as the member, or put it in the "
                "base estimator's imbalanced-learn Pipeline with the prior it "
                "leaves given as priors=."
            )
        else:
            reason = (
                "it cleans rows (its sampling_strategy names classes, not counts), "
                "so it cannot be set to the family's class counts"
                if kind == "clean-sampling"
                else f"its sampling type {kind!r} takes no class counts (an "
                "imbalanced-learn over- or under-sampler is expected)"
            )
            advice = (
                "Put it in the base estimator's imbalanced-learn Pipeline instead, "
                "where priors='auto' reads the prior it leaves."
            )
        raise ValueError(f"{name} cannot realise a family member: {reason}. {advice}")
    strategy = sampler.get_params(deep=False).get("sampling_strategy", "auto")
    if not (isinstance(strategy, str) and strategy == "auto"):
        raise ValueError(
            f"{name} has sampling_strategy={_short_repr(strategy)}, but a family "
            "member's class counts are set by sklearn-la (n_y * pi_y ** -w at its "
            "weight power), which would overwrite it. Leave "
            "sampling_strategy='auto', or put the sampler in the base estimator's "
            "imbalanced-learn Pipeline, where priors='auto' reads the prior it "
            "leaves."
        )
    return "over" if kind == "over-sampling" else "under"


def _is_combined(sampler):
    """An imbalanced-learn combined sampler (``SMOTEENN``, ``SMOTETomek``), or
    a subclass of one defined elsewhere."""
    return any(
        cls.__module__.startswith("imblearn.combine") for cls in type(sampler).__mro__
    )


def _family_targets(counts, priors, weight_power, kind):
    """Rows per class to ask a sampler for: the family's ``n_y * pi_y ** -w``,
    scaled so that an over-sampler only adds rows and an under-sampler only
    drops them.

    Over-samplers: ``n_y * (max_k pi_k / pi_y) ** w``, the counts of
    ``balance="resample"``; under-samplers: ``n_y * (min_k pi_k / pi_y) **
    w``, at least one row. Rounded to the nearest integer; a class of prior
    0, or absent, is left as it is.
    """
    if kind == "over":
        return _resampled_counts(counts, priors, weight_power)
    present = (priors > 0) & (counts > 0)
    ratio = np.ones(len(counts))
    ratio[present] = (priors[present].min() / priors[present]) ** weight_power
    targets = np.clip(np.rint(counts * ratio).astype(np.int64), 1, counts)
    return np.where(present, targets, counts)


def _rows_needed(sampler):
    """Rows a class needs to be synthesised from: ``k_neighbors + 1`` for SMOTE
    and its variants, ``n_neighbors + 1`` for ADASYN (a neighbours object
    counts the row itself); none for a sampler without neighbours."""
    params = sampler.get_params(deep=False)
    for name in ("k_neighbors", "n_neighbors"):
        if name in params:
            value = params[name]
            if isinstance(value, Integral):
                return int(value) + 1
            return int(getattr(value, "n_neighbors", 0))
    return 0


def _fit_resampled(estimator, X, y, *, y_encoded, priors, weight_power, sampler,
                   random_state, fit_params, weight_key, sample_weight):  # fmt: skip
    """Fit ``estimator`` on the rows a sampler produces at the family's counts.

    The sampler (a clone) gets a ``sampling_strategy`` dict of the classes
    whose count changes (:func:`_family_targets`), keyed by label, and an
    unset ``random_state`` drawn from ``random_state``. A class with fewer
    rows than a neighbour-based over-sampler needs (SMOTE's ``k_neighbors +
    1``) is left as it is, where imbalanced-learn would refuse the whole
    fit: the counts actually produced are read afterwards, so the member
    stays consistent. Sample weights and sample-aligned fit params follow
    the rows of a sampler that has ``sample_indices_``; one that makes new
    rows refuses them.

    Returns the fitted estimator and ``seen``, the encoded labels and
    weights of the rows it was fitted on.
    """
    sampler = clone(sampler)
    kind = _sampling_kind(sampler)
    counts = np.bincount(y_encoded, minlength=len(priors))
    targets = _family_targets(counts, priors, weight_power, kind)
    if kind == "over":
        targets = np.where(counts < _rows_needed(sampler), counts, targets)
    codes, first = np.unique(y_encoded, return_index=True)
    labels = np.asarray(y)[first]
    label_of = {int(k): _plain(label) for k, label in zip(codes, labels)}
    strategy = {
        label_of[int(k)]: int(targets[k]) for k in np.flatnonzero(targets != counts)
    }
    seen = Bunch(y_encoded=y_encoded, sample_weight=sample_weight)
    if strategy:
        sampler.set_params(sampling_strategy=strategy)
        params = sampler.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            sampler.set_params(random_state=int(random_state.randint(_MAX_SEED)))
        X_res, y_res = sampler.fit_resample(X, y)
        indices = getattr(sampler, "sample_indices_", None)
        if indices is not None:
            fit_params = _check_method_params(X, fit_params, indices=indices)
            sample_weight = None if sample_weight is None else sample_weight[indices]
        else:
            _refuse_row_params(sampler, len(y), fit_params, sample_weight)
        found, inverse = np.unique(np.asarray(y_res), return_inverse=True)
        code_of = {label: code for code, label in label_of.items()}
        X, y = X_res, y_res
        seen = Bunch(
            y_encoded=np.array([code_of[_plain(v)] for v in found])[inverse],
            sample_weight=sample_weight,
        )
    model = _fit_estimator(
        estimator, X, y, fit_params=fit_params, weight_key=weight_key,
        sample_weight=sample_weight,
    )  # fmt: skip
    return model, seen


def _refuse_row_params(sampler, n_samples, fit_params, sample_weight):
    """Refuse per-row metadata that new rows cannot carry."""
    aligned = [
        key
        for key, value in fit_params.items()
        if hasattr(value, "__len__")
        and not isinstance(value, str)
        and len(value) == n_samples
    ]
    if sample_weight is not None:
        aligned.insert(0, "sample_weight")
    if aligned:
        raise ValueError(
            f"The sampler {_name(sampler)} makes new rows, which have no "
            f"{', '.join(aligned)}: per-row fit metadata can only follow a sampler "
            "that selects rows (one with sample_indices_, as RandomOverSampler "
            "and RandomUnderSampler). The sampler is a `balance`, or an entry of "
            "the CV's `balances` (balances='imblearn' holds SMOTE()): fit without "
            "the metadata, or use 'resample' or 'weight'."
        )


# -- bagging as a family member --------------------------------------------------


class BalancedBagging(BaseEstimator):
    """Bagging on class-rebalanced subsets, as a member of the consistent family.

    Passed as ``balance`` to :class:`~sklearn_la.LogitAdjustedClassifier`, or
    among the ``balances`` of :class:`~sklearn_la.LogitAdjustedClassifierCV`,
    it makes the family member of weight power ``w`` a bag: ``n_estimators``
    clones of the base model, each fitted on a subset in which class ``y``
    has ``n_y * (min_k pi_k / pi_y) ** w`` rows (rounded, at least one),
    drawn by imbalanced-learn's ``RandomUnderSampler``, their probabilities
    averaged. At ``w = 1`` every subset is balanced: with
    ``replacement=False`` that is EasyEnsemble (Liu, Wu & Zhou, 2009) of any
    base model; with ``replacement=True`` (a bootstrap within each class),
    the subsets of a balanced random forest (Chen, Liaw & Breiman, 2004).
    Like every member, the bag is adjusted by ``tau = 1 - w``, from the
    class counts its subsets actually had (Menon et al., 2021, Theorem 1).
    At ``w = 0`` there is nothing to rebalance: the base is fitted once on
    the data as given.

    One fit of the member costs ``n_estimators`` fits of the base model (on
    smaller data), which is why no default search contains it.

    Parameters
    ----------
    n_estimators : int, default=10
        Base models in the bag.

    replacement : bool, default=False
        Draw each class's rows with replacement (a balanced random forest's
        subsets) rather than without (EasyEnsemble's).

    sampler : imbalanced-learn sampler or None, default=None
        Draws each subset, set to the family's counts as a sampler passed as
        ``balance`` is (an over-sampler to ``n_y * (max_k pi_k / pi_y) **
        w``). ``None`` is ``RandomUnderSampler(replacement=replacement)``.

    See Also
    --------
    LogitAdjustedClassifier : Its ``balance`` takes this object.

    Notes
    -----
    The subsets and the base models' ``random_state`` (every parameter of
    that name, as scikit-learn's bagging sets them) are drawn from the
    estimator's ``random_state``: a sampler seed, then a model seed, for one
    base model after another, so the first ``k`` models of a bag of ``n`` are
    a bag of ``k``. The fitted ``estimator_`` is then an ensemble with
    ``estimators_`` (the fitted base models), ``classes_`` and
    ``class_prior_`` (the mean class frequencies of their subsets).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from sklearn_la import BalancedBagging, LogitAdjustedClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9, 0.1],
    ...                            random_state=0)
    >>> clf = LogitAdjustedClassifier(
    ...     DecisionTreeClassifier(random_state=0), weight_power=1,
    ...     balance=BalancedBagging(n_estimators=5), random_state=0).fit(X, y)
    >>> len(clf.estimator_.estimators_)
    5
    >>> clf.effective_priors_  # every subset balanced
    array([0.5, 0.5])
    """

    _parameter_constraints: dict = {
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "replacement": ["boolean"],
        "sampler": [HasMethods(["fit_resample"]), None],
    }

    def __init__(self, n_estimators=10, *, replacement=False, sampler=None):
        self.n_estimators = n_estimators
        self.replacement = replacement
        self.sampler = sampler


def _check_bag(bag):
    """Validate a :class:`BalancedBagging`'s parameters, before any fit.

    Its first parameter is ``n_estimators``: a model given there (as to
    imbalanced-learn's ``BalancedBaggingClassifier(estimator)``) is told
    that the bag takes the wrapper's ``estimator``.
    """
    if hasattr(bag.n_estimators, "fit"):
        raise TypeError(
            f"BalancedBagging got the model {_short_repr(bag.n_estimators)} as "
            "`n_estimators`. It bags the wrapper's `estimator` and takes no model "
            "of its own: LogitAdjustedClassifier(model, weight_power=1, "
            "balance=BalancedBagging(n_estimators=10))."
        )
    bag._validate_params()


def _member_fits(balance, weight_power):
    """Fits of the base model that one fit of the member makes."""
    if isinstance(balance, BalancedBagging) and weight_power > 0:
        return balance.n_estimators
    return 1


def _fit_bag(estimator, X, y, *, bag, y_encoded, priors, weight_power,
             random_state, fit_params, weight_key, sample_weight):  # fmt: skip
    """Fit a :class:`BalancedBagging` member; returns the ensemble and ``seen``."""
    _check_bag(bag)
    # A bag averages its members' probabilities: refuse before fitting them.
    if not hasattr(estimator, "predict_proba"):
        raise ValueError(
            f"balance={bag!r} averages the probabilities of its members, but the "
            f"estimator {type(estimator).__name__} has no predict_proba. Use a "
            "probabilistic base (or CalibratedClassifierCV around it), or a "
            "sampler or 'weight' as balance."
        )
    if bag.sampler is None:
        _require_imblearn("BalancedBagging(sampler=None)")
        from imblearn.under_sampling import RandomUnderSampler

        template = RandomUnderSampler(replacement=bag.replacement)
    else:
        template = bag.sampler
    members, member_rows = [], []
    for _ in range(bag.n_estimators):
        sampler = clone(template)
        if "random_state" in sampler.get_params(deep=False):
            sampler.set_params(random_state=int(random_state.randint(_MAX_SEED)))
        base = clone(estimator)
        seed = int(random_state.randint(_MAX_SEED))
        base.set_params(**{
            key: seed
            for key in base.get_params(deep=True)
            if key == "random_state" or key.endswith("__random_state")
        })  # fmt: skip
        model, rows = _fit_resampled(
            base, X, y, y_encoded=y_encoded, priors=priors,
            weight_power=weight_power, sampler=sampler, random_state=random_state,
            fit_params=fit_params, weight_key=weight_key, sample_weight=sample_weight,
        )  # fmt: skip
        members.append(model)
        member_rows.append(rows)
    return _Bagged(members, member_rows, np.unique(np.asarray(y)), len(priors)), Bunch(
        y_encoded=y_encoded, sample_weight=sample_weight
    )


def _fit_rebalanced(estimator, X, y, *, balance, **member):
    """Fit a member realised by a sampler or a :class:`BalancedBagging`."""
    if isinstance(balance, BalancedBagging):
        return _fit_bag(estimator, X, y, bag=balance, **member)
    return _fit_resampled(estimator, X, y, sampler=balance, **member)


class _Bagged:
    """A fitted :class:`BalancedBagging` member: its models' mean probability.

    Built fitted by :func:`_fit_bag`; it is state, not an estimator to
    clone or refit. ``decision_function`` is the log of the mean
    probability (a log-score, as the adjustment reads scores), in the
    binary case the log-odds.
    """

    def __init__(self, estimators, seen, classes, n_codes):
        self.estimators_ = list(estimators)
        # (encoded labels, weights) of each model's rows: plain data, which
        # skops saves without another type to trust.
        self.seen_ = [(rows.y_encoded, rows.sample_weight) for rows in seen]
        self.classes_ = np.asarray(classes)
        first = self.estimators_[0]
        for name in ("n_features_in_", "feature_names_in_"):
            if hasattr(first, name):
                setattr(self, name, getattr(first, name))
        self.class_prior_ = np.mean(
            [np.bincount(labels, minlength=n_codes) / len(labels)
             for labels, _ in self.seen_], axis=0,
        )  # fmt: skip

    def __repr__(self):
        return (
            f"<BalancedBagging ensemble of {len(self.estimators_)} "
            f"{_name(self.estimators_[0])}>"
        )

    def __sklearn_is_fitted__(self):
        return True

    def predict_proba(self, X):
        total = None
        for model in self.estimators_:
            proba = np.asarray(model.predict_proba(X), dtype=np.float64)
            if total is None:
                total = np.zeros((proba.shape[0], len(self.classes_)))
            total[:, np.searchsorted(self.classes_, model.classes_)] += proba
        return total / len(self.estimators_)

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def decision_function(self, X):
        log_proba = self.predict_log_proba(X)
        if log_proba.shape[1] == 2:
            return log_proba[:, 1] - log_proba[:, 0]
        return log_proba

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


# Named candidate sets of the CV's ``balances``, beyond "auto": the default's
# members plus SMOTE at w = 0.5 and 1 and an EasyEnsemble-style bag of 3 at
# w = 1; raced, at most 37 fits of the base model (27 when the bag is out
# after the first split), against the default's 20.
NAMED_BALANCES = ("imblearn",)
_IMBLEARN_BAG = 3


def _named_balances(name, *, weights):
    """The entries of a named ``balances`` set (``weights``: whether the base
    takes sample weights, as for ``"auto"``)."""
    _require_imblearn(f"balances={name!r}")
    from imblearn.over_sampling import SMOTE

    shared = ["weight", "resample"] if weights else ["resample"]
    return [
        *shared,
        (SMOTE(), (0.5, 1.0)),
        (BalancedBagging(n_estimators=_IMBLEARN_BAG), (1.0,)),
    ]


def _balance_entries(balances, weight_powers):
    """``balances`` as ``(balance, weight powers)`` pairs, one per name.

    An entry is ``"weight"``, ``"resample"``, an imbalanced-learn sampler or a
    :class:`BalancedBagging`, with ``weight_powers``; or a pair ``(balance,
    its own weight powers)``, for a member that is not worth every ``w``
    (a bag at ``w = 1`` only). Two entries of the same name (``"SMOTE"``)
    are one, the first.
    """

    if hasattr(balances, "__array__") and not isinstance(balances, (list, tuple)):
        # An array or Series of names (the "array-like" the constraints accept).
        balances = [_plain(entry) for entry in np.asarray(balances).ravel()]
    single = isinstance(balances, str) or not isinstance(balances, (list, tuple))
    entries = []
    for entry in [balances] if single else list(balances):
        balance, own = entry, weight_powers
        if isinstance(entry, tuple) and len(entry) == 2:
            balance = entry[0]
            own = _check_grid(entry[1], f"weight powers of {balance!r}", low=0, high=1)
        known = balance in BALANCES if isinstance(balance, str) else (
            hasattr(balance, "fit_resample") or isinstance(balance, BalancedBagging)
        )  # fmt: skip
        if not known:
            # A bare pair, balances=(SMOTE(), [1.0]), reads as two entries.
            hint = (
                f" A (balance, weight_powers) pair goes inside a list: "
                f"balances=[{balances!r}]."
                if single is False
                and isinstance(balances, tuple)
                and len(balances) == 2
                and not isinstance(balances[0], tuple)
                and entry is balances[1]
                else ""
            )
            raise ValueError(
                f"`balances` entries must be in {BALANCES}, imbalanced-learn "
                "samplers, BalancedBagging, or (balance, weight_powers) pairs; got "
                f"{entry!r}.{hint}"
            )
        # Refuse a sampler that cannot be a member before any fit, not at
        # its turn in the race.
        if isinstance(balance, BalancedBagging):
            _check_bag(balance)
        sampler = balance.sampler if isinstance(balance, BalancedBagging) else balance
        if hasattr(sampler, "fit_resample"):
            _sampling_kind(sampler)
        entries.append((balance, np.asarray(own, dtype=float)))
    if not entries:
        raise ValueError(
            "`balances` must hold at least one entry: 'weight', 'resample', an "
            "imbalanced-learn sampler, a BalancedBagging or a (balance, "
            "weight_powers) pair."
        )
    # One member per name: cv_results_ tells them apart by it.
    named = {}
    for balance, own in entries:
        named.setdefault(_balance_name(balance), (balance, own))
    return list(named.values())


def _balance_name(balance):
    """How ``cv_results_`` names a balance: ``"weight"``, ``"SMOTE"``,
    ``"BalancedBagging(n_estimators=4)"`` (the repr, without ``()``)."""
    if isinstance(balance, str):
        return balance
    text = " ".join(repr(balance).split())
    return text[:-2] if text.endswith("()") else text
