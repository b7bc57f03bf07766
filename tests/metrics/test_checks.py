"""Tests of sklearn_la.metrics._checks: the checks every metric, scorer and plot shares.

Each check is exercised through every public function that uses it, so a
sibling that bypasses the shared check fails here.
"""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_la.metrics import (
    expected_cost,
    group_accuracy,
    make_cost_scorer,
    make_group_scorer,
    per_class_recall,
)

pd = pytest.importorskip("pandas")

Y_TRUE = ["a", "a", "b", "b"]
Y_PRED = ["a", "b", "b", "b"]
COST = 1 - np.eye(2)

# Every public function with a `labels` argument, called with the given labels.
TAKES_LABELS = {
    "per_class_recall": lambda labels: per_class_recall(Y_TRUE, Y_PRED, labels=labels),
    "expected_cost": lambda labels: expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=COST, labels=labels
    ),
    "make_cost_scorer": lambda labels: make_cost_scorer(COST, labels=labels),
    "cost_matrix.index": lambda labels: expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=pd.DataFrame(COST, index=labels, columns=labels)
    ),
}


@pytest.mark.parametrize("call", TAKES_LABELS.values(), ids=TAKES_LABELS.keys())
@pytest.mark.parametrize(
    "labels, message",
    [
        # pandas stores None in an index as nan.
        (["a", None], r"Missing label (None|nan) in `(labels|cost_matrix.index)`"),
        (["a", np.nan], r"Missing label nan in `(labels|cost_matrix.index)`"),
        (["a", 1], r"Labels of mixed types \['number', 'str'\] in `"),
        ([0.0, np.nan], r"Missing label nan in `"),
    ],
    ids=["None", "nan-among-strings", "mixed", "nan-among-numbers"],
)
def test_a_missing_or_mixed_label_is_refused_naming_the_argument(call, labels, message):
    # Before the fix: numpy's "'<' not supported", or ["a", 1] silently read
    # as the strings ["a", "1"].
    with pytest.raises(ValueError, match=message):
        call(labels)


def test_pandas_missing_label_is_refused():
    labels = pd.array(["a", pd.NA], dtype="string")
    with pytest.raises(ValueError, match="Missing label <NA> in `labels`"):
        per_class_recall(Y_TRUE, Y_PRED, labels=labels)


def test_labels_of_pandas_string_dtype_are_read_as_labels():
    labels = pd.array(["b", "a"], dtype="string")
    np.testing.assert_allclose(
        per_class_recall(Y_TRUE, Y_PRED, labels=labels), [1.0, 0.5]
    )
    assert expected_cost(
        Y_TRUE, Y_PRED, cost_matrix=COST, labels=labels
    ) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "class_counts, message",
    [
        ({"a": 3, "b": 2, None: 1}, "Missing label None in the labels"),
        ({"a": 3, "b": 2, 1: 1}, r"Labels of mixed types \['number', 'str'\]"),
    ],
)
@pytest.mark.parametrize("owner", ["group_accuracy", "make_group_scorer"])
def test_class_counts_keyed_by_a_missing_or_mixed_label_are_refused(
    class_counts, message, owner
):
    with pytest.raises(ValueError, match=message):
        if owner == "group_accuracy":
            group_accuracy(Y_TRUE, Y_PRED, class_counts=class_counts)
        else:
            make_group_scorer("few", class_counts=class_counts)


@pytest.mark.parametrize("name", ["many_threshold", "few_threshold"])
def test_a_bool_threshold_is_refused(name):
    # True would silently mean a threshold of 1 training sample.
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        group_accuracy(Y_TRUE, Y_PRED, class_counts={"a": 3, "b": 2}, **{name: True})
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter"):
        make_group_scorer("few", **{name: True})
