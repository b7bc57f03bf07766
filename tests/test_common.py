"""scikit-learn's estimator checks and docstring validation for the public API."""

import importlib
import inspect

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

import sklearn_la
from sklearn_la import (
    BalancedBagging,
    LogitAdjustedClassifier,
    LogitAdjustedClassifierCV,
)

# The smallest search that still races: three members (w = 0, and w = 1 by
# weights and by resampling) over two rungs, one member dropped, several taus;
# 8 fits per fit instead of the default's 14 on cv=3, for the checks that fit
# the logistic bases dozens of times. The tree keeps the default candidates.
# The logistic search is checked calibrated only: calibration runs the same
# uncalibrated race first, and the tree checks the uncalibrated outputs.
_SMALL_RACE = {"cv": 3, "taus": 5, "weight_powers": [0.0, 1.0]}

ESTIMATORS = [
    LogitAdjustedClassifier(LogisticRegression()),
    LogitAdjustedClassifier(DecisionTreeClassifier(random_state=0)),
    LogitAdjustedClassifier(LogisticRegression(), weight_power=0.5),
    LogitAdjustedClassifier(
        DecisionTreeClassifier(random_state=0),
        weight_power=0.5,
        balance="resample",
        random_state=0,
    ),
    LogitAdjustedClassifierCV(DecisionTreeClassifier(random_state=0), cv=3),
    LogitAdjustedClassifierCV(LogisticRegression(), **_SMALL_RACE, calibration="bcts"),
]
try:
    from imblearn.under_sampling import RandomUnderSampler
except ImportError:  # imbalanced-learn is optional
    pass
else:
    ESTIMATORS += [
        # A sampler as a family member, and a bag.
        LogitAdjustedClassifier(
            DecisionTreeClassifier(random_state=0),
            weight_power=1,
            balance=RandomUnderSampler(),
            random_state=0,
        ),
        LogitAdjustedClassifier(
            LogisticRegression(),
            weight_power=1,
            balance=BalancedBagging(2),
            random_state=0,
        ),
    ]
# No cost_matrix variant: the checks fit the same instance on binary and on
# three-class data, and a cost matrix is sized for one number of classes
# (the wrong size is refused at fit, as it should be). tests/test_cost.py
# runs the cost rule through both estimators instead.


def _expected_failures(estimator):
    """Checks that do not apply, each with its reason; none for most."""
    if isinstance(getattr(estimator, "balance", "weight"), str):
        return {}
    reason = (
        "random under-sampling draws rows: a row of weight 2 and two copies of "
        "it are not drawn alike (imbalanced-learn's samplers fail it too)"
    )
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def _torch_available():
    try:
        import skorch  # noqa: F401
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def _public_objects():
    modules = ["sklearn_la", "sklearn_la.metrics", "sklearn_la.datasets"]
    if _torch_available():
        modules += ["sklearn_la.losses", "sklearn_la.nn", "sklearn_la.nn.functional"]
    for name in modules:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            if attr.startswith("__") or (
                attr in sklearn_la._LAZY and not _torch_available()
            ):
                continue
            obj = getattr(module, attr)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{name}.{attr}", obj


_PUBLIC_OBJECTS = list(_public_objects())


# Ids by name only: an object's repr holds its address, which differs between
# the processes of a parallel run (pytest-xdist), and they must collect alike.
@pytest.mark.parametrize(
    "name, obj", _PUBLIC_OBJECTS, ids=[name for name, _ in _PUBLIC_OBJECTS]
)
def test_public_docstrings_are_valid_numpydoc(name, obj):
    pytest.importorskip("numpydoc")
    from numpydoc.validate import validate

    if inspect.isclass(obj) and not obj.__module__.startswith("sklearn_la"):
        pytest.skip("re-exported from elsewhere")
    # Checks worth enforcing: a summary, documented parameters and returns.
    enforced = {"GL08", "SS01", "SS03", "PR01", "PR02", "RT01", "EX01"}
    targets = [obj]
    if inspect.isclass(obj):
        targets += [
            getattr(obj, m)
            for m in (
                "fit",
                "partial_fit",
                "predict",
                "predict_proba",
                "decision_function",
            )
            if hasattr(obj, m)
        ]
    for target in targets:
        path = f"{target.__module__}.{target.__qualname__}"
        errors = [
            (code, msg)
            for code, msg in validate(path)["errors"]
            if code in enforced and not (code == "EX01" and target is not obj)
        ]
        assert not errors, f"{path}: {errors}"


# One fresh interpreter for the core without its optional extras (each start
# costs seconds of imports): torch and imbalanced-learn blocked, matplotlib
# never imported by the package or its metrics.
_WITHOUT_EXTRAS = """
import importlib.abc, sys

class _NoExtras(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("torch", "skorch", "imblearn"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoExtras())
import sklearn_la, sklearn_la.metrics, sklearn_la.datasets
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
sklearn_la.LogitAdjustedClassifier(LogisticRegression()).fit([[0], [1]], [0, 1])
X, y = make_classification(random_state=0)
sklearn_la.LogitAdjustedClassifierCV(LogisticRegression(), cv=2).fit(X, y)
for name in ("torch", "skorch", "imblearn", "matplotlib"):
    assert name not in sys.modules, name
for statement in ("sklearn_la.LogitAdjustedNet", "import sklearn_la.losses",
                  "import sklearn_la.nn"):
    try:
        exec(statement)
    except ImportError as exc:
        print(statement, "->", exc)
    else:
        raise AssertionError(statement + " worked without torch")
"""


def test_import_and_fit_need_no_optional_extra():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    # Each torch path names the extra to install, once.
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    for line in lines:
        assert line.count("pip install 'sklearn-la[torch]'") == 1, line


def _package_modules_called(run):
    """The package's modules whose functions ``run()`` calls (``sys.setprofile``)."""
    import sys

    modules = set()

    def profile(frame, event, arg):
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name.startswith("sklearn_la"):
                modules.add(name)

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return modules


def test_a_fit_and_predict_passes_through_few_modules():
    # One concept per module: a default fit and predict of the wrapper reads
    # five of them, the CV estimator's default fit seven.
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4,
                               weights=[0.7, 0.2, 0.1], random_state=0)  # fmt: skip
    wrapper = _package_modules_called(
        lambda: LogitAdjustedClassifier(LogisticRegression()).fit(X, y).predict(X)
    )
    assert wrapper == {
        f"sklearn_la.{name}"
        for name in ("_posthoc", "_validation", "_adjust", "_family", "_routing")
    }
    cv = _package_modules_called(
        lambda: LogitAdjustedClassifierCV(LogisticRegression()).fit(X, y)
    )
    assert cv == wrapper | {"sklearn_la._cv", "sklearn_la._selection"}
