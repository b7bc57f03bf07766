"""What the family and tabular experiments share: base models and peers.

Both run every (data set, base model, seed) cell of a grid, with the same
base models and resampling peers.
"""

from __future__ import annotations

import warnings

from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

MODELS = ("LR", "RF", "HGB")


def silence_expected_warnings():
    """Ignore the warnings that long-tailed data sets are expected to raise."""
    # Classes with fewer members than CV folds (the estimator handles them)
    # and test sets that lack a train-only class are expected here.
    warnings.filterwarnings("ignore", message="The least populated class in y")
    warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
    # RandomUnderSampler cuts abalone (five 1-sample classes) to 1 sample per
    # class; the base models then warn that y may be a regression target.
    warnings.filterwarnings("ignore", message="The number of unique classes is greater")


def imblearn():
    """imbalanced-learn's ``(Pipeline, RandomOverSampler, RandomUnderSampler)``."""
    try:
        from imblearn.over_sampling import RandomOverSampler
        from imblearn.pipeline import Pipeline as ImbPipeline
        from imblearn.under_sampling import RandomUnderSampler
    except ImportError as exc:
        raise ImportError(
            "the family and tabular experiments need imbalanced-learn for their "
            "resampling peers; install it with:  pip install imbalanced-learn"
        ) from exc
    return ImbPipeline, RandomOverSampler, RandomUnderSampler


def make_models(quick, seed):
    """Base models by short name: ``(estimator, its final step's name or None)``.

    Parameters
    ----------
    quick : bool
        Smaller forests and boosting for a smoke run.
    seed : int
        ``random_state`` of the tree models.

    Returns
    -------
    dict
        ``"LR"``, ``"RF"``, ``"HGB"`` -> ``(estimator, step)``.
    """
    n_trees, n_iter = (20, 20) if quick else (100, 50)
    return {
        "LR": (
            Pipeline(
                [
                    ("scale", StandardScaler()),
                    ("clf", LogisticRegression(max_iter=1000)),
                ]
            ),
            "clf",
        ),
        "RF": (RandomForestClassifier(n_estimators=n_trees, random_state=seed), None),
        "HGB": (
            HistGradientBoostingClassifier(max_iter=n_iter, random_state=seed),
            None,
        ),
    }


def with_class_weight(base, step):
    """A clone of ``base`` with ``class_weight="balanced"`` (on ``step``)."""
    key = "class_weight" if step is None else f"{step}__class_weight"
    return clone(base).set_params(**{key: "balanced"})


def with_sampler(base, sampler):
    """An imblearn pipeline: ``sampler``, then the steps of ``base``."""
    ImbPipeline, _, _ = imblearn()
    steps = (
        list(clone(base).steps)
        if isinstance(base, Pipeline)
        else [("clf", clone(base))]
    )
    return ImbPipeline([("sampler", sampler), *steps])


def models_line(quick, source=""):
    """The page's sentence naming the three base models and their sizes."""
    sizes = make_models(quick, 0)
    return (
        "Models: LR = `StandardScaler` + `LogisticRegression(max_iter=1000)`; RF = "
        f"`RandomForestClassifier(n_estimators={sizes['RF'][0].n_estimators})`; HGB = "
        f"`HistGradientBoostingClassifier(max_iter={sizes['HGB'][0].max_iter})`"
        + (f" ({source})" if source else "")
        + "."
    )
