"""
===================================================================
One consistent family: from class weighting to logit adjustment
===================================================================

Post-hoc logit adjustment cannot repair a base model whose *fit* ignores the
tail, and class weighting loses where the base model is flexible enough to
memorise the few weighted tail samples. Theorem 1 of Menon et al. (ICLR 2021)
gives a family containing both: weight each training example by
``pi_y ** -w`` and adjust post hoc by ``-(1 - w) * log(pi_y)``. The weighted
posterior is ``p(y|x) * pi_y ** -w`` up to normalisation and the adjustment
supplies the remaining ``pi_y ** -(1 - w)``, so every ``w`` in ``[0, 1]`` is
consistent for the balanced error:

* ``w = 0`` is pure post-hoc adjustment (``tau = 1``);
* ``w = 1`` is ``class_weight="balanced"`` with no adjustment.

``LogitAdjustedClassifier(weight_power=w)`` implements it, and
``LogitAdjustedClassifierCV(weight_powers=...)`` chooses ``w`` (and ``tau``) by
cross-validation.
"""

# %%
# Data
# ----

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
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

# %%
# The two ends of the family
# --------------------------
# With the default ``tau="auto"`` the adjustment is the consistent
# ``tau_ = 1 - w``. A number given for ``tau`` is used as is, so
# ``weight_power=1, tau=0`` is exactly ``class_weight="balanced"``.
logistic = LogisticRegression(max_iter=2000)
family = LogitAdjustedClassifier(logistic, weight_power=0.25).fit(X_train, y_train)
print("weight_power=0.25 -> tau_ =", family.tau_)

weighted = LogitAdjustedClassifier(logistic, weight_power=1.0, tau=0.0)
balanced = LogisticRegression(max_iter=2000, class_weight="balanced")
same = np.array_equal(
    weighted.fit(X_train, y_train).predict(X_test),
    balanced.fit(X_train, y_train).predict(X_test),
)
print('weight_power=1, tau=0 predicts as class_weight="balanced":', same)

# %%
# Which member works best depends on the model
# --------------------------------------------
# Test balanced accuracy along the family for a logistic regression and a
# random forest. The forest's vote fractions are far from calibrated
# posteriors on the tail classes, which pure post-hoc adjustment (``w = 0``)
# relies on, and full weighting (``w = 1``) makes it overfit the handful of
# tail samples: a member in between wins. The logistic regression, whose
# probabilities are better calibrated, prefers post-hoc adjustment.
weight_powers = [0.0, 0.25, 0.5, 0.75, 1.0]
bases = {
    "logistic regression": logistic,
    "random forest": RandomForestClassifier(n_estimators=50, random_state=0),
}
test_scores = {
    name: [
        balanced_accuracy_score(
            y_test,
            LogitAdjustedClassifier(base, weight_power=w)
            .fit(X_train, y_train)
            .predict(X_test),
        )
        for w in weight_powers
    ]
    for name, base in bases.items()
}
for name, scores in test_scores.items():
    print(
        f"{name:>20}: "
        + ", ".join(f"w={w}: {s:.3f}" for w, s in zip(weight_powers, scores))
    )

# %%
# Choosing w by cross-validation
# ------------------------------
# :class:`~sklearn_la.LogitAdjustedClassifierCV` races the members over the
# folds (every member on one split, the best ones on more) and scores the
# whole ``tau`` grid on the cached out-of-fold scores at no extra fit: 20 fits
# of the forest here.
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
tuned = LogitAdjustedClassifierCV(
    bases["random forest"], weight_powers=weight_powers, taus=21, cv=cv
).fit(X_train, y_train)
tuned_score = balanced_accuracy_score(y_test, tuned.predict(X_test))
print(
    f"chosen weight_power={tuned.best_weight_power_}, tau={tuned.best_tau_:.2f}; "
    f"test balanced accuracy {tuned_score:.3f}"
)

# %%
# The plot shows the test curves along the consistent family (left) and the
# forest's mean CV balanced accuracy against ``tau`` for the members that
# reached the last round of the race, from
# ``cv_results_`` by :class:`~sklearn_la.metrics.TauCurveDisplay` (right). The
# consistent choice for the curve of ``w`` is ``tau = 1 - w``; the star is the
# chosen pair.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for name, scores in test_scores.items():
    left.plot(weight_powers, scores, marker="o", label=name)
left.set_xlabel("weight_power w (tau = 1 - w)")
left.set_ylabel("test balanced accuracy")
left.set_title("Along the consistent family")
left.legend()

TauCurveDisplay.from_estimator(tuned, std_display_style=None, ax=right)
right.set_title("Random forest: mean CV balanced accuracy")
fig.tight_layout()
