"""The net's parts (sklearn_la.nn._components): criterion by name, module sizes."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _nn_helpers import FAST  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    LogitAdjustedNet,
    TabularMLP,
)


@pytest.mark.parametrize(
    "loss, criterion_class, criterion_params",
    [
        ("logit_adjusted", LogitAdjustedLoss, {}),
        ("cross_entropy", torch.nn.CrossEntropyLoss, {}),
        ("balanced_softmax", BalancedSoftmaxLoss, {}),
        ("ldam", LDAMLoss, {"criterion__s": 1.0}),
        ("class_balanced", ClassBalancedLoss, {"criterion__beta": 0.99}),
        ("focal", FocalLoss, {"criterion__gamma": 1.0}),
        ("equalization", EqualizationLoss, {"criterion__freq_threshold": 0.1}),
    ],
)
def test_loss_names_select_the_criterion(data, loss, criterion_class, criterion_params):
    X, y = data
    net = LogitAdjustedNet(loss=loss, **criterion_params, **FAST).fit(X, y)
    assert type(net.criterion_) is criterion_class
    assert np.isfinite(net.history[:, "train_loss"]).all()
    assert net.predict_proba(X).shape == (len(X), 3)


def test_count_based_losses_get_training_counts(data):
    X, y = data
    net = LogitAdjustedNet(loss="class_balanced", criterion__beta=0.9, **FAST).fit(X, y)
    np.testing.assert_allclose(
        net.criterion_.weight.numpy(),
        ClassBalancedLoss([60, 25, 8], beta=0.9).weight.numpy(),
    )


@pytest.mark.parametrize(
    "module",
    ["mlp", TabularMLP(4, 3).state_dict(), np.zeros(3)],
    ids=["string", "state-dict", "array"],
)
def test_module_must_be_a_torch_module_or_a_callable_building_one(data, module):
    X, y = data
    with pytest.raises(TypeError, match="`module` must be a torch.nn.Module"):
        LogitAdjustedNet(module=module, **FAST).fit(X, y)
    with pytest.raises(TypeError, match="`module` must build a torch.nn.Module"):
        LogitAdjustedNet(module=lambda: "not a module", **FAST).fit(X, y)


def test_module_factories_and_partials_get_the_data_sizes(data):
    # skorch accepts any callable; a partial's bound arguments are kept.
    from functools import partial

    X, y = data
    net = LogitAdjustedNet(lambda: torch.nn.Linear(4, 3), **FAST).fit(X, y)
    assert net.predict_proba(X).shape == (len(y), 3)
    net = LogitAdjustedNet(partial(TabularMLP, hidden_units=5), **FAST).fit(X, y)
    assert net.module_.layers[0].in_features == 4
    assert net.module_.layers[0].out_features == 5
    assert net.module_.layers[-1].out_features == 3


@pytest.mark.parametrize(
    "params",
    [
        {"module": torch.nn.Linear(4, 2)},
        {
            "module": torch.nn.Linear,
            "module__in_features": 4,
            "module__out_features": 5,
        },
        {"module__output_units": 2},
    ],
    ids=["instance", "class", "default-mlp"],
)
def test_logits_of_the_wrong_width_are_refused_at_the_first_batch(data, params):
    X, y = data
    net = LogitAdjustedNet(**params, **FAST)
    with pytest.raises(
        ValueError, match=r"last dimension of the logits .*\((2|5) != 3\)"
    ):
        net.fit(X, y)
    assert len(net.history) == 1  # refused during the first epoch


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"criterion__weight": [1.0, 2.0]}, ValueError, "`weight` has length 2"),
        ({"criterion__reduction": "avg"}, ValueError, "`reduction` must be one of"),
        ({"loss": "focal", "criterion__gamma": "2"}, TypeError, "`gamma`"),
        ({"tau": "1"}, TypeError, "`tau` must be a real number"),
    ],
)
def test_bad_criterion_arguments_are_refused_naming_them(data, params, error, match):
    X, y = data
    with pytest.raises(error, match=match):
        LogitAdjustedNet(**params, **FAST).fit(X, y)
