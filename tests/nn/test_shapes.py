"""Logit and target shapes, and the dtype a loss computes in (nn._shapes)."""

import pytest

torch = pytest.importorskip("torch")

from sklearn_la.nn._shapes import (  # noqa: E402
    _check_cross_entropy_target,
    _check_index_target,
    _compute_dtype,
)


@pytest.mark.parametrize(
    "largest, dtype, expected",
    [
        (10.0, torch.float16, torch.float16),
        (1e5, torch.float16, torch.float32),
        (1e5, torch.bfloat16, torch.bfloat16),
        (1e300, torch.float32, torch.float64),
        (1e300, torch.float16, torch.float64),
        (1e300, torch.float64, torch.float64),
    ],
)
def test_compute_dtype_is_the_first_that_holds_the_offsets(largest, dtype, expected):
    offsets = torch.tensor([0.0, -largest], dtype=torch.float64)
    assert _compute_dtype(offsets, dtype) == expected


def test_a_float_target_must_be_probabilities_of_the_logits_shape():
    logits = torch.zeros(4, 3)
    _check_cross_entropy_target(torch.tensor([0, 1, 2, 0]), "Loss", logits)
    _check_cross_entropy_target(torch.full((4, 3), 1 / 3), "Loss", logits)
    with pytest.raises(TypeError, match=r"Loss needs class-index targets.*\(4,\)"):
        _check_cross_entropy_target(torch.tensor([0.0, 1.0, 2.0, 0.0]), "Loss", logits)


@pytest.mark.parametrize(
    "target, error, match",
    [
        (torch.tensor([0.0, 1.0]), TypeError, "class-index targets"),
        (torch.tensor([0, 1, 2]), ValueError, r"`target` has shape \(3,\)"),
        (torch.tensor([0, 3]), ValueError, r"outside \[0, 3\)"),
    ],
)
def test_index_targets_are_checked_for_dtype_shape_and_range(target, error, match):
    with pytest.raises(error, match=match):
        _check_index_target(target, "Loss", torch.zeros(2, 3))
    # the ignored value is not a class index
    _check_index_target(torch.tensor([0, -100]), "Loss", torch.zeros(2, 3))
