"""The models the ``sklearn-la`` command compares, and how each is fitted and scored.

Three base models, each run three ways: plain (ERM), post-hoc logit-adjusted
(:class:`~sklearn_la.LogitAdjustedClassifier` with ``tau=1``, or with ``--cv``
:class:`~sklearn_la.LogitAdjustedClassifierCV`, which chooses the family
member and ``tau``) and trained with ``class_weight="balanced"``. On a CSV
every model is a pipeline from the file's columns, so a model saved with
``--save`` predicts from the same columns.
"""

import warnings

from sklearn.base import clone
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from . import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from ._cli_data import CLIError
from .metrics import group_accuracy

# --models name: the base model's name in the table.
MODELS = {
    "logreg": "logistic regression",
    "forest": "random forest",
    "boosting": "gradient boosting",
}
GROUPS = ("many", "medium", "few")
# Training-set size from which the models may use all cores.
_THREADED_FROM = 10_000


def _preprocessor(split, scale):
    """One-hot the categories of a CSV; impute and scale for a linear model."""
    numeric = "passthrough"
    if scale:
        # Trees split on missing values themselves; a linear model cannot.
        missing = set(split.missing) & set(split.numeric)
        imputer = [SimpleImputer(strategy="median")] if missing else []
        numeric = make_pipeline(*imputer, StandardScaler())
    # Kept dense: the forest takes missing values in dense input only.
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return make_column_transformer(
        (encoder, split.categorical), (numeric, split.numeric)
    )


def base_models(seed, split, keys):
    """(key, name, estimator) of each base model; modest sizes, seconds to fit."""

    def model(estimator, scale):
        if split.is_table:
            return make_pipeline(_preprocessor(split, scale), estimator)
        return make_pipeline(StandardScaler(), estimator) if scale else estimator

    candidates = {
        "logreg": model(LogisticRegression(max_iter=5000), scale=True),
        "forest": model(
            RandomForestClassifier(n_estimators=200, random_state=seed), scale=False
        ),
        "boosting": model(
            HistGradientBoostingClassifier(max_iter=100, random_state=seed),
            scale=False,
        ),
    }
    return [(key, MODELS[key], candidates[key]) for key in keys]


def methods(base, cv, seed=0):
    """(file key, table name, unfitted model) of each method.

    ``seed`` seeds the logit-adjusted models' own draws (the rows that
    ``balance="resample"`` members replicate), so that ``--seed`` makes a run
    with ``--cv`` reproducible.
    """
    balanced = clone(base)
    if isinstance(base, Pipeline):
        balanced.set_params(**{f"{base.steps[-1][0]}__class_weight": "balanced"})
    else:
        balanced.set_params(class_weight="balanced")
    if cv is None:
        adjusted = (
            "logit-adjusted (tau=1)",
            LogitAdjustedClassifier(clone(base), random_state=seed),
        )
    else:
        adjusted = (
            "logit-adjusted (CV)",
            LogitAdjustedClassifierCV(clone(base), cv=cv, random_state=seed),
        )
    return [
        ("erm", "base (ERM)", clone(base)),
        ("logit-adjusted", *adjusted),
        ("balanced", 'class_weight="balanced"', balanced),
    ]


def fit_predict(model, split, label):
    """Fit, predict the test split; warnings come back as one line each."""
    threads = 1 if len(split.y_train) < _THREADED_FROM else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # On small data, OpenMP threads (gradient boosting) only add
        # synchronisation; on a busy machine their spin-waiting made the digits
        # demo 20 times slower. One thread keeps it fast everywhere.
        with threadpool_limits(limits=threads):
            try:
                y_pred = model.fit(split.X_train, split.y_train).predict(split.X_test)
            except Exception as exc:
                raise CLIError(
                    f"{label}: fitting failed: {type(exc).__name__}: {exc}", status=1
                ) from exc
    messages = {f"{w.category.__name__}: {w.message}" for w in caught}
    return y_pred, sorted(" ".join(m.split()) for m in messages)


def score(split, y_pred, class_counts, many, few):
    """Balanced accuracy, group accuracies and accuracy of one model's predictions."""
    with warnings.catch_warnings():
        # A class with a single row is in training only: predicting it is no error.
        warnings.filterwarnings("ignore", message="y_pred contains classes not in")
        by_group = group_accuracy(
            split.y_test,
            y_pred,
            class_counts=class_counts,
            many_threshold=many,
            few_threshold=few,
        )
        balanced = balanced_accuracy_score(split.y_test, y_pred)
    return {
        "balanced accuracy": balanced,
        **{group: by_group[group] for group in GROUPS},
        "accuracy": accuracy_score(split.y_test, y_pred),
    }


def save(model, path):
    import skops.io

    try:
        skops.io.dump(model, path)
    except OSError as exc:
        raise CLIError(f"--save: cannot write {str(path)!r}: {exc}", status=1) from exc
