"""The net's default module, TabularMLP (sklearn_la.nn._modules)."""

import pytest

torch = pytest.importorskip("torch")

from sklearn_la.nn import TabularMLP  # noqa: E402


@pytest.mark.parametrize("n_layers, n_linear", [(0, 1), (1, 2), (3, 4)])
def test_layers_follow_n_layers(n_layers, n_linear):
    mlp = TabularMLP(5, 3, hidden_units=7, n_layers=n_layers)
    linear = [m for m in mlp.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linear) == n_linear
    assert linear[0].in_features == 5 and linear[-1].out_features == 3


def test_samples_with_more_dimensions_are_flattened():
    mlp = TabularMLP(12, 2)
    images = torch.randn(4, 3, 2, 2)
    torch.testing.assert_close(mlp(images), mlp(images.flatten(1)))


def test_dropout_is_added_only_when_positive():
    assert not any(isinstance(m, torch.nn.Dropout) for m in TabularMLP(2, 2).modules())
    dropouts = [m for m in TabularMLP(2, 2, dropout=0.3).modules()]
    assert any(isinstance(m, torch.nn.Dropout) and m.p == 0.3 for m in dropouts)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"input_units": 0}, ValueError, "`input_units` must be >= 1"),
        ({"input_units": 2.0}, TypeError, "`input_units` must be an int"),
        ({"output_units": True}, TypeError, "`output_units` must be an int"),
        ({"hidden_units": -1}, ValueError, "`hidden_units`"),
        ({"n_layers": -1}, ValueError, "`n_layers` must be >= 0"),
        ({"dropout": 1.0}, ValueError, r"`dropout` must be in \[0.0, 1.0\)"),
        ({"dropout": "0.1"}, TypeError, "`dropout` must be a real number"),
    ],
)
def test_bad_sizes_are_refused_naming_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        TabularMLP(**{"input_units": 2, "output_units": 2, **kwargs})
