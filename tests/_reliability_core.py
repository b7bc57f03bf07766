"""Reliability cases of the post-hoc estimators (see ``_reliability.py``)."""

import numpy as np
import pandas as pd
from _core import BrokenProbaClassifier, ReorderedClassifier, long_tailed
from _reliability import Case
from sklearn import config_context
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError, UnsetMetadataPassedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV

AREA = "Post-hoc estimators"

X, Y = long_tailed(n_samples=120, weights=(0.6, 0.3, 0.1))
LAC = "``LogitAdjustedClassifier``"
CV = "``LogitAdjustedClassifierCV``"


def _fit(y=Y, X=X, base=None, cv=False, cv_splits=2, **kwargs):
    base = LogisticRegression() if base is None else base
    if cv:
        kwargs = {"cv": cv_splits, "taus": 3, **kwargs}
        return LogitAdjustedClassifierCV(base, **kwargs).fit(X, y)
    return LogitAdjustedClassifier(base, **kwargs).fit(X, y)


def _fit_weighted(weights, cv=False, **kwargs):
    if cv:
        est = LogitAdjustedClassifierCV(LogisticRegression(), cv=2, taus=3, **kwargs)
    else:
        est = LogitAdjustedClassifier(LogisticRegression(), **kwargs)
    return est.fit(X, Y, sample_weight=weights)


def _negative_weights():
    return np.where(np.arange(len(Y)) == 0, -1.0, 1.0)


def _zero_weight_class_is_never_predicted():
    clf = _fit_weighted(_zero_weight_for_class_2())
    assert clf.priors_[2] == 0
    assert not np.any(clf.predict(X) == 2)
    assert np.all(clf.predict_proba(X)[:, 2] == 0)


def _zero_weight_for_class_2():
    return np.where(Y == 2, 0.0, 1.0)


def _predict_broken(value):
    return _fit(base=BrokenProbaClassifier(value)).predict(X)


def _every_class_of_a_row_ruled_out():
    from sklearn.tree import DecisionTreeClassifier

    clf = _fit(base=DecisionTreeClassifier(random_state=0), target_priors=[0, 1, 1])
    sure = clf.estimator_.predict_proba(X)[:, 0] == 1
    # One row the tree gives to class 0 alone, after one it does not.
    clf.predict(X[[np.flatnonzero(~sure)[0], np.flatnonzero(sure)[0]]])


def _knn_weighted_with_routing():
    with config_context(enable_metadata_routing=True):
        _fit(base=KNeighborsClassifier(), weight_power=0.5)


def _huge_priors_are_normalised():
    clf = _fit(priors=[1e308, 1e308, 1e308])
    np.testing.assert_allclose(clf.priors_, [1 / 3] * 3)


def _series_priors_are_aligned_by_label():
    clf = _fit(priors=pd.Series({2: 0.1, 1: 0.2, 0: 0.7}))
    np.testing.assert_allclose(clf.priors_, [0.7, 0.2, 0.1])


def _unsorted_classes_are_aligned():
    clf = _fit(base=ReorderedClassifier())
    np.testing.assert_array_equal(clf.classes_, [2, 0, 1])
    np.testing.assert_allclose(clf.priors_, np.bincount(Y)[[2, 0, 1]] / len(Y))


def _array_priors_with_unsorted_classes():
    _fit(base=ReorderedClassifier(), priors=[0.6, 0.3, 0.1])


def _ties_go_to_the_first_class():
    # DummyClassifier(strategy="prior") predicts the priors: with tau=1 every
    # class scores log(pi) - log(pi) = 0 exactly.
    clf = _fit(base=DummyClassifier(strategy="prior"))
    assert np.all(clf.predict(X) == clf.classes_[0])
    np.testing.assert_array_equal(
        clf.classes_[np.argmax(clf.predict_proba(X), axis=1)], clf.predict(X)
    )


def _zero_probability_stays_zero():
    from sklearn.tree import DecisionTreeClassifier

    clf = _fit(base=DecisionTreeClassifier(random_state=0))
    base = clf.estimator_.predict_proba(X)
    assert (base == 0).any()
    np.testing.assert_array_equal(clf.predict_proba(X)[base == 0], 0.0)


def _zero_probability_with_a_ranking_scorer():
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import cross_val_score

    forest = LogitAdjustedClassifier(RandomForestClassifier(n_estimators=5))
    y = (Y > 0).astype(int)
    assert np.all(np.isfinite(cross_val_score(forest, X, y, scoring="roc_auc")))


def _aliased_weights_through_a_pipeline():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    weights = np.where(Y == 2, 5.0, 1.0)
    plain = _fit_weighted(weights)
    with config_context(enable_metadata_routing=True):
        pipe = make_pipeline(
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight="my_sw"),
        )
        clf = LogitAdjustedClassifier(pipe).fit(X, Y, my_sw=weights)
    np.testing.assert_allclose(clf.priors_, plain.priors_)


def _unrequested_weights_with_routing():
    with config_context(enable_metadata_routing=True):
        _fit_weighted(np.ones(len(Y)))


def _zero_target_prior_round_trip():
    clf = _fit(target_priors="estimate")
    q = clf.estimate_target_priors(X[Y != 2])
    q[2] = 0.0  # what EM returns for a class absent from a batch
    shifted = _fit(target_priors=q)
    assert not np.any(shifted.predict(X) == 2)
    assert np.all(shifted.predict_proba(X)[:, 2] == 0)


def _bagged_wrapper_with_an_empty_bag():
    from sklearn.ensemble import BaggingClassifier

    y = Y.copy()
    y[np.flatnonzero(y == 2)[1:]] = 1  # class 2 keeps one row
    bag = BaggingClassifier(
        LogitAdjustedClassifier(LogisticRegression()), n_estimators=8, random_state=0
    ).fit(X, y)
    assert bag.predict_proba(X).shape == (len(y), 3)


def _one_minority_row():
    y = np.zeros(len(Y), dtype=int)
    y[7] = 1
    return _fit(y=y, cv=True, cv_splits=5)


def _groups_without_routing():
    from sklearn.model_selection import GroupKFold

    clf = LogitAdjustedClassifierCV(LogisticRegression(), cv=GroupKFold(3))
    clf.fit(X, Y, groups=np.arange(len(Y)) % 6)
    assert clf.cv_results_["n_splits"].max() == 3


def _scorer_returning_an_array(estimator, X, y):
    return np.zeros(2)


def _refit_false_then_predict():
    return _fit(cv=True, refit=False).predict(X)


CASES = [
    Case(
        f"{LAC} ``.fit(X, None)``",
        lambda: _fit(y=None),
        ValueError,
        "requires y to be passed",
    ),
    Case(
        "``fit`` on 0 samples",
        lambda: _fit(X=X[:0], y=Y[:0]),
        ValueError,
        "`y` is empty (0 samples)",
    ),
    Case(
        "``None`` among string labels",
        lambda: _fit(y=np.array(["a", None] * 60, dtype=object)),
        ValueError,
        "Missing label None in `y`",
    ),
    Case(
        '``pd.NA`` among labels (a pandas ``"string"`` Series with missing values)',
        lambda: _fit(y=pd.Series(["a", None] * 60, dtype="string")),
        ValueError,
        "Missing label <NA> in `y`",
    ),
    Case(
        "labels of mixed types (``1`` and ``'a'``)",
        lambda: _fit(y=np.array([1, "a"] * 60, dtype=object)),
        ValueError,
        "Labels of mixed types",
    ),
    Case(
        "a single class in ``y``",
        lambda: _fit(y=np.zeros(len(Y))),
        ValueError,
        "needs at least 2 classes",
    ),
    Case(
        "continuous ``y``",
        lambda: _fit(y=np.linspace(0, 1, len(Y))),
        ValueError,
        "supports binary or multiclass targets only",
    ),
    Case(
        f"negative ``sample_weight`` ({LAC})",
        lambda: _fit_weighted(_negative_weights()),
        ValueError,
        "`sample_weight` must be non-negative",
    ),
    Case(
        f"negative ``sample_weight`` ({CV}, ``weight_powers=[0.5]``)",
        lambda: _fit_weighted(_negative_weights(), cv=True, weight_powers=[0.5]),
        ValueError,
        "`sample_weight` must be non-negative",
    ),
    Case(
        "``sample_weight`` all zero",
        lambda: _fit_weighted(np.zeros(len(Y))),
        ValueError,
        "`sample_weight` sums to zero",
    ),
    Case(
        'a class whose total ``sample_weight`` is 0, ``priors="train"``',
        _zero_weight_class_is_never_predicted,
        None,
        "its prior is 0 and it is never predicted (as a bootstrap bag of "
        "``BaggingClassifier`` that drew none of its rows needs)",
    ),
    Case(
        "``priors`` of the wrong length",
        lambda: _fit(priors=[0.5, 0.5]),
        ValueError,
        "`priors` has length 2, expected n_classes=3",
    ),
    Case(
        "``priors`` keyed by labels that are not the classes",
        lambda: _fit(priors={0: 1, 1: 1, 5: 1}),
        ValueError,
        "missing [2], unknown [5]",
    ),
    Case(
        "a zero or negative prior",
        lambda: _fit(priors=[0.5, 0.0, 0.5]),
        ValueError,
        "`priors` must be strictly positive",
    ),
    Case(
        "non-numeric ``priors``",
        lambda: _fit(priors=["a", "b", "c"]),
        TypeError,
        "`priors` must contain numbers",
    ),
    Case(
        "``priors=[1e308, 1e308, 1e308]``",
        _huge_priors_are_normalised,
        None,
        "normalised without overflow: ``[1/3, 1/3, 1/3]``",
    ),
    Case(
        "``priors`` as a pandas Series or dict in another order",
        _series_priors_are_aligned_by_label,
        None,
        "aligned by label, never read by position",
    ),
    Case(
        "``tau=np.nan`` or ``np.inf``",
        lambda: _fit(tau=np.nan),
        InvalidParameterError,
        "The 'tau' parameter",
    ),
    Case(
        "a bool for ``tau``, ``weight_power`` or ``taus`` (``tau=True``)",
        lambda: _fit(tau=True),
        InvalidParameterError,
        "The 'tau' parameter",
    ),
    Case(
        "``tau=1e308`` (finite, but the offset overflows)",
        lambda: _fit(tau=1e308),
        ValueError,
        "`tau` value 1e+308 is too large",
    ),
    Case(
        f"``taus`` holding ``1e308`` ({CV})",
        lambda: _fit(cv=True, taus=[1.0, 1e308]),
        ValueError,
        "`taus` value 1e+308 is too large",
    ),
    Case(
        f"``taus`` holding NaN ({CV})",
        lambda: _fit(cv=True, taus=[1.0, np.nan]),
        ValueError,
        "`taus` must be finite",
    ),
    Case(
        f"``weight_powers`` outside [0, 1] ({CV})",
        lambda: _fit(cv=True, weight_powers=[0.5, 2.0]),
        ValueError,
        "`weight_powers` entries must lie in [0, 1]",
    ),
    Case(
        "``weight_power > 0`` with a ``FrozenEstimator``",
        lambda: _fit(base=FrozenEstimator(_fit().estimator_), weight_power=0.5),
        ValueError,
        "is a FrozenEstimator, which is never refitted",
    ),
    Case(
        "``weight_power > 0`` with a base whose ``fit`` takes no weights",
        lambda: _fit(base=KNeighborsClassifier(), weight_power=0.5),
        TypeError,
        "KNeighborsClassifier does not accept sample_weight in fit, which "
        "weight_power > 0 with balance='weight' needs. Use balance='resample' "
        "for the family",
    ),
    Case(
        "the same, with metadata routing enabled",
        _knn_weighted_with_routing,
        ValueError,
        "KNeighborsClassifier cannot take weights: use balance='resample'",
    ),
    Case(
        'a margin classifier (``LinearSVC``) with ``response_method="auto"``',
        lambda: _fit(base=LinearSVC()),
        ValueError,
        "Calibrate it first: LogitAdjustedClassifier(CalibratedClassifierCV(",
    ),
    Case(
        "``response_method`` the base does not have",
        lambda: _fit(base=LinearSVC(), response_method="predict_proba"),
        ValueError,
        "LinearSVC has no predict_proba method",
    ),
    Case(
        "a base ``predict_proba`` row of all zeros",
        lambda: _predict_broken(0.0),
        ValueError,
        "returned a row where every class has probability 0 in 1 row(s)",
    ),
    Case(
        "``target_priors`` 0 for the only class a base row gives a probability",
        _every_class_of_a_row_ruled_out,
        ValueError,
        "the first at index 1, every class with a probability above 0 in the "
        "base estimator's predict_proba is ruled out",
    ),
    Case(
        "an estimator class instead of an instance (``estimator=LogisticRegression``)",
        lambda: _fit(base=LogisticRegression),
        TypeError,
        "`estimator` must be an estimator instance (LogisticRegression()), "
        "got the class",
    ),
    Case(
        f"{CV} with a ``FrozenEstimator`` of an unfitted model",
        lambda: _fit(base=FrozenEstimator(LogisticRegression()), cv=True),
        NotFittedError,
        "`estimator` is a FrozenEstimator of an unfitted LogisticRegression",
    ),
    Case(
        "a base ``predict_proba`` with NaN (or negative) entries",
        lambda: _predict_broken(np.nan),
        ValueError,
        "returned NaN",
    ),
    Case(
        "a base ``predict_proba`` with infinite entries",
        lambda: _predict_broken(np.inf),
        ValueError,
        "returned infinite values",
    ),
    Case(
        '``target_priors="estimate"``, predicting one row',
        lambda: _fit(target_priors="estimate").predict(X[:1]),
        ValueError,
        "needs at least 2 rows",
    ),
    Case(
        f'``target_priors="estimate"`` ({CV})',
        lambda: _fit(cv=True, target_priors="estimate"),
        ValueError,
        "The 'target_priors' parameter of LogitAdjustedClassifierCV must be",
    ),
    Case(
        "``y`` with a label the ``FrozenEstimator`` does not know",
        lambda: _fit(base=FrozenEstimator(_fit().estimator_), y=Y + 1),
        ValueError,
        "contains labels [3] that are not among the classes [0, 1, 2]",
    ),
    Case(
        "metadata routing on, ``sample_weight`` not requested by the base",
        _unrequested_weights_with_routing,
        UnsetMetadataPassedError,
        "set_fit_request",
    ),
    Case(
        "metadata routing on, weights passed under an alias the base (or a "
        'pipeline\'s last step) requested: ``set_fit_request(sample_weight="my_sw")``',
        _aliased_weights_through_a_pipeline,
        None,
        "they weight the priors too: the model of ``sample_weight=my_sw``",
    ),
    Case(
        "a base whose ``classes_`` are not sorted",
        _unsorted_classes_are_aligned,
        None,
        "``classes_`` in the base's order; priors aligned with it",
    ),
    Case(
        "an array ``priors`` or ``target_priors`` with a base whose ``classes_`` "
        "are not sorted",
        _array_priors_with_unsorted_classes,
        ValueError,
        "`priors` is an array, but the base estimator's classes_ [2, 0, 1] are "
        "not sorted",
    ),
    Case(
        "classes tied in the adjusted scores",
        _ties_go_to_the_first_class,
        None,
        "the first class in ``classes_`` order, in all four prediction methods",
    ),
    Case(
        "a base probability of exactly 0",
        _zero_probability_stays_zero,
        None,
        "stays 0 (log-probability ``-inf``): that class is never predicted",
    ),
    Case(
        "a base probability of exactly 0 (a forest) scored by ``roc_auc``, "
        "``average_precision`` or ``top_k_accuracy``",
        _zero_probability_with_a_ranking_scorer,
        None,
        "``decision_function`` gives that class one finite score below every "
        "other, so every scorer works; argmax and order are unchanged",
    ),
    Case(
        f"{LAC} with ``y`` of tuples",
        lambda: _fit(y=[(int(v), "x") for v in Y]),
        ValueError,
        "`y` holds tuples as labels",
    ),
    Case(
        "``sample_weight`` of the wrong length",
        lambda: _fit_weighted(np.ones(5)),
        ValueError,
        "`sample_weight` has 5 entries, but the data has 120 samples",
    ),
    Case(
        f'{LAC}``(weight_power=1, balance="resample")`` with a class weighted 1e-7',
        lambda: _fit_weighted(
            np.where(Y == 2, 1e-7, 1.0), weight_power=1.0, balance="resample"
        ),
        ValueError,
        '`balance="resample"` with weight_power=1 cannot be realised: class 2',
    ),
    Case(
        "``target_priors`` holding a 0 (as ``estimate_target_priors`` returns for "
        "a class absent from the batch)",
        _zero_target_prior_round_trip,
        None,
        "that class is never predicted (probability 0)",
    ),
    Case(
        f"``BaggingClassifier({LAC}(...))`` whose bag drew none of a class's rows",
        _bagged_wrapper_with_an_empty_bag,
        None,
        "that bag's wrapper gives the class prior 0 and never predicts it; the "
        "ensemble predicts every class",
    ),
    Case(
        f"{CV} on a binary ``y`` with one minority row",
        _one_minority_row,
        None,
        "the split that tests that row trains on one class and predicts it, "
        "without a fit the base would refuse",
    ),
    Case(
        f"{CV}``(cv=GroupKFold(3)).fit(X, y, groups=g)``, metadata routing off",
        _groups_without_routing,
        None,
        "``groups`` reach the splitter, as in ``GridSearchCV``",
    ),
    Case(
        f"{CV} with a ``scoring`` callable that returns an array",
        lambda: _fit(cv=True, scoring=_scorer_returning_an_array),
        TypeError,
        "`scoring` must return a single real number for each candidate",
    ),
    Case(
        f"{CV}``(refit=False)``, then ``predict``",
        _refit_false_then_predict,
        NotFittedError,
        "was fitted with refit=False",
    ),
]
