"""Argument checks of the torch subpackage (nn._checks)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn_la.nn._checks import _check_shift, _check_tau  # noqa: E402


@pytest.mark.parametrize(
    "tau, error",
    [(np.nan, ValueError), (np.inf, ValueError), ("1", TypeError), (None, TypeError)],
)
def test_tau_must_be_a_finite_number_named_in_the_error(tau, error):
    with pytest.raises(error, match="`tau`"):
        _check_tau(tau)
    assert _check_tau(0.5) == 0.5


@pytest.mark.parametrize("make", [np.array, torch.tensor], ids=["numpy", "torch"])
def test_check_shift_names_the_parameter_of_a_non_finite_shift(make):
    finite = make([0.0, -1.0])
    assert _check_shift(finite, 2.0, "tau") is finite
    with pytest.raises(ValueError, match="`posthoc_tau` value 1e\\+308 is too large"):
        _check_shift(make([0.0, -np.inf]), 1e308, "posthoc_tau")
    with pytest.raises(ValueError, match="`tau`"):
        _check_shift(make([np.nan, 0.0]), 1e308, "tau")
