"""The per-class quantities behind the losses (nn._kernels)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn_la.nn._kernels import (  # noqa: E402
    _centred_rows,
    _centred_shift,
    _effective_number_weights,
    _ldam_margins,
)


def test_centred_shift_has_maximum_zero_and_the_same_differences():
    log_priors = np.log([0.7, 0.2, 0.1])
    shift = _centred_shift(log_priors, 2.0)
    assert shift.dtype == torch.float64 and float(shift.max()) == 0.0
    np.testing.assert_allclose(np.diff(shift.numpy()), np.diff(2.0 * log_priors))


def test_centred_shift_refuses_an_overflow_naming_the_parameter():
    with pytest.raises(ValueError, match="`posthoc_tau` value 1e\\+308"):
        _centred_shift(np.log([0.9, 0.05, 0.05]), 1e308, name="posthoc_tau")


def test_centred_rows_have_maximum_zero_row_by_row():
    delta = torch.tensor([[0.0, 2.0], [-1.0, -3.0]], dtype=torch.float64)
    rows = _centred_rows(delta)
    torch.testing.assert_close(rows.max(dim=1).values, torch.zeros(2).double())
    torch.testing.assert_close(rows[:, 1] - rows[:, 0], delta[:, 1] - delta[:, 0])


@pytest.mark.parametrize("beta", [0.0, 0.9, 0.9999])
def test_effective_number_weights_sum_to_the_number_of_classes(beta):
    weights = _effective_number_weights(np.array([100.0, 10.0, 1.0]), beta)
    assert float(weights.sum()) == pytest.approx(3.0)
    # rarer classes never weigh less
    assert torch.all(weights[1:] >= weights[:-1])


def test_ldam_margins_are_largest_for_the_rarest_class_and_equal_max_m():
    margins = _ldam_margins(np.array([100.0, 10.0, 1.0]), 0.5)
    assert float(margins.max()) == pytest.approx(0.5) and int(margins.argmax()) == 2
    np.testing.assert_allclose(margins[0] / margins[2], 100.0**-0.25)
