"""The command line's data handling (sklearn_la._cli_data), function by function.

The end-to-end runs of the ``sklearn-la`` command are in ``tests/test_cli.py``.
"""

import numpy as np
import pytest

from sklearn_la._cli_data import (
    CLIError,
    _detect_separator,
    _split_rows,
    parse_separator,
)


@pytest.mark.parametrize(
    "value, sep", [("tab", "\t"), ("\\t", "\t"), ("whitespace", r"\s+"), (";", ";")]
)
def test_separator_names_are_spelled_out(value, sep):
    assert parse_separator(value) == sep


@pytest.mark.parametrize("value", ["", ";;", "comma"])
def test_a_separator_that_is_not_one_character_is_refused(value):
    with pytest.raises(CLIError, match="--sep: expected one character"):
        parse_separator(value)


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_the_separator_is_detected_from_a_sample(sep):
    sample = "\n".join(sep.join(row) for row in [["a", "b", "y"], ["1", "2", "x"]])
    assert _detect_separator(sample) == sep


def test_one_row_classes_train_only_and_the_split_is_stratified():
    y = np.array([0] * 20 + [1] * 10 + [2])
    train, test, singletons = _split_rows(y, test_size=0.5, seed=0)
    assert singletons == [2] and 30 in train and 30 not in test
    assert np.intersect1d(train, test).size == 0
    assert len(train) + len(test) == len(y)
    assert np.bincount(y[test], minlength=3).tolist() == [10, 5, 0]


def test_a_split_needs_two_classes_of_two_rows():
    with pytest.raises(CLIError, match="fewer than 2 classes have 2 rows"):
        _split_rows(np.array([0, 0, 1]), test_size=0.5, seed=0)
