"""
=====================================================================
Calibrated probabilities after resampling, and samplers in the family
=====================================================================

A model fitted after an imbalanced-learn sampler, or a balanced ensemble,
was trained under another class prior than the data's: under-sampling to
equal classes trains it under a uniform prior, and its probabilities are the
posteriors under that prior. They over-predict the rare class, and a
recalibration on held-out data is the usual repair (imbalanced-learn's issue
#1128). The repair needs no data: a model trained under the prior
:math:`\\pi'` has :math:`\\log p(y \\mid x) - \\log \\pi'_y + \\log q_y` as its
log-posteriors under any prior :math:`q`. sklearn-la reads :math:`\\pi'` from
the fitted sampler (``priors="auto"``, the default, does it for every base
that rebalances) and ``target_priors="train"`` asks for the posterior under
the training prior.
"""

# %%
# Data: 5% positives
# ------------------
import matplotlib.pyplot as plt
import numpy as np
from imblearn.ensemble import BalancedRandomForestClassifier
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.calibration import CalibrationDisplay
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, log_loss
from sklearn.model_selection import train_test_split

from sklearn_la import LogitAdjustedClassifier

X, y = make_classification(
    n_samples=12000, n_features=8, n_informative=6, weights=[0.95, 0.05],
    flip_y=0.005, class_sep=1.2, random_state=0,
)  # fmt: skip
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print(f"positives: {y_train.mean():.3f} of the training rows")

# %%
# Before and after
# ----------------
# Two resampled models: a logistic regression after random under-sampling,
# and a balanced random forest (every tree on a balanced subset). Their raw
# probabilities are those of balanced data; wrapped, the prior they were
# trained under (``effective_priors_``, read from their fitted samplers) is
# replaced by the training prior. No refit, no held-out data. The axes are
# logarithmic: with 5% positives most rows get small probabilities.
models = {
    "RUS + logistic regression": make_pipeline(
        RandomUnderSampler(random_state=0), LogisticRegression()
    ),
    "balanced random forest": BalancedRandomForestClassifier(
        n_estimators=100, random_state=0
    ),
}
fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    raw = model.fit(X_train, y_train)
    adjusted = LogitAdjustedClassifier(model, target_priors="train").fit(
        X_train, y_train
    )
    print(f"{name}: trained under {adjusted.effective_priors_.round(2)}")
    for label, clf in (("raw", raw), ("prior corrected", adjusted)):
        proba = clf.predict_proba(X_test)[:, 1]
        print(
            f"  {label:>15}: mean P(positive) {proba.mean():.3f}, "
            f"log loss {log_loss(y_test, proba):.3f}"
        )
        CalibrationDisplay.from_predictions(
            y_test, proba, n_bins=10, strategy="quantile", name=label, ax=ax,
            ref_line=False,
        )  # fmt: skip
    ax.plot([1e-3, 1], [1e-3, 1], "k:", label="perfectly calibrated")
    ax.legend(loc="lower right")
    # A bin without positives has no place on a log scale: left out.
    ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="mask")
    ax.set(
        xlim=(1e-3, 1),
        ylim=(1e-3, 1),
        title=name,
        ylabel="",
        xlabel="mean predicted probability of the positive class",
    )
axes[0].set_ylabel("fraction of positives")
fig.suptitle("Reliability on the test half (10 quantile bins)")
fig.tight_layout()
plt.show()

# %%
# The balanced decision, without a second correction
# -------------------------------------------------------
# With the default uniform ``target_priors`` the adjusted model is the
# Bayes rule for the balanced error. A base trained on balanced data is that
# rule already: reading its prior leaves it as it is, where adjusting it by
# the training prior (``priors="train"``) would correct it a second time.
forest = models["balanced random forest"]
for priors in ("auto", "train"):
    clf = LogitAdjustedClassifier(forest, priors=priors).fit(X_train, y_train)
    score = balanced_accuracy_score(y_test, clf.predict(X_test))
    print(f'priors="{priors}": balanced accuracy {score:.3f}')
alone = balanced_accuracy_score(y_test, forest.predict(X_test))
print(f"the forest alone: {alone:.3f}")

# %%
# Samplers as members of the family
# ---------------------------------
# The same correction makes any sampler a member of the paper's consistent
# family: set to the family's class counts for a weight power ``w`` and
# adjusted by ``tau = 1 - w`` from the counts it produced. At ``w = 1`` a
# ``SMOTE`` member is ``make_pipeline(SMOTE(), base)`` exactly, and
# ``LogitAdjustedClassifierCV`` races it with the other members.
from imblearn.over_sampling import SMOTE

from sklearn_la import LogitAdjustedClassifierCV

search = LogitAdjustedClassifierCV(
    LogisticRegression(), balances=["weight", "resample", SMOTE()]
).fit(X_train, y_train)
results = search.cv_results_
# A member dropped by the race has scores only for the splits it ran.
for w, balance in dict.fromkeys(
    zip(results["param_weight_power"], results["param_balance"])
):
    rows = (results["param_weight_power"] == w) & (results["param_balance"] == balance)
    best = np.nanmax(results["mean_test_score"][rows])
    n_splits = results["n_splits"][rows][0]
    print(
        f"w={w:<4} {balance:>8}: best balanced accuracy {best:.3f} "
        f"({n_splits} split(s))"
    )
print(
    f"chosen: w={search.best_weight_power_}, balance={search.best_balance_}, "
    f"tau={search.best_tau_}; {search.n_fits_} fits of the base model"
)
