"""The command line's models (sklearn_la._cli_models), function by function.

The end-to-end runs of the ``sklearn-la`` command are in ``tests/test_cli.py``.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_la import LogitAdjustedClassifier, LogitAdjustedClassifierCV
from sklearn_la._cli_models import methods


def test_methods_are_erm_logit_adjusted_and_balanced_weights():
    found = methods(LogisticRegression(), cv=None)
    assert [key for key, _, _ in found] == ["erm", "logit-adjusted", "balanced"]
    models = {key: model for key, _, model in found}
    assert isinstance(models["logit-adjusted"], LogitAdjustedClassifier)
    assert models["balanced"].class_weight == "balanced"
    assert models["erm"].class_weight is None


def test_cv_tunes_tau_and_a_pipeline_gets_balanced_weights_on_its_last_step():
    base = make_pipeline(StandardScaler(), LogisticRegression())
    models = {key: model for key, _, model in methods(base, cv=3)}
    assert isinstance(models["logit-adjusted"], LogitAdjustedClassifierCV)
    assert models["balanced"][-1].class_weight == "balanced"
    # the base itself is never modified
    assert base[-1].class_weight is None
    assert np.all([models[k] is not base for k in models])


def test_the_logit_adjusted_models_take_the_seed():
    # --seed must make a run with --cv reproducible: resampled members draw rows.
    for cv, kind in [(None, LogitAdjustedClassifier), (3, LogitAdjustedClassifierCV)]:
        models = {key: model for key, _, model in methods(LogisticRegression(), cv, 7)}
        assert isinstance(models["logit-adjusted"], kind)
        assert models["logit-adjusted"].random_state == 7
