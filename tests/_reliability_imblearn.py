"""Reliability cases of imbalanced-learn's rebalancing (see ``_reliability.py``)."""

import numpy as np
from _core import long_tailed
from _reliability import Case
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression

from sklearn_la import LogitAdjustedClassifier

AREA = "imbalanced-learn samplers and ensembles"
ORDER = 1

X, Y = long_tailed(n_samples=120, weights=(0.6, 0.3, 0.1))
NEEDS = ("imblearn",)


def _fit(base=None, **kwargs):
    base = LogisticRegression() if base is None else base
    return LogitAdjustedClassifier(base, **kwargs).fit(X, Y)


def _combined_sampler():
    from imblearn.combine import SMOTEENN
    from imblearn.pipeline import make_pipeline

    return _fit(make_pipeline(SMOTEENN(), LogisticRegression()))


def _hidden_class_weight():
    inner = LogisticRegression(class_weight="balanced")
    return _fit(VotingClassifier([("lr", inner)], voting="soft"))


def _weighted_balanced_forest():
    from imblearn.ensemble import BalancedRandomForestClassifier

    forest = BalancedRandomForestClassifier(n_estimators=3, class_weight="balanced")
    return _fit(forest)


def _cleaning_sampler():
    from imblearn.under_sampling import TomekLinks

    return _fit(weight_power=1, balance=TomekLinks())


def _smote_with_weights():
    from imblearn.over_sampling import SMOTE

    model = LogitAdjustedClassifier(LogisticRegression(), weight_power=1,
                                    balance=SMOTE())  # fmt: skip
    return model.fit(X, Y, sample_weight=np.ones(len(Y)))


def _smote_on_a_tiny_class():
    from imblearn.over_sampling import SMOTE

    y = Y.copy()
    y[np.flatnonzero(y == 2)[3:]] = 1  # class 2 keeps 3 rows
    clf = LogitAdjustedClassifier(
        LogisticRegression(), weight_power=1, balance=SMOTE(), random_state=0
    ).fit(X, y)
    counts = np.bincount(y)
    realised = np.array([counts.max(), counts.max(), 3])
    np.testing.assert_allclose(clf.effective_priors_, realised / realised.sum())


def _balanced_forest_not_corrected_twice():
    from imblearn.ensemble import BalancedRandomForestClassifier

    clf = _fit(BalancedRandomForestClassifier(n_estimators=5, random_state=0))
    np.testing.assert_allclose(clf.effective_priors_, [1 / 3] * 3)
    np.testing.assert_array_equal(clf.predict(X), clf.estimator_.predict(X))


CASES = [
    Case(
        'a combined sampler (``SMOTEENN``) in the base\'s pipeline, ``priors="auto"``',
        _combined_sampler,
        ValueError,
        "SMOTEENN is not a plain over-, under- or cleaning sampler",
        NEEDS,
    ),
    Case(
        "a ``class_weight`` inside another object (a ``VotingClassifier``), "
        '``priors="auto"``',
        _hidden_class_weight,
        ValueError,
        "lr__class_weight='balanced' rebalances the classes inside VotingClassifier",
        NEEDS,
    ),
    Case(
        '``BalancedRandomForestClassifier(class_weight="balanced")``',
        _weighted_balanced_forest,
        ValueError,
        "weighs its balanced subsets again",
        NEEDS,
    ),
    Case(
        "a cleaning sampler as ``balance`` (``TomekLinks()``)",
        _cleaning_sampler,
        ValueError,
        "BalancedBagging's sampler) cannot realise a family member",
        NEEDS,
    ),
    Case(
        "``balance=SMOTE()`` with ``sample_weight``",
        _smote_with_weights,
        ValueError,
        "SMOTE makes new rows, which have no sample_weight",
        NEEDS,
    ),
    Case(
        "``balance=SMOTE()`` with a class of fewer than ``k_neighbors + 1`` rows",
        _smote_on_a_tiny_class,
        None,
        "that class is left as it is (imbalanced-learn would refuse the fit); "
        "the adjustment uses the counts produced (``effective_priors_``)",
        NEEDS,
    ),
    Case(
        'a balanced ensemble (``BalancedRandomForestClassifier``), ``priors="auto"``',
        _balanced_forest_not_corrected_twice,
        None,
        "read as trained under a uniform prior and left as it is (not "
        "corrected a second time)",
        NEEDS,
    ),
]
