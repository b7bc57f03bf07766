"""
=====================================================
Tuning tau with LogitAdjustedClassifierCV
=====================================================

``tau = 1`` is the consistent choice, but real models are not perfectly
calibrated, so ``tau`` is tuned on held-out data, never on the test set.
Post-hoc adjustment leaves the base model unchanged, so
:class:`~sklearn_la.LogitAdjustedClassifierCV` fits the base model once per
fold, caches its out-of-fold log-scores, scores every ``tau`` on them and
refits once. ``GridSearchCV`` over ``tau`` would refit the base model once per
value and fold for the same numbers.

Here a random forest on long-tailed digits (imbalance ratio 100), with
balanced accuracy read from ``cv_results_`` for 21 values of ``tau``.
"""

# %%
# Data
# ----
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la.datasets import make_long_tailed
from sklearn_la.metrics import TauCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
X_train, y_train = make_long_tailed(
    X_train, y_train, imbalance_ratio=100, random_state=0
)
X_test, y_test = make_long_tailed(X_test, y_test, imbalance_ratio=1, random_state=0)
print("training samples per class:", np.bincount(y_train).tolist())

# %%
# Cross-validating tau
# --------------------
# ``taus=21`` is the grid ``np.linspace(0, 2, 21)``. The two rarest classes
# have a single training sample, fewer than the 5 folds: stratified k-fold
# warns and leaves them out of some training folds, whose models then score
# them ``-inf`` (they cannot predict them). That is expected here, so the
# warning is silenced.
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
forest = RandomForestClassifier(n_estimators=100, random_state=0)
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="The least populated class")
    # weight_powers=[0]: tau alone (the default also searches the family).
    tuned = LogitAdjustedClassifierCV(
        forest, taus=21, weight_powers=[0.0], cv=cv, selection="best"
    ).fit(X_train, y_train)

test_score = balanced_accuracy_score(y_test, tuned.predict(X_test))
print(f"chosen tau: {tuned.best_tau_:.1f}", end=" ")
print(f"(mean CV balanced accuracy {tuned.best_score_:.3f})")
print(f"test balanced accuracy: {test_score:.3f}")

# %%
# Tail classes have a handful of validation samples, so mean CV scores are
# noisy. ``selection="best"`` (used here) is the plain argmax; the default
# ``selection="paired"`` stays at the consistent ``tau = 1 - w`` unless another
# candidate beats it by one standard error of the paired per-split
# differences, and ``"one_se"`` keeps, among the values within one standard
# error of the best, the one nearest it.
results = tuned.cv_results_
taus = results["param_tau"]
mean, std = results["mean_test_score"], results["std_test_score"]
best = int(np.argmax(mean))
print(f"argmax of the mean CV score: tau={taus[best]:.1f} ({mean[best]:.3f})")

# %%
# Balanced accuracy against tau
# -----------------------------
# :class:`~sklearn_la.metrics.TauCurveDisplay` draws the CV curve from
# ``cv_results_`` (mean +/- 1 std) and stars the chosen ``tau``; the test
# curve is drawn on its Axes beside it. The latter is only for illustration:
# it re-uses the refitted forest (:class:`~sklearn.frozen.FrozenEstimator`, no
# refit) and adjusts it with each ``tau``. ``tau = 0`` is the plain forest.
test_scores = [
    balanced_accuracy_score(
        y_test,
        LogitAdjustedClassifier(FrozenEstimator(tuned.estimator_), tau=tau)
        .fit(X_train, y_train)
        .predict(X_test),
    )
    for tau in taus
]

fig, ax = plt.subplots(figsize=(6, 4))
display = TauCurveDisplay.from_estimator(tuned, ax=ax)
ax.plot(taus, test_scores, marker="s", label="balanced test set")
ax.set_ylabel("balanced accuracy")
ax.set_title("Random forest on digits-LT (imbalance ratio 100)")
ax.legend(loc="lower left")
fig.tight_layout()

# %%
# Other scores
# ------------
# ``scoring`` takes any scikit-learn scorer name or one of
# :func:`sklearn_la.metrics.get_scorer`'s long-tail names, e.g.
# ``"worst_class_accuracy"`` to tune for the weakest class. ``n_jobs`` runs the
# folds in parallel through joblib.
