"""
============================================
Which classes fail? Per-class accuracy plots
============================================

Balanced accuracy says how much logit adjustment helps on average; the
per-class plot says where. :class:`~sklearn_la.metrics.PerClassAccuracyDisplay`
puts the classes in order of their number of training samples, most frequent
first, names each one with its count, shades the many-, medium- and few-shot
groups, and shows the models side by side. Past 30 classes the names no
longer fit under the axis, so the classes are pooled into bins of neighbouring
training counts.

The data are synthetic, so that the example runs in seconds on any machine:
:func:`~sklearn.datasets.make_classification` with 19 and then 100 classes,
its training half made long-tailed with
:func:`~sklearn_la.datasets.make_long_tailed`, its test half balanced.
"""

# %%
# A long-tailed problem with 19 named classes
# -------------------------------------------
# Class ``k`` keeps ``300 * 100 ** (-k / 18)`` training samples (300 down to 3)
# and 50 test samples. The labels are bird names, to read as a user's labels
# would; the features are :func:`~sklearn.datasets.make_classification`'s. The
# model is linear discriminant analysis, fast with many classes, whose
# posterior carries the training class priors explicitly.
import numpy as np
from sklearn.datasets import make_classification
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

from sklearn_la import LogitAdjustedClassifier
from sklearn_la.datasets import make_long_tailed
from sklearn_la.metrics import PerClassAccuracyDisplay, group_accuracy


def long_tailed(n_classes, n_max, ratio, n_test=50, seed=0):
    """Training split long-tailed (exponential profile), test split balanced."""
    X, y = make_classification(
        n_samples=2 * (n_max + n_test) * n_classes,
        n_features=20,
        n_informative=16,
        n_classes=n_classes,
        n_clusters_per_class=1,
        class_sep=1.5,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    test = np.zeros(y.size, dtype=bool)
    for k in range(n_classes):
        test[rng.choice(np.flatnonzero(y == k), n_test, replace=False)] = True
    X_train, y_train = make_long_tailed(
        X[~test], y[~test], ratio, n_max=n_max, random_state=seed
    )
    return X_train, y_train, X[test], y[test]


birds = np.array(
    ["blackbird", "robin", "wren", "blue tit", "great tit", "chaffinch",
     "goldfinch", "starling", "magpie", "jay", "nuthatch", "treecreeper",
     "siskin", "bullfinch", "redstart", "kingfisher", "hoopoe", "wryneck",
     "golden oriole"]
)  # fmt: skip
X_train, y_train, X_test, y_test = long_tailed(19, n_max=300, ratio=100)
y_train, y_test = birds[y_train], birds[y_test]

plain = LinearDiscriminantAnalysis().fit(X_train, y_train)
adjusted = LogitAdjustedClassifier(LinearDiscriminantAnalysis()).fit(X_train, y_train)

# %%
# Plain against adjusted, class by class
# --------------------------------------
# The models to compare go in together, as a mapping ``{name: estimator}``.
# The training counts come from the wrapper's ``class_counts_`` (the plain
# model has none); the thresholds are the literature's (many-shot above 100
# training samples, few-shot below 20). The dashed lines are each model's
# group mean, the numbers :func:`~sklearn_la.metrics.group_accuracy` returns.
display = PerClassAccuracyDisplay.from_estimator(
    {"plain (ERM)": plain, "logit-adjusted (tau=1)": adjusted}, X_test, y_test
)
display.figure_.tight_layout()

for name, model in [("plain", plain), ("adjusted", adjusted)]:
    groups = group_accuracy(
        y_test, model.predict(X_test), class_counts=adjusted.class_counts_
    )
    print(f"{name:>8}: " + ", ".join(f"{g} {a:.2f}" for g, a in groups.items()))

# %%
# The plain model is best on the frequent classes and fails on the rare ones
# (golden oriole and wryneck, with 3 training samples each); logit adjustment
# gives up a little on the head for much more on the tail. Which class is
# which reads off the axis: the display's ``per_class_accuracy`` holds the
# numbers, in the order of its ``labels``.
worst = np.argsort(display.per_class_accuracy[0])[:3]
print("plain model's worst classes:", display.labels[worst].tolist())

# %%
# 100 classes: bins of classes
# ----------------------------
# With 100 classes (500 training samples down to 2), ``kind="auto"`` pools the
# classes into about a dozen bins of neighbouring training counts, never
# across a group boundary. Each bar is the mean accuracy of its bin's
# classes; under it, the range of training counts and the number of classes.
# ``display.bins_`` holds the same numbers; ``kind="classes"`` would draw
# every class anyway.
X_train, y_train, X_test, y_test = long_tailed(100, n_max=500, ratio=250, n_test=30)
plain = LinearDiscriminantAnalysis().fit(X_train, y_train)
adjusted = LogitAdjustedClassifier(LinearDiscriminantAnalysis()).fit(X_train, y_train)
display = PerClassAccuracyDisplay.from_estimator(
    {"plain (ERM)": plain, "logit-adjusted (tau=1)": adjusted}, X_test, y_test
)
display.figure_.tight_layout()
print("classes per bin:", display.bins_["n_classes"].tolist())
