"""Functional forms (sklearn_la.nn.functional): as the modules, validated; maths."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from _loss_helpers import COUNTS, PRIORS, K, batch, la_delta  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PairwiseMarginLoss,
)
from sklearn_la.nn import functional as LF  # noqa: E402
from sklearn_la.nn.functional import (  # noqa: E402
    _centred_rows,
    _centred_shift,
    _effective_number_weights,
    _ldam_margins,
    logit_adjusted_loss,
)


def test_functional_form_matches_module():
    logits, target = batch()
    module = LogitAdjustedLoss(PRIORS, tau=0.5, reduction="sum")
    from_array = logit_adjusted_loss(logits, target, PRIORS, tau=0.5, reduction="sum")
    from_tensor = logit_adjusted_loss(
        logits, target, torch.as_tensor(PRIORS), tau=0.5, reduction="sum"
    )
    torch.testing.assert_close(from_array, module(logits, target))
    torch.testing.assert_close(from_tensor, module(logits, target))


def test_functional_refuses_priors_of_the_wrong_length():
    with pytest.raises(ValueError, match=rf"`priors` has 3 entries.*{K} classes"):
        logit_adjusted_loss(torch.zeros(2, K), torch.tensor([0, 1]), [0.2, 0.3, 0.5])


# Each functional form and the module holding the same arguments as buffers.
PAIRS = {
    "logit_adjusted": (
        lambda x, t: LF.logit_adjusted_loss(x, t, PRIORS, 1.5, reduction="none"),
        lambda: LogitAdjustedLoss(PRIORS, 1.5, reduction="none"),
    ),
    "balanced_softmax": (
        lambda x, t: LF.balanced_softmax_loss(x, t, COUNTS, weight=np.arange(1, K + 1)),
        lambda: BalancedSoftmaxLoss(COUNTS, weight=np.arange(1, K + 1)),
    ),
    "pairwise": (
        lambda x, t: LF.pairwise_margin_loss(x, t, la_delta(PRIORS, 0.7), np.ones(K)),
        lambda: PairwiseMarginLoss(la_delta(PRIORS, 0.7), np.ones(K)),
    ),
    "focal": (
        lambda x, t: LF.focal_loss(x, t, 1.5, reduction="sum"),
        lambda: FocalLoss(1.5, reduction="sum"),
    ),
    "class_balanced": (
        lambda x, t: LF.class_balanced_loss(x, t, COUNTS, 0.99, 1.0),
        lambda: ClassBalancedLoss(COUNTS, 0.99, 1.0),
    ),
    "ldam": (
        lambda x, t: LF.ldam_loss(x, t, COUNTS, 0.4, 2.0),
        lambda: LDAMLoss(COUNTS, 0.4, 2.0),
    ),
    "equalization": (
        lambda x, t: LF.equalization_loss(x, t, PRIORS, 0.1, 0.6, training=False),
        lambda: EqualizationLoss(PRIORS, 0.1, 0.6).eval(),
    ),
}


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_each_functional_form_equals_its_module(name, dtype):
    functional, module = PAIRS[name]
    logits, target = batch(dtype=dtype)
    target[1] = -100
    expected = module()(logits, target)
    result = functional(logits, target)
    assert result.dtype == dtype
    torch.testing.assert_close(result, expected)


def test_equalization_functional_draws_in_training():
    logits, target = batch(n=64)
    draws = {
        float(LF.equalization_loss(logits, target, PRIORS, 0.1, 0.5)) for _ in range(5)
    }
    assert len(draws) > 1


@pytest.mark.parametrize("as_tensor", [False, True])
@pytest.mark.parametrize(
    "function",
    [LF.logit_adjusted_loss, LF.balanced_softmax_loss, LF.equalization_loss],
)
def test_a_zero_prior_is_refused_not_an_infinite_loss(function, as_tensor):
    # Issue #11: a zero prior gave log(0) = -inf and an infinite loss.
    priors = np.array([0.6, 0.0, 0.4])
    priors = torch.as_tensor(priors) if as_tensor else priors
    with pytest.raises(ValueError, match="`priors` must be strictly positive"):
        function(torch.zeros(2, 3), torch.tensor([0, 1]), priors)


@pytest.mark.parametrize("function", [LF.class_balanced_loss, LF.ldam_loss])
def test_a_zero_class_count_is_refused(function):
    with pytest.raises(ValueError, match="`class_counts` must be strictly positive"):
        function(torch.zeros(2, 3), torch.tensor([0, 1]), [10, 0, 3])


@pytest.mark.parametrize(
    "input, target, error, match",
    [
        ([[0.0, 1.0]], torch.tensor([0]), TypeError, "`input` must be a torch.Tensor"),
        (
            torch.zeros(2, 2, dtype=torch.long),
            torch.tensor([0, 1]),
            TypeError,
            "floating-point logits",
        ),
        (torch.tensor(0.0), torch.tensor(0), ValueError, "0-dimensional"),
        (torch.zeros(2, 2), [0, 1], TypeError, "`target` must be a torch.Tensor"),
        (torch.zeros(2, 2), torch.zeros(2), TypeError, "class-index targets"),
    ],
)
def test_bad_logits_and_targets_are_refused_naming_the_argument(
    input, target, error, match
):
    with pytest.raises(error, match=match):
        LF.focal_loss(input, target)
    with pytest.raises(error, match=match):
        FocalLoss()(input, target)


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda x, t: LF.logit_adjusted_loss(x, t, PRIORS, reduction=1),
            TypeError,
            "`reduction`",
        ),
        (
            lambda x, t: LF.logit_adjusted_loss(x, t, PRIORS, label_smoothing=1.0),
            ValueError,
            "`label_smoothing`",
        ),
        (
            lambda x, t: LF.logit_adjusted_loss(x, t, PRIORS, ignore_index=0.5),
            TypeError,
            "`ignore_index`",
        ),
        (lambda x, t: LF.focal_loss(x, t, gamma="2"), TypeError, "`gamma`"),
        (lambda x, t: LF.ldam_loss(x, t, COUNTS, s=0.0), ValueError, "`s`"),
        (
            lambda x, t: LF.equalization_loss(x, t, PRIORS, gamma=1.5),
            ValueError,
            "`gamma`",
        ),
        (
            lambda x, t: LF.pairwise_margin_loss(x, t, np.zeros((K, K)), np.ones(2)),
            ValueError,
            "`alpha`",
        ),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call(*batch())


# The cross-entropies are left to torch's own target check, which names it.
@pytest.mark.parametrize(
    "name", [n for n in PAIRS if n not in ("logit_adjusted", "balanced_softmax")]
)
@pytest.mark.parametrize(
    "bad_target, match",
    [
        (torch.tensor([0, 1, K]), r"outside \[0, 5\)"),
        (torch.tensor([0, -1, 2]), r"outside \[0, 5\)"),
        (torch.tensor([0, 1]), r"`target` has shape \(2,\)"),
    ],
)
def test_targets_out_of_range_or_shape_are_refused_before_torch(
    name, bad_target, match
):
    # Not an IndexError from deep inside an indexing kernel.
    functional, module = PAIRS[name]
    logits = torch.zeros(3, K)
    for loss in (functional, module()):
        with pytest.raises(ValueError, match=match):
            loss(logits, bad_target)
    # The ignored value is not a class index, and is not refused.
    assert torch.isfinite(module()(logits, torch.tensor([0, -100, 2])))


@pytest.mark.parametrize(
    "loss",
    [
        lambda x, t: LF.logit_adjusted_loss(x, t, PRIORS),
        lambda x, t: LF.balanced_softmax_loss(x, t, PRIORS),
        lambda x, t: LogitAdjustedLoss(PRIORS)(x, t),
        lambda x, t: BalancedSoftmaxLoss(PRIORS)(x, t),
    ],
    ids=["logit_adjusted_loss", "balanced_softmax_loss", "module", "balanced_module"],
)
def test_float_class_indices_are_refused_but_probabilities_pass(loss):
    logits, target = batch()
    with pytest.raises(TypeError, match=r"needs class-index targets.*target\.long\(\)"):
        loss(logits, target.double())
    with pytest.raises(TypeError, match="`target` must be a torch.Tensor"):
        loss(logits, target.tolist())
    probabilities = torch.nn.functional.one_hot(target, K).double()
    torch.testing.assert_close(loss(logits, probabilities), loss(logits, target))


def test_centred_shift_has_maximum_zero_and_the_same_differences():
    log_priors = np.log([0.7, 0.2, 0.1])
    shift = _centred_shift(log_priors, 2.0)
    assert shift.dtype == torch.float64 and float(shift.max()) == 0.0
    np.testing.assert_allclose(np.diff(shift.numpy()), np.diff(2.0 * log_priors))


def test_centred_shift_refuses_an_overflow_naming_the_parameter():
    with pytest.raises(ValueError, match="`tau` value 1e\\+308"):
        _centred_shift(np.log([0.9, 0.05, 0.05]), 1e308)


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
