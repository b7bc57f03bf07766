"""imbalanced-learn's rebalancing as family members, and the prior it leaves."""

import sys

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    BaggingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    VotingClassifier,
)
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from sklearn_la import (
    BalancedBagging,
    LogitAdjustedClassifier,
    LogitAdjustedClassifierCV,
)
from sklearn_la._family import _family_targets, _resampled_counts

imblearn = pytest.importorskip("imblearn")
from imblearn.combine import SMOTEENN  # noqa: E402
from imblearn.ensemble import (  # noqa: E402
    BalancedBaggingClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    RUSBoostClassifier,
)
from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler  # noqa: E402
from imblearn.pipeline import make_pipeline  # noqa: E402
from imblearn.under_sampling import (  # noqa: E402
    ClusterCentroids,
    RandomUnderSampler,
    TomekLinks,
)

X3, Y3 = make_classification(
    n_samples=600, n_classes=3, n_informative=4, weights=[0.75, 0.2, 0.05],
    flip_y=0.05, random_state=0,
)  # fmt: skip
UNIFORM = np.full(3, 1 / 3)


def _frequencies(y):
    return np.bincount(y) / len(y)


# -- samplers as family members ---------------------------------------------------


@pytest.mark.parametrize(
    "base", [LogisticRegression(), DecisionTreeClassifier(random_state=0)]
)
def test_smote_at_w1_is_the_smote_pipeline(base):
    reference = make_pipeline(SMOTE(random_state=3), clone(base)).fit(X3, Y3)
    member = LogitAdjustedClassifier(
        clone(base), weight_power=1, balance=SMOTE(random_state=3)
    ).fit(X3, Y3)
    np.testing.assert_array_equal(member.predict_proba(X3), reference.predict_proba(X3))
    np.testing.assert_array_equal(member.predict(X3), reference.predict(X3))
    np.testing.assert_allclose(member.effective_priors_, UNIFORM)


def test_an_unset_sampler_seed_is_drawn_from_random_state():
    sampler = SMOTE()
    fits = [
        LogitAdjustedClassifier(
            LogisticRegression(), weight_power=1, balance=sampler, random_state=seed
        ).fit(X3, Y3).predict_proba(X3)
        for seed in (0, 0, 1)
    ]  # fmt: skip
    np.testing.assert_array_equal(fits[0], fits[1])
    assert not np.array_equal(fits[0], fits[2])
    assert sampler.random_state is None  # the user's sampler is left alone


@pytest.mark.parametrize(
    "sampler, kind", [(RandomOverSampler(), "over"), (RandomUnderSampler(), "under")]
)
def test_a_sampler_is_set_to_the_family_counts(sampler, kind):
    counts = np.bincount(Y3)
    priors = counts / counts.sum()
    member = LogitAdjustedClassifier(
        LogisticRegression(), weight_power=0.5, balance=sampler, random_state=0
    ).fit(X3, Y3)
    extreme = priors.max() if kind == "over" else priors.min()
    expected = np.rint(counts * (extreme / priors) ** 0.5)
    np.testing.assert_allclose(member.effective_priors_, expected / expected.sum())
    assert np.array_equal(_family_targets(counts, priors, 0.5, kind), expected)
    if kind == "over":
        assert np.array_equal(expected, _resampled_counts(counts, priors, 0.5))
    # Adjusted from the counts produced: as if trained under pi ** 0.5.
    shifted = member.predict_log_proba(X3) - member.estimator_.predict_log_proba(X3)
    correction = -np.log(member.effective_priors_) + 0.5 * np.log(priors)
    offset = correction - 0.5 * np.log(priors)
    np.testing.assert_allclose(
        shifted - shifted[:, :1], np.tile(offset - offset[0], (len(Y3), 1)), atol=1e-9
    )


def test_a_class_too_small_for_smote_is_left_as_it_is():
    y = Y3.copy()
    y[np.flatnonzero(y == 2)[4:]] = 1  # class 2 keeps 4 rows: SMOTE needs 6
    member = LogitAdjustedClassifier(
        LogisticRegression(), weight_power=1, balance=SMOTE(), random_state=0
    ).fit(X3, y)
    counts = np.bincount(y)
    realised = np.array([counts.max(), counts.max(), 4])
    np.testing.assert_allclose(member.effective_priors_, realised / realised.sum())
    # imbalanced-learn itself refuses the whole fit.
    with pytest.raises(ValueError, match="n_neighbors"):
        SMOTE().fit_resample(X3, y)


def test_adasyn_is_adjusted_from_the_rows_it_made():
    member = LogitAdjustedClassifier(
        LogisticRegression(), weight_power=1, balance=ADASYN(), random_state=0
    ).fit(X3, Y3)
    n_max = np.bincount(Y3).max()
    X_res, y_res = ADASYN(
        sampling_strategy={1: n_max, 2: n_max},
        random_state=np.random.RandomState(0).randint(np.iinfo(np.int32).max),
    ).fit_resample(X3, Y3)
    assert np.bincount(y_res)[2] != n_max  # ADASYN reaches its counts to rounding
    np.testing.assert_allclose(member.effective_priors_, _frequencies(y_res))


def test_a_cleaning_sampler_cannot_realise_a_member():
    with pytest.raises(
        ValueError, match=r"TomekLinks \(`balance`, .*\) cannot realise"
    ):
        LogitAdjustedClassifier(
            LogisticRegression(), weight_power=1, balance=TomekLinks()
        ).fit(X3, Y3)


def test_a_sampler_that_makes_rows_refuses_sample_weight():
    with pytest.raises(ValueError, match="SMOTE makes new rows, which have no "
                       "sample_weight"):  # fmt: skip
        LogitAdjustedClassifier(
            LogisticRegression(), weight_power=1, balance=SMOTE()
        ).fit(X3, Y3, sample_weight=np.ones(len(Y3)))


def test_sample_weights_follow_the_rows_a_sampler_selects():
    weights = np.where(Y3 == 0, 2.0, 1.0)
    member = LogitAdjustedClassifier(
        LogisticRegression(), weight_power=1, balance=RandomUnderSampler(),
        random_state=0,
    ).fit(X3, Y3, sample_weight=weights)  # fmt: skip
    # The family's priors are weighted: class 0 keeps half as many rows as
    # the rarest class, each of weight 2, and the class mass is balanced.
    counts = np.bincount(Y3)
    kept = np.array([np.rint(counts[2] / 2), counts[2], counts[2]])
    np.testing.assert_allclose(member.effective_priors_, UNIFORM, atol=0.01)
    mass = kept * [2, 1, 1]
    np.testing.assert_allclose(member.effective_priors_, mass / mass.sum())


# -- bagging as a family member ----------------------------------------------------


def test_balanced_bagging_averages_balanced_subsets():
    member = LogitAdjustedClassifier(
        DecisionTreeClassifier(random_state=0), weight_power=1,
        balance=BalancedBagging(4), random_state=0,
    ).fit(X3, Y3)  # fmt: skip
    bag = member.estimator_
    assert len(bag.estimators_) == 4
    seeds = {model.random_state for model in bag.estimators_}
    assert len(seeds) == 4  # each base model seeded on its own, as bagging does
    np.testing.assert_allclose(member.effective_priors_, UNIFORM)
    mean = np.mean([m.predict_proba(X3) for m in bag.estimators_], axis=0)
    np.testing.assert_allclose(bag.predict_proba(X3), mean)
    # tau = 0 and target uniform: the bag's own posterior, balanced already.
    np.testing.assert_allclose(member.predict_proba(X3), mean, atol=1e-12)


def test_the_first_models_of_a_bag_are_a_smaller_bag():
    def bag(n):
        return LogitAdjustedClassifier(
            DecisionTreeClassifier(), weight_power=1, balance=BalancedBagging(n),
            random_state=0,
        ).fit(X3, Y3).estimator_  # fmt: skip

    small, large = bag(2), bag(5)
    for a, b in zip(small.estimators_, large.estimators_):
        np.testing.assert_array_equal(a.predict_proba(X3), b.predict_proba(X3))


def test_a_bag_at_w0_is_one_plain_fit():
    member = LogitAdjustedClassifier(
        LogisticRegression(), balance=BalancedBagging(5)
    ).fit(X3, Y3)
    assert isinstance(member.estimator_, LogisticRegression)


def test_bagging_with_replacement_draws_within_each_class():
    member = LogitAdjustedClassifier(
        DecisionTreeClassifier(), weight_power=1,
        balance=BalancedBagging(3, replacement=True), random_state=0,
    ).fit(X3, Y3)  # fmt: skip
    rows, _ = member.estimator_.seen_[0]
    assert np.array_equal(np.bincount(rows), [np.bincount(Y3).min()] * 3)


# -- the prior the base actually saw -------------------------------------------------


@pytest.mark.parametrize(
    "base",
    [
        BalancedRandomForestClassifier(n_estimators=10, random_state=0),
        BalancedBaggingClassifier(n_estimators=3, random_state=0),
        EasyEnsembleClassifier(n_estimators=2, random_state=0),
        RUSBoostClassifier(n_estimators=3, random_state=0),
        make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression()),
        make_pipeline(SMOTE(random_state=0), LogisticRegression()),
        make_pipeline(ClusterCentroids(random_state=0), LogisticRegression()),
        LogisticRegression(class_weight="balanced"),
    ],
    ids=lambda b: type(b).__name__,
)
def test_a_balanced_base_is_read_as_trained_under_a_uniform_prior(base):
    clf = LogitAdjustedClassifier(base).fit(X3, Y3)
    np.testing.assert_allclose(clf.effective_priors_, UNIFORM)
    np.testing.assert_allclose(clf.priors_, _frequencies(Y3))
    # Balanced already: the adjustment to a uniform prior leaves it as it is.
    np.testing.assert_array_equal(clf.predict(X3), clf.estimator_.predict(X3))


def test_a_balanced_forest_is_not_corrected_twice():
    X, y = make_classification(
        n_samples=2000, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        flip_y=0.05, random_state=1,
    )  # fmt: skip
    X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
    forest = BalancedRandomForestClassifier(n_estimators=30, random_state=0)
    from sklearn.metrics import balanced_accuracy_score

    scores = {
        priors: balanced_accuracy_score(
            y_test,
            LogitAdjustedClassifier(forest, priors=priors)
            .fit(X_train, y_train)
            .predict(X_test),
        )
        for priors in ("auto", "train")
    }
    alone = balanced_accuracy_score(y_test, clone(forest).fit(X_train, y_train)
                                    .predict(X_test))  # fmt: skip
    assert scores["auto"] == alone
    assert scores["train"] < alone - 0.05


def test_class_weights_give_the_mass_n_times_w():
    weights = {0: 1.0, 1: 2.0, 2: 4.0}
    clf = LogitAdjustedClassifier(LogisticRegression(class_weight=weights)).fit(X3, Y3)
    mass = np.bincount(Y3) * np.array([1.0, 2.0, 4.0])
    np.testing.assert_allclose(clf.effective_priors_, mass / mass.sum())


def test_balanced_class_weights_meet_the_family_weights_as_sklearn_does():
    # A tree balances the row counts: the family's pi ** -w survives; logistic
    # regression balances the weighted counts: it does not.
    priors = _frequencies(Y3)
    tree = LogitAdjustedClassifier(
        DecisionTreeClassifier(class_weight="balanced", random_state=0),
        weight_power=0.5,
    ).fit(X3, Y3)
    np.testing.assert_allclose(
        tree.effective_priors_, priors**-0.5 / (priors**-0.5).sum()
    )
    logistic = LogitAdjustedClassifier(
        LogisticRegression(class_weight="balanced"), weight_power=0.5
    ).fit(X3, Y3)
    np.testing.assert_allclose(logistic.effective_priors_, UNIFORM)


@pytest.mark.parametrize(
    "base",
    [
        RandomForestClassifier(n_estimators=5, class_weight="balanced", random_state=0),
        LinearSVC(class_weight="balanced"),
        LogisticRegression(class_weight="balanced"),
    ],
    ids=["forest", "liblinear", "logistic"],
)
def test_balanced_by_the_weight_mass_is_uniform_under_any_sample_weight(base):
    # These count each class with the sample weights (a forest also draws
    # its bootstraps by them): every class ends with the same mass.
    weights = np.random.default_rng(0).uniform(0.1, 5, len(Y3))
    method = "decision_function" if isinstance(base, LinearSVC) else "auto"
    clf = LogitAdjustedClassifier(base, weight_power=0.5, response_method=method)
    clf.fit(X3, Y3, sample_weight=weights)
    np.testing.assert_allclose(clf.effective_priors_, UNIFORM)


def test_balanced_by_row_counts_keeps_the_tilt_of_the_sample_weights():
    weights = np.random.default_rng(0).uniform(0.1, 5, len(Y3))
    clf = LogitAdjustedClassifier(
        HistGradientBoostingClassifier(max_iter=5, class_weight="balanced")
    ).fit(X3, Y3, sample_weight=weights)
    # n / (K n_y) per row: each class's weight mass over its row count.
    mass = np.bincount(Y3, weights=weights) / np.bincount(Y3)
    np.testing.assert_allclose(clf.effective_priors_, mass / mass.sum())


class _BalancedTree(ClassifierMixin, BaseEstimator):
    """A model with a class_weight that scikit-learn does not ship."""

    def __init__(self, class_weight=None):
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        self.tree_ = DecisionTreeClassifier(class_weight=self.class_weight)
        self.tree_.fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.tree_.classes_
        return self

    def predict_proba(self, X):
        return self.tree_.predict_proba(X)


def test_balanced_weights_of_an_unknown_model_with_sample_weights_are_refused():
    weights = np.linspace(0.5, 2, len(Y3))
    base = _BalancedTree(class_weight="balanced")
    with pytest.raises(ValueError, match="_BalancedTree.*the rows or their weights"):
        LogitAdjustedClassifier(base).fit(X3, Y3, sample_weight=weights)
    # Without sample weights both ways agree: read, not refused.
    clf = LogitAdjustedClassifier(base).fit(X3, Y3)
    np.testing.assert_allclose(clf.effective_priors_, UNIFORM)


def test_a_bag_fitted_with_sample_weights_counts_each_draw_once():
    # scikit-learn draws a bag's rows in proportion to the sample weights and
    # fits each member on the drawn rows: the members' prior is the class mix
    # of their draws, not of their draws weighted again.
    weights = np.where(Y3 == 0, 0.2, 3.0)
    clf = LogitAdjustedClassifier(
        BaggingClassifier(DecisionTreeClassifier(), n_estimators=4, random_state=0),
        priors="effective",
    ).fit(X3, Y3, sample_weight=weights)
    drawn = [
        np.bincount(Y3[rows], minlength=3) / len(rows)
        for rows in clf.estimator_.estimators_samples_
    ]
    np.testing.assert_allclose(clf.effective_priors_, np.mean(drawn, axis=0))


def test_an_under_sampler_with_counts_is_read_from_the_rows_it_kept():
    base = make_pipeline(
        RandomUnderSampler(sampling_strategy={0: 200, 1: 100}, random_state=0),
        LogisticRegression(),
    )
    clf = LogitAdjustedClassifier(base).fit(X3, Y3)
    kept = np.array([200, 100, np.bincount(Y3)[2]])
    np.testing.assert_allclose(clf.effective_priors_, kept / kept.sum())


def test_a_calibrated_resampled_model_keeps_the_label_frequencies():
    base = CalibratedClassifierCV(
        make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression()), cv=3
    )
    clf = LogitAdjustedClassifier(base).fit(X3, Y3)
    np.testing.assert_allclose(clf.effective_priors_, clf.priors_)
    assert clf._prior_correction is None


def test_effective_priors_make_resampled_probabilities_calibrated_in_the_large():
    X, y = make_classification(
        n_samples=6000, n_classes=3, n_informative=5, weights=[0.7, 0.25, 0.05],
        flip_y=0.02, class_sep=0.8, random_state=2,
    )  # fmt: skip
    X_train, y_train, X_test, y_test = X[:3000], y[:3000], X[3000:], y[3000:]
    base = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    raw = clone(base).fit(X_train, y_train).predict_proba(X_test).mean(axis=0)
    clf = LogitAdjustedClassifier(base, priors="effective", target_priors="train").fit(
        X_train, y_train
    )
    mean = clf.predict_proba(X_test).mean(axis=0)
    frequency = _frequencies(y_test)
    # Within a few standard errors of the test frequencies; the raw model's
    # mean probabilities are those of the balanced subsets.
    assert np.all(np.abs(mean - frequency) < 0.02)
    assert np.abs(raw - frequency).max() > 0.15


def test_a_frozen_balanced_forest_is_read_from_its_fitted_samplers():
    forest = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X3, Y3)
    clf = LogitAdjustedClassifier(FrozenEstimator(forest)).fit(X3[:100], Y3[:100])
    np.testing.assert_allclose(clf.effective_priors_, UNIFORM)


@pytest.mark.parametrize(
    "base, priors, match",
    [
        (make_pipeline(SMOTEENN(), LogisticRegression()), "auto", "SMOTEENN"),
        (
            VotingClassifier(
                [("lr", LogisticRegression(class_weight="balanced"))], voting="soft"
            ),  # fmt: skip
            "effective",
            "lr__class_weight='balanced' rebalances the classes inside "
            "VotingClassifier",
        ),
        (
            BalancedRandomForestClassifier(n_estimators=3, class_weight="balanced"),
            "auto",
            "weighs its balanced subsets again",
        ),
    ],
    ids=["combined sampler", "hidden class_weight", "weighted balanced forest"],
)
def test_a_prior_that_cannot_be_read_is_refused_by_name(base, priors, match):
    with pytest.raises(ValueError, match=f"priors={priors!r}.*{match}"):
        LogitAdjustedClassifier(base, priors=priors).fit(X3, Y3)
    # The user may still assert the label frequencies.
    LogitAdjustedClassifier(base, priors="train").fit(X3, Y3)


def test_a_frozen_oversampled_model_is_refused():
    model = make_pipeline(RandomOverSampler(random_state=0), LogisticRegression())
    frozen = FrozenEstimator(model.fit(X3, Y3))
    with pytest.raises(ValueError, match="fitted elsewhere.*RandomOverSampler"):
        LogitAdjustedClassifier(frozen).fit(X3, Y3)


# -- the search -----------------------------------------------------------------------


def test_samplers_and_bags_race_as_members_and_refit_as_the_wrapper():
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), weight_powers=[0, 1],
        balances=["weight", SMOTE(), (BalancedBagging(2), [1])], cv=3,
    ).fit(X3, Y3)  # fmt: skip
    names = set(search.cv_results_["param_balance"])
    assert names == {"weight", "SMOTE", "BalancedBagging(n_estimators=2)"}
    best = search.cv_results_["params"][search.best_index_]
    assert best["balance"] is search.best_balance_
    wrapper = LogitAdjustedClassifier(
        LogisticRegression(), tau=search.best_tau_,
        weight_power=search.best_weight_power_, balance=search.best_balance_,
        random_state=0,
    ).fit(X3, Y3)  # fmt: skip
    np.testing.assert_array_equal(wrapper.predict(X3), search.predict(X3))


def test_a_sampler_members_split_score_is_what_that_member_predicts_there():
    # A shallow tree ties classes exactly ([0.5, 0, 0.5]); the search sums
    # the member's prior correction and the offset as the fitted estimator
    # does, so the same tie goes to the same class in both.
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    train, test = next(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    base = DecisionTreeClassifier(random_state=0, max_depth=3)
    search = LogitAdjustedClassifierCV(
        base, balances=[SMOTE()], weight_powers=[0.5], taus=[0.0],
        cv=[(train, test)], scoring="f1_macro", random_state=7,
    ).fit(X, y)  # fmt: skip
    # The seed the search draws for its one split.
    seed = np.random.RandomState(7).randint(np.iinfo(np.int32).max, size=1)[0]
    member = LogitAdjustedClassifier(
        base, tau=0.0, weight_power=0.5, balance=SMOTE(), random_state=seed
    ).fit(X[train], y[train])
    proba = member.estimator_.predict_proba(X[test])
    assert np.any(np.sum(proba == proba.max(axis=1, keepdims=True), axis=1) > 1)
    expected = f1_score(y[test], member.predict(X[test]), average="macro")
    assert search.cv_results_["split0_test_score"][0] == expected


def test_an_overflowing_tau_of_a_sampler_member_names_taus():
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), balances=[RandomOverSampler()], weight_powers=[0.5],
        taus=[0.5, 1e308], cv=2,
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"`taus` value 1e\+308 .* smaller `taus`"):
        search.fit(X3, Y3)


def test_a_bag_of_a_base_without_probabilities_is_refused_before_any_fit():
    fits = []

    class Counted(LinearSVC):
        def fit(self, X, y, sample_weight=None):
            fits.append(1)
            return super().fit(X, y, sample_weight=sample_weight)

    clf = LogitAdjustedClassifier(
        Counted(),
        weight_power=1,
        balance=BalancedBagging(2),
        response_method="decision_function",
    )
    with pytest.raises(ValueError, match="balance=BalancedBagging.*no predict_proba"):
        clf.fit(X3, Y3)
    assert not fits


def test_weights_cannot_cross_a_sampler_in_the_base_pipeline():
    # The sampler hands the last step other rows than the weights were given
    # for: the CV's default members are the resampling ones, and weights are
    # refused by name instead of failing inside the pipeline.
    pipe = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    search = LogitAdjustedClassifierCV(pipe, cv=3).fit(X3, Y3)
    assert set(search.cv_results_["param_balance"]) == {"resample"}
    np.testing.assert_allclose(search.effective_priors_, UNIFORM)
    match = "sampler RandomUnderSampler changes the rows before its last step"
    with pytest.raises(TypeError, match=match):
        LogitAdjustedClassifier(pipe, weight_power=0.5).fit(X3, Y3)
    with pytest.raises(TypeError, match=match):
        LogitAdjustedClassifier(pipe).fit(X3, Y3, sample_weight=np.ones(len(Y3)))


def test_a_bare_pair_as_balances_is_told_to_go_inside_a_list():
    search = LogitAdjustedClassifierCV(LogisticRegression(), balances=(SMOTE(), [1.0]))
    with pytest.raises(ValueError, match=r"goes inside a list: balances=\[\(SMOTE"):
        search.fit(X3, Y3)


def test_a_bag_counts_its_base_fits():
    calls = []

    class Counted(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            calls.append(len(y))
            return super().fit(X, y, sample_weight=sample_weight)

    search = LogitAdjustedClassifierCV(
        Counted(), weight_powers=[1], balances=[BalancedBagging(3)], cv=2,
    ).fit(X3, Y3)  # fmt: skip
    assert search.n_fits_ == len(calls) == 3 * 2 + 3


def test_the_named_set_adds_smote_and_a_bag_to_the_default_members():
    search = LogitAdjustedClassifierCV(
        DecisionTreeClassifier(random_state=0), balances="imblearn", refit=False
    ).fit(X3, Y3)
    members = list(
        dict.fromkeys(
            zip(
                search.cv_results_["param_weight_power"],
                search.cv_results_["param_balance"],
            )  # fmt: skip
        )
    )
    assert len(members) == 12
    assert (0.5, "SMOTE") in members
    assert (1.0, "BalancedBagging(n_estimators=3)") in members
    assert (0.75, "SMOTE") not in members
    # Raced without the refit: 11 + 3 on the first split, then 4 members on
    # two splits and 2 on two more, the bag among them or not.
    assert 26 <= search.n_fits_ <= 34


def test_the_search_reads_the_prior_of_a_balanced_base():
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    base = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    search = LogitAdjustedClassifierCV(base, weight_powers=[0], cv=3).fit(X3, Y3)
    np.testing.assert_allclose(search.effective_priors_, UNIFORM)
    # tau = 1 against a uniform target leaves each fold's balanced model as
    # it is; read as trained on the label frequencies it would not be.
    alone = cross_val_score(base, X3, Y3, cv=StratifiedKFold(3),
                            scoring="balanced_accuracy")  # fmt: skip
    at_one = np.flatnonzero(search.cv_results_["param_tau"] == 1.0)[0]
    splits = [search.cv_results_[f"split{k}_test_score"][at_one] for k in range(3)]
    np.testing.assert_allclose(splits, alone)


# -- imbalanced-learn stays optional ------------------------------------------------


def test_a_bag_without_imblearn_names_the_extra(monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] == "imblearn"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "imblearn", None)
    with pytest.raises(ImportError, match=r"sklearn-la\[imblearn\]"):
        LogitAdjustedClassifier(
            LogisticRegression(), weight_power=1, balance=BalancedBagging()
        ).fit(X3, Y3)
    with pytest.raises(ImportError, match="balances='imblearn' needs imbalanced-learn"):
        LogitAdjustedClassifierCV(LogisticRegression(), balances="imblearn").fit(X3, Y3)
    # The rest reads no imbalanced-learn object and needs none.
    LogitAdjustedClassifier(LogisticRegression(class_weight="balanced")).fit(X3, Y3)


def test_a_corrected_member_calibrates_and_predicts_consistently():
    search = LogitAdjustedClassifierCV(
        LogisticRegression(),
        weight_powers=[1],
        balances=[SMOTE()],
        calibration="temperature",
        cv=3,
    ).fit(X3, Y3)
    assert search.calibration_.method == "temperature"
    assert search._prior_correction is not None or np.allclose(
        search.effective_priors_, UNIFORM
    )
    proba = search.predict_proba(X3)
    np.testing.assert_array_equal(search.predict(X3), search.classes_[proba.argmax(1)])
    np.testing.assert_allclose(np.log(proba), search.predict_log_proba(X3))


def test_em_reads_a_resampled_base_from_the_prior_it_was_trained_under():
    X, y = make_classification(
        n_samples=4000, n_classes=3, n_informative=5, weights=[0.7, 0.25, 0.05],
        class_sep=1.5, random_state=3,
    )  # fmt: skip
    base = make_pipeline(RandomUnderSampler(random_state=0), LogisticRegression())
    clf = LogitAdjustedClassifier(base, target_priors="estimate").fit(X, y)
    # The batch is the training distribution: EM finds its frequencies, not
    # the balanced prior the base's raw scores are under.
    np.testing.assert_allclose(
        clf.estimate_target_priors(X), _frequencies(y), atol=0.04
    )
    ignored = LogitAdjustedClassifier(base, priors="train").fit(X, y)
    assert np.abs(ignored.estimate_target_priors(X) - _frequencies(y)).max() > 0.1


def test_a_frozen_rebalanced_base_knowing_a_class_y_lacks_gets_advice_that_works():
    # Neither its samplers' counts nor y's frequencies give class 2 a prior,
    # so the message must not suggest priors="train" (which fails too).
    forest = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X3, Y3)
    lacking = Y3 != 2
    with pytest.raises(ValueError, match="names the class 2, not in y") as info:
        LogitAdjustedClassifier(FrozenEstimator(forest)).fit(X3[lacking], Y3[lacking])
    assert "Fit on data with every class" in str(info.value)
    assert "priors='train'" not in str(info.value)
    with pytest.raises(ValueError, match="has no sample in the y given to fit"):
        LogitAdjustedClassifier(FrozenEstimator(forest), priors="train").fit(
            X3[lacking], Y3[lacking]
        )
    # The other advice works: the prior it was trained under, by label.
    clf = LogitAdjustedClassifier(
        FrozenEstimator(forest), priors={0: 1 / 3, 1: 1 / 3, 2: 1 / 3}
    ).fit(X3[lacking], Y3[lacking])
    np.testing.assert_array_equal(
        clf.predict(X3), clf.classes_[clf.predict_proba(X3).argmax(axis=1)]
    )


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes: Python 3.11")
def test_a_member_failing_in_its_fit_is_named_in_the_error():
    from imblearn.over_sampling import KMeansSMOTE

    X, y = make_classification(
        n_samples=400, n_classes=3, n_informative=4, weights=[0.8, 0.15, 0.05],
        random_state=0,
    )  # fmt: skip
    search = LogitAdjustedClassifierCV(
        LogisticRegression(), balances=["weight", KMeansSMOTE(random_state=0)]
    )
    with pytest.raises(RuntimeError, match="No clusters found") as info:
        search.fit(X, y)
    (note,) = info.value.__notes__
    assert note.startswith(
        "LogitAdjustedClassifierCV was fitting the member w=0.25 KMeansSMOTE"
    )


@pytest.mark.parametrize(
    "sampler, match",
    [
        (SMOTE(sampling_strategy="minority"), "has sampling_strategy='minority'"),
        (SMOTE(sampling_strategy={0: 300}), r"has sampling_strategy=\{0: 300\}"),
        (SMOTEENN(), r"sampler\) cannot realise a family member: it over-samples and"),
    ],
)
def test_a_sampler_the_family_cannot_set_is_refused_before_any_fit(sampler, match):
    # The family sets the counts: a strategy of the user's would be silently
    # overwritten, and a combined sampler cleans rows after reaching them.
    calls = []

    class _Counting(LogisticRegression):
        def fit(self, X, y, sample_weight=None):
            calls.append(len(y))
            return super().fit(X, y, sample_weight=sample_weight)

    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifierCV(_Counting(), balances=["weight", sampler]).fit(X3, Y3)
    assert calls == []
    with pytest.raises(ValueError, match=match):
        LogitAdjustedClassifier(
            LogisticRegression(), weight_power=1, balance=sampler
        ).fit(X3, Y3)


def test_a_cleaning_sampler_is_refused_as_such_whatever_its_strategy():
    from imblearn.under_sampling import EditedNearestNeighbours

    # Leaving sampling_strategy at "auto" would not help: say what does.
    with pytest.raises(ValueError, match="it cleans rows"):
        LogitAdjustedClassifier(
            LogisticRegression(),
            weight_power=1,
            balance=EditedNearestNeighbours(sampling_strategy="majority"),
        ).fit(X3, Y3)
