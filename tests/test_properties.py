"""Properties of the post-hoc estimators over random small problems (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from sklearn_la import LogitAdjustedClassifier

FAST = settings(max_examples=15, deadline=None)

BASES = {
    # Vote fractions of ten fully grown trees: tenths, often tied.
    "forest": lambda: RandomForestClassifier(n_estimators=10, random_state=0),
    "dummy-prior": lambda: DummyClassifier(strategy="prior"),
    "pipeline": lambda: make_pipeline(StandardScaler(), LogisticRegression()),
    "logistic": lambda: LogisticRegression(),
    "naive-bayes": lambda: GaussianNB(),
}


# Class sizes whose priors are round fractions (0.9/0.1, 0.6/0.3/0.1...): a
# forest's vote fractions then often equal the priors, so that adjusted
# scores tie exactly.
COUNTS = [(36, 4), (27, 3), (30, 10), (24, 12, 4), (40, 20, 10, 5)]


@st.composite
def problems(draw):
    """A small long-tailed problem: (X, y) with every class present."""
    counts = draw(st.sampled_from(COUNTS))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    y = np.repeat(np.arange(len(counts)), counts)
    X = rng.standard_normal((len(y), 3)) + y[:, None] * draw(st.floats(0, 2))
    return X, y


TAUS = st.sampled_from([0.0, 0.5, 1.0, 1.7, 3.0])
TARGETS = st.sampled_from(["uniform", "train"])


def _fitted(name, X, y, **kwargs):
    base = BASES[name]()
    if name == "naive-bayes":
        # One frozen base among the cases: fitted outside, never refitted.
        base = FrozenEstimator(base.fit(X, y))
    return LogitAdjustedClassifier(base, **kwargs).fit(X, y)


@FAST
@given(problems(), st.sampled_from(sorted(BASES)), TAUS, TARGETS)
def test_the_four_prediction_methods_agree_exactly(problem, name, tau, target):
    X, y = problem
    clf = _fitted(name, X, y, tau=tau, target_priors=target)
    predicted = clf.predict(X)
    proba = clf.predict_proba(X)
    log_proba = clf.predict_log_proba(X)
    decision = clf.decision_function(X)
    np.testing.assert_array_equal(clf.classes_[np.argmax(proba, axis=1)], predicted)
    np.testing.assert_array_equal(clf.classes_[np.argmax(log_proba, axis=1)], predicted)
    if decision.ndim == 1:
        np.testing.assert_array_equal(
            clf.classes_[(decision > 0).astype(int)], predicted
        )
    else:
        np.testing.assert_array_equal(
            clf.classes_[np.argmax(decision, axis=1)], predicted
        )
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


@FAST
@given(
    problems(),
    st.sampled_from(["forest", "dummy-prior", "naive-bayes"]),
    st.sampled_from([(0.0, "uniform"), (1.0, "train")]),
)
def test_a_null_adjustment_reproduces_the_base_model_exactly(problem, name, params):
    X, y = problem
    tau, target = params
    clf = _fitted(name, X, y, tau=tau, target_priors=target)
    base_proba = clf.estimator_.predict_proba(X)
    np.testing.assert_array_equal(clf.predict_proba(X), base_proba)
    np.testing.assert_array_equal(
        clf.predict(X), clf.classes_[np.argmax(base_proba, axis=1)]
    )


@FAST
@given(problems(), st.sampled_from(["forest", "naive-bayes", "pipeline"]), TAUS)
def test_adjusted_probabilities_are_p_times_q_over_pi_to_the_tau(problem, name, tau):
    X, y = problem
    q = np.linspace(1, 2, len(np.unique(y)))
    clf = _fitted(name, X, y, tau=tau, target_priors=q)
    expected = clf.estimator_.predict_proba(X) * (q / q.sum()) / clf.priors_**tau
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-9, atol=1e-12)


@FAST
@given(
    problems(),
    st.sampled_from(["strings", "ints"]),
    st.randoms(use_true_random=False),
    TAUS,
)
def test_relabelling_the_classes_permutes_outputs_and_nothing_else(
    problem, kind, random, tau
):
    X, y = problem
    n_classes = len(np.unique(y))
    perm = list(range(n_classes))
    random.shuffle(perm)
    labels = np.array([f"c{p}" if kind == "strings" else 10 * p for p in perm])
    reference = LogitAdjustedClassifier(GaussianNB(), tau=tau).fit(X, y)
    relabelled = LogitAdjustedClassifier(GaussianNB(), tau=tau).fit(X, labels[y])
    # Column j of the relabelled model is the class whose new label is classes_[j].
    order = [int(np.flatnonzero(labels == c)[0]) for c in relabelled.classes_]
    np.testing.assert_allclose(
        relabelled.predict_proba(X), reference.predict_proba(X)[:, order], atol=1e-12
    )
    np.testing.assert_array_equal(relabelled.predict(X), labels[reference.predict(X)])
    np.testing.assert_allclose(relabelled.priors_, reference.priors_[order])


@FAST
@given(
    problems(),
    st.sampled_from(["tree", "dummy-prior"]),
    st.integers(0, 2**16),
    TAUS,
)
def test_integer_sample_weight_equals_repeated_rows(problem, name, seed, tau):
    X, y = problem
    weights = np.random.default_rng(seed).integers(1, 4, size=len(y))
    make = {
        "tree": lambda: DecisionTreeClassifier(max_depth=3, random_state=0),
        "dummy-prior": BASES["dummy-prior"],
    }[name]
    weighted = LogitAdjustedClassifier(make(), tau=tau)
    weighted.fit(X, y, sample_weight=weights)
    repeated = LogitAdjustedClassifier(clone(make()), tau=tau)
    repeated.fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    np.testing.assert_allclose(weighted.priors_, repeated.priors_, rtol=1e-12)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-12
    )
    np.testing.assert_array_equal(weighted.predict(X), repeated.predict(X))
