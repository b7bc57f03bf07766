"""The loss modules (sklearn_la.nn._losses): definitions, numerics, buffers."""

import copy
import pickle

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from _loss_helpers import (  # noqa: E402
    COUNTS,
    LOSS_FACTORIES,
    PRIORS,
    K,
    batch,
    la_delta,
    make,
)
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
    PairwiseMarginLoss,
)
from sklearn_la.nn.functional import logit_adjusted_loss  # noqa: E402

priors_strategy = hnp.arrays(
    np.float64,
    st.integers(2, 8),
    elements=st.floats(1e-6, 1.0),
)


@settings(max_examples=60, deadline=None)
@given(
    priors=priors_strategy,
    tau=st.floats(-2.0, 3.0),
    seed=st.integers(0, 2**16),
)
def test_logit_adjusted_equals_cross_entropy_on_shifted_logits(priors, tau, seed):
    logits, target = batch(n=12, k=len(priors), seed=seed)
    loss = LogitAdjustedLoss(priors, tau=tau)(logits, target)
    normalised = priors / priors.sum()
    shifted = logits + tau * torch.log(torch.as_tensor(normalised))
    torch.testing.assert_close(
        loss, F.cross_entropy(shifted, target), rtol=1e-12, atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(
    priors=priors_strategy,
    tau=st.floats(-2.0, 3.0),
    seed=st.integers(0, 2**16),
    reduction=st.sampled_from(["none", "mean", "sum"]),
)
def test_pairwise_with_logit_adjusted_delta_equals_logit_adjusted(
    priors, tau, seed, reduction
):
    logits, target = batch(n=12, k=len(priors), seed=seed)
    target[0] = -100  # ignored entries must line up too
    la = LogitAdjustedLoss(priors, tau=tau, reduction=reduction)
    pairwise = PairwiseMarginLoss(la_delta(priors, tau), reduction=reduction)
    torch.testing.assert_close(
        pairwise(logits, target), la(logits, target), rtol=1e-12, atol=1e-12
    )


def test_logit_adjusted_matches_the_papers_pairwise_expression():
    # Menon et al. eq. 10, second form:
    # log[1 + sum_{y' != y} (pi_y' / pi_y)^tau e^{f_y' - f_y}].
    logits, target = batch()
    tau = 1.3
    f = logits.numpy()
    expected = []
    for i, y in enumerate(target.tolist()):
        others = [j for j in range(K) if j != y]
        terms = (PRIORS[others] / PRIORS[y]) ** tau * np.exp(f[i, others] - f[i, y])
        expected.append(np.log1p(terms.sum()))
    loss = LogitAdjustedLoss(PRIORS, tau=tau, reduction="none")(logits, target)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)


def test_tau_zero_is_plain_cross_entropy():
    logits, target = batch()
    torch.testing.assert_close(
        LogitAdjustedLoss(PRIORS, tau=0.0)(logits, target),
        F.cross_entropy(logits, target),
    )


def test_logit_adjusted_favours_rare_class_margins():
    # Equal logits: the loss of a rare-class example exceeds a common one's,
    # which pushes the rare logit up (the larger margin of section 5).
    logits = torch.zeros(2, K)
    loss = LogitAdjustedLoss(PRIORS, reduction="none")(logits, torch.tensor([0, K - 1]))
    assert loss[1] > loss[0]


def test_priors_and_counts_give_the_same_loss():
    logits, target = batch()
    torch.testing.assert_close(
        LogitAdjustedLoss(PRIORS)(logits, target),
        LogitAdjustedLoss(COUNTS)(logits, target),
    )


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("use_weight", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_logit_adjusted_follows_cross_entropy_options(
    reduction, use_weight, label_smoothing
):
    logits, target = batch()
    target[:3] = -1
    weight = torch.linspace(0.5, 2.0, K, dtype=torch.float64) if use_weight else None
    loss = LogitAdjustedLoss(
        PRIORS,
        tau=0.8,
        weight=weight,
        ignore_index=-1,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )(logits, target)
    expected = F.cross_entropy(
        logits + 0.8 * torch.log(torch.as_tensor(PRIORS)),
        target,
        weight=weight,
        ignore_index=-1,
        reduction=reduction,
        label_smoothing=label_smoothing,
    )
    torch.testing.assert_close(loss, expected)


def test_logit_adjusted_accepts_class_probability_targets():
    logits, _ = batch()
    probs = torch.softmax(torch.randn(16, K, dtype=torch.float64), dim=1)
    shifted = logits + torch.log(torch.as_tensor(PRIORS))
    torch.testing.assert_close(
        LogitAdjustedLoss(PRIORS)(logits, probs), F.cross_entropy(shifted, probs)
    )


def test_balanced_softmax_equals_ren_et_al_formula_and_la_with_tau_one():
    logits, target = batch()
    # Ren et al. eq. 4: -log(n_y e^{f_y} / sum_j n_j e^{f_j}).
    weighted = torch.as_tensor(COUNTS, dtype=torch.float64) * torch.exp(logits)
    expected = -torch.log(
        weighted.gather(1, target[:, None]).squeeze(1) / weighted.sum(1)
    )
    loss = BalancedSoftmaxLoss(COUNTS, reduction="none")(logits, target)
    torch.testing.assert_close(loss, expected)
    torch.testing.assert_close(
        loss, LogitAdjustedLoss(COUNTS, tau=1.0, reduction="none")(logits, target)
    )


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_pairwise_zero_margins_with_alpha_is_weighted_cross_entropy(reduction):
    logits, target = batch()
    alpha = 1.0 / PRIORS
    loss = PairwiseMarginLoss(np.zeros((K, K)), alpha=alpha, reduction=reduction)
    torch.testing.assert_close(
        loss(logits, target),
        F.cross_entropy(
            logits, target, weight=torch.as_tensor(alpha), reduction=reduction
        ),
    )


def test_pairwise_ignores_the_diagonal_of_delta():
    logits, target = batch()
    delta = la_delta(PRIORS, 1.0)
    with_diagonal = delta + np.diag(np.arange(1.0, K + 1))
    torch.testing.assert_close(
        PairwiseMarginLoss(with_diagonal)(logits, target),
        PairwiseMarginLoss(delta)(logits, target),
    )
    assert torch.all(PairwiseMarginLoss(with_diagonal).delta.diagonal() == 0)


def test_pairwise_matches_direct_formula_with_alpha():
    logits, target = batch()
    gen = np.random.default_rng(0)
    delta = gen.normal(size=(K, K))
    alpha = gen.uniform(0.5, 2.0, size=K)
    f = logits.numpy()
    expected = []
    for i, y in enumerate(target.tolist()):
        others = [j for j in range(K) if j != y]
        inner = np.exp(delta[y, others] + f[i, others] - f[i, y]).sum()
        expected.append(alpha[y] * np.log1p(inner))
    loss = PairwiseMarginLoss(delta, alpha=alpha, reduction="none")(logits, target)
    np.testing.assert_allclose(loss.numpy(), expected, rtol=1e-12)


def test_pairwise_is_stable_for_large_logit_gaps():
    logits = torch.tensor([[1000.0, -1000.0, 0.0]], dtype=torch.float64)
    delta = np.full((3, 3), 50.0)
    loss = PairwiseMarginLoss(delta, reduction="none")(logits, torch.tensor([1]))
    # log(1 + e^{50+2000} + e^{50+1000}) ~= 2050
    assert torch.isfinite(loss).all()
    torch.testing.assert_close(loss, torch.tensor([2050.0], dtype=torch.float64))


@pytest.mark.parametrize(
    "criterion",
    [
        LogitAdjustedLoss(PRIORS, tau=1.2),
        LogitAdjustedLoss(
            PRIORS, tau=0.5, weight=np.linspace(1, 2, K), label_smoothing=0.1
        ),
        PairwiseMarginLoss(la_delta(PRIORS, 1.0)),
        PairwiseMarginLoss(
            np.random.default_rng(1).normal(size=(K, K)), alpha=np.arange(1, K + 1)
        ),
    ],
    ids=["la", "la-weighted-smoothed", "pairwise-la", "pairwise-general"],
)
def test_gradcheck_float64(criterion):
    logits, target = batch(n=6)
    logits.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda z: criterion(z, target), (logits,))
    assert torch.autograd.gradgradcheck(lambda z: criterion(z, target), (logits,))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_tiny_priors_and_large_logits_do_not_overflow_in_half_precision(dtype):
    # A prior of 1e-30 is 0 in float16, but its log (-69) is representable.
    priors = np.array([1.0, 1e-30, 1e-3])
    logits = torch.tensor([[3e4, -3e4, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    loss = LogitAdjustedLoss(priors, reduction="none")(logits, torch.tensor([1, 0]))
    assert torch.isfinite(loss).all()
    assert loss.dtype == dtype


def test_float32_logits_are_not_promoted_by_float64_buffers():
    criterion = LogitAdjustedLoss(PRIORS, weight=np.ones(K))
    assert criterion.log_priors.dtype == torch.float64
    logits, target = batch(dtype=torch.float32)
    assert criterion(logits, target).dtype == torch.float32


def test_priors_are_a_buffer_saved_in_state_dict_and_moved_with_the_module():
    criterion = LogitAdjustedLoss(PRIORS, tau=2.0)
    assert "log_priors" in dict(criterion.named_buffers())
    state = criterion.state_dict()
    np.testing.assert_allclose(state["log_priors"].numpy(), np.log(PRIORS))
    other = LogitAdjustedLoss(np.ones(K), tau=2.0)
    other.load_state_dict(state)
    logits, target = batch()
    torch.testing.assert_close(other(logits, target), criterion(logits, target))
    assert criterion.to(torch.float32).log_priors.dtype == torch.float32
    assert criterion.to("cpu").log_priors.device.type == "cpu"
    np.testing.assert_allclose(criterion.priors.numpy(), PRIORS, rtol=1e-6)


@pytest.mark.parametrize(
    "priors",
    [
        [0.5, 0.0, 0.5],
        [0.5, -0.1, 0.6],
        [0.5, np.nan, 0.5],
        [0.5, np.inf, 0.5],
        [[0.5, 0.5]],
        [],
        "train",
        0.5,
    ],
)
@pytest.mark.parametrize(
    "loss_class", [LogitAdjustedLoss, BalancedSoftmaxLoss, EqualizationLoss]
)
def test_bad_priors_are_refused_naming_the_argument(priors, loss_class):
    with pytest.raises(ValueError, match="`priors`"):
        loss_class(priors)


@pytest.mark.parametrize(
    "tau, error",
    [(np.nan, ValueError), (np.inf, ValueError), ("1", TypeError), (None, TypeError)]
    + [(True, TypeError)],
)
def test_bad_tau_is_refused(tau, error):
    with pytest.raises(error, match="`tau`"):
        LogitAdjustedLoss(PRIORS, tau=tau)
    with pytest.raises(error, match="`tau`"):
        logit_adjusted_loss(*batch(), PRIORS, tau=tau)


@pytest.mark.parametrize("loss_class", [LogitAdjustedLoss, EqualizationLoss])
def test_non_numeric_priors_are_a_type_error(loss_class):
    with pytest.raises(TypeError, match="`priors` must contain numbers"):
        loss_class(["a", "b"])


@pytest.mark.parametrize(
    "delta, error",
    [
        (np.zeros((3, 4)), ValueError),
        (np.zeros(3), ValueError),
        (np.full((2, 2), np.nan), ValueError),
        ([["a"]], TypeError),
    ],
)
def test_bad_delta_is_refused(delta, error):
    with pytest.raises(error, match="`delta`"):
        PairwiseMarginLoss(delta)


def test_bad_alpha_and_weight_are_refused():
    with pytest.raises(ValueError, match="`alpha`"):
        PairwiseMarginLoss(np.zeros((3, 3)), alpha=[1.0, 2.0])
    with pytest.raises(ValueError, match="`alpha`"):
        PairwiseMarginLoss(np.zeros((2, 2)), alpha=[1.0, -2.0])
    with pytest.raises(ValueError, match="`weight`"):
        LogitAdjustedLoss(PRIORS, weight=np.ones(K + 1))


@pytest.mark.parametrize("dtype", [torch.float16])
def test_huge_tau_in_half_precision_is_finite_and_matches_float32(dtype):
    # Issue #11: tau * log-prior ratios of 1e5 overflow float16; the shift is
    # centred, and where it still does not fit, computed in float32.
    logits, target = batch(dtype=torch.float32)
    criterion = LogitAdjustedLoss(PRIORS, tau=1e5)
    expected = criterion(logits, target)
    half = logits.to(dtype).requires_grad_(True)
    loss = criterion(half, target)
    assert torch.isfinite(loss) and loss.dtype == torch.float32
    torch.testing.assert_close(loss, criterion(half.detach().float(), target))
    torch.testing.assert_close(loss, expected, rtol=1e-3, atol=1.0)
    loss.backward()
    assert half.grad.dtype == dtype and torch.isfinite(half.grad).all()
    # A shift that fits stays in the logits' dtype; bfloat16 has float32's range.
    assert LogitAdjustedLoss(PRIORS, tau=100.0)(half, target).dtype == dtype
    wide = criterion(logits.bfloat16(), target)
    assert wide.dtype == torch.bfloat16 and torch.isfinite(wide)


def test_centring_the_shift_changes_no_loss():
    logits, target = batch()
    probs = torch.softmax(torch.randn(16, K, dtype=torch.float64), dim=1)
    uncentred = logits + 2.0 * torch.log(torch.as_tensor(PRIORS))
    for tgt in (target, probs):
        torch.testing.assert_close(
            LogitAdjustedLoss(PRIORS, tau=2.0, label_smoothing=0.1)(logits, tgt),
            F.cross_entropy(uncentred, tgt, label_smoothing=0.1),
            rtol=1e-12,
            atol=1e-12,
        )


@pytest.mark.parametrize("dtype", [torch.float16])
def test_large_pairwise_margins_in_half_precision_are_finite(dtype):
    delta = np.array([[0.0, 8e4, 0.0], [-8e4, 0.0, 0.0], [0.0, 0.0, 0.0]])
    logits = torch.zeros(3, 3, dtype=dtype)
    target = torch.tensor([0, 1, 2])
    loss = PairwiseMarginLoss(delta, reduction="none")(logits, target)
    assert torch.isfinite(loss).all()
    torch.testing.assert_close(
        loss,
        PairwiseMarginLoss(delta, reduction="none")(logits.double(), target).float(),
    )


def test_a_tau_that_overflows_the_shift_is_refused_naming_tau():
    logits, target = batch()
    with pytest.raises(ValueError, match=r"`tau` value 1e\+308 is too large"):
        LogitAdjustedLoss(PRIORS, tau=1e308)
    with pytest.raises(ValueError, match=r"`tau` value 1e\+308 is too large"):
        logit_adjusted_loss(logits, target, PRIORS, tau=1e308)
    criterion = LogitAdjustedLoss(PRIORS)
    criterion.tau = 1e308
    with pytest.raises(ValueError, match="`tau`"):
        criterion(logits, target)


def test_a_shift_beyond_float32_is_computed_in_float64():
    # tau=1e300: the shift is finite in float64 but not in float32.
    logits, target = batch(dtype=torch.float32)
    loss = LogitAdjustedLoss(PRIORS, tau=1e300)(logits, target)
    assert loss.dtype == torch.float64 and torch.isfinite(loss)
    expected = logit_adjusted_loss(logits.double(), target, PRIORS, tau=1e300)
    torch.testing.assert_close(loss, expected)
    functional = logit_adjusted_loss(logits, target, PRIORS, tau=1e300)
    torch.testing.assert_close(functional, expected)


def test_ldam_margins_follow_inverse_fourth_root_of_counts():
    criterion = LDAMLoss(COUNTS, max_m=0.4)
    margins = criterion.margins.numpy()
    assert margins.max() == pytest.approx(0.4)
    np.testing.assert_allclose(margins * COUNTS**0.25, margins[0] * COUNTS[0] ** 0.25)
    assert np.argmax(margins) == np.argmin(COUNTS)


def test_ldam_is_the_pairwise_loss_with_margin_delta_on_scaled_logits():
    logits, target = batch()
    s = 3.0
    criterion = LDAMLoss(COUNTS, max_m=0.5, s=s, reduction="none")
    margins = criterion.margins.numpy()
    delta = np.repeat(s * margins[:, None], K, axis=1)  # Delta[y, y'] = s * m_y
    expected = PairwiseMarginLoss(delta, reduction="none")(s * logits, target)
    torch.testing.assert_close(criterion(logits, target), expected)


def test_ldam_deferred_reweighting_switches_on_at_drw_epoch():
    logits, target = batch(n=64)
    criterion = LDAMLoss(COUNTS, s=1.0, drw_epoch=3, beta=0.999)
    unweighted = LDAMLoss(COUNTS, s=1.0)(logits, target)
    weighted = LDAMLoss(COUNTS, s=1.0, weight=criterion.drw_weight)(logits, target)
    assert not torch.isclose(unweighted, weighted)
    for epoch, expected in [
        (0, unweighted),
        (2, unweighted),
        (3, weighted),
        (10, weighted),
    ]:
        criterion.set_epoch(epoch)
        torch.testing.assert_close(criterion(logits, target), expected)
    np.testing.assert_allclose(
        criterion.drw_weight.numpy(),
        ClassBalancedLoss(COUNTS, beta=0.999).weight.numpy(),
    )


@pytest.mark.parametrize(
    "epoch, error",
    [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("3", TypeError)],
)
def test_ldam_set_epoch_refuses_bad_values(epoch, error):
    with pytest.raises(error, match="`epoch`"):
        LDAMLoss(COUNTS).set_epoch(epoch)


def test_class_balanced_weights_are_inverse_effective_numbers():
    beta = 0.999
    criterion = ClassBalancedLoss(COUNTS, beta=beta)
    effective = (1 - beta**COUNTS) / (1 - beta)
    expected = (1 / effective) / (1 / effective).sum() * K
    np.testing.assert_allclose(criterion.weight.numpy(), expected, rtol=1e-12)
    logits, target = batch()
    torch.testing.assert_close(
        criterion(logits, target),
        F.cross_entropy(logits, target, weight=torch.as_tensor(expected)),
    )


def test_class_balanced_interpolates_between_uniform_and_inverse_frequency():
    np.testing.assert_allclose(
        ClassBalancedLoss(COUNTS, beta=0.0).weight.numpy(), np.ones(K)
    )
    near_one = ClassBalancedLoss(COUNTS, beta=1 - 1e-9).weight.numpy()
    inverse = (1 / COUNTS) / (1 / COUNTS).sum() * K
    np.testing.assert_allclose(near_one, inverse, rtol=1e-5)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_focal_with_gamma_zero_is_cross_entropy(reduction):
    logits, target = batch()
    target[:2] = -100
    weight = torch.linspace(0.5, 2.0, K, dtype=torch.float64)
    torch.testing.assert_close(
        FocalLoss(gamma=0.0, weight=weight, reduction=reduction)(logits, target),
        F.cross_entropy(logits, target, weight=weight, reduction=reduction),
    )


def test_focal_scales_cross_entropy_by_one_minus_p_to_the_gamma():
    logits, target = batch()
    gamma = 2.5
    ce = F.cross_entropy(logits, target, reduction="none")
    p_true = torch.exp(-ce)
    torch.testing.assert_close(
        FocalLoss(gamma=gamma, reduction="none")(logits, target),
        (1 - p_true) ** gamma * ce,
    )


def test_focal_gradient_is_finite_when_an_example_is_certain():
    # p_y == 1 in floating point: d/dp (1-p)^gamma is infinite for gamma < 1.
    logits = torch.tensor([[100.0, 0.0, 0.0], [0.0, 1.0, 0.0]], requires_grad=True)
    FocalLoss(gamma=0.5)(logits, torch.tensor([0, 1])).backward()
    assert torch.isfinite(logits.grad).all()


def test_class_balanced_focal_is_weighted_focal():
    logits, target = batch()
    criterion = ClassBalancedLoss(COUNTS, beta=0.99, gamma=2.0)
    expected = FocalLoss(gamma=2.0, weight=criterion.weight)(logits, target)
    torch.testing.assert_close(criterion(logits, target), expected)


def test_equalization_with_no_rare_class_is_cross_entropy():
    logits, target = batch()
    criterion = EqualizationLoss(PRIORS, freq_threshold=0.0, gamma=1.0)
    assert not criterion.rare.any()
    torch.testing.assert_close(
        criterion(logits, target), F.cross_entropy(logits, target)
    )


@pytest.mark.parametrize("training", [True, False])
def test_equalization_removes_discouraging_gradients_of_rare_classes(training):
    # Tan et al.'s defining property: with gamma=1, examples of other classes
    # push no gradient onto the logits of rare classes.
    criterion = EqualizationLoss(PRIORS, freq_threshold=0.1, gamma=1.0).train(training)
    rare = np.flatnonzero(PRIORS < 0.1)
    logits, _ = batch(n=8)
    logits.requires_grad_(True)
    target = torch.tensor([0, 1, 2, 0, 1, 2, 3, 4])
    criterion(logits, target).backward()
    grad = logits.grad
    for i, y in enumerate(target.tolist()):
        for k in rare:
            if k != y:
                assert grad[i, k] == 0
    # Its own examples still train a rare class's logit.
    assert (grad[6, 3] != 0) and (grad[7, 4] != 0)
    # Frequent negative classes keep their gradient.
    assert (grad[0, 1] != 0) and (grad[1, 0] != 0)


def test_equalization_eval_mode_uses_expected_weights():
    logits, target = batch()
    gamma = 0.6
    criterion = EqualizationLoss(PRIORS, freq_threshold=0.1, gamma=gamma).eval()
    rare = torch.as_tensor(PRIORS < 0.1)
    onehot = F.one_hot(target, K).bool()
    keep = torch.where(rare & ~onehot, 1 - gamma, 1.0).to(torch.float64)
    log_p = logits - torch.logsumexp(logits + torch.log(keep), dim=1, keepdim=True)
    expected = -log_p.gather(1, target[:, None]).mean()
    torch.testing.assert_close(criterion(logits, target), expected)


def test_equalization_training_draws_follow_the_torch_seed():
    logits, target = batch(n=64)
    criterion = EqualizationLoss(PRIORS, freq_threshold=0.1, gamma=0.5).train()
    torch.manual_seed(3)
    first = criterion(logits, target)
    torch.manual_seed(3)
    assert torch.equal(first, criterion(logits, target))
    draws = {float(criterion(logits, target)) for _ in range(10)}
    assert len(draws) > 1


@pytest.mark.parametrize("gamma", [0.0, 2.0])
def test_class_balanced_loss_is_the_focal_loss_with_class_balanced_weights(gamma):
    logits, target = batch()
    criterion = ClassBalancedLoss(COUNTS, beta=0.99, gamma=gamma)
    assert isinstance(criterion, FocalLoss)
    focal = FocalLoss(gamma, weight=criterion.weight)
    torch.testing.assert_close(criterion(logits, target), focal(logits, target))


@pytest.mark.parametrize("loss_class", [LDAMLoss, ClassBalancedLoss])
def test_bad_class_counts_are_refused_naming_the_argument(loss_class):
    with pytest.raises(ValueError, match="`class_counts`"):
        loss_class([10, 0, 3])


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_only_the_cross_entropies_subclass_cross_entropy_loss(name):
    criterion = make(name)
    is_ce = name in ("logit_adjusted", "balanced_softmax")
    assert isinstance(criterion, torch.nn.CrossEntropyLoss) is is_ce
    # The others carry no cross-entropy option they would ignore.
    assert hasattr(criterion, "label_smoothing") is is_ce


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_spatial_input_equals_flattened_input(name):
    # (N, C, d) logits are N*d independent examples, classes along dim 1.
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(4, K, 3, generator=gen, dtype=torch.float64)
    target = torch.randint(0, K, (4, 3), generator=gen)
    flat_logits = logits.movedim(1, -1).reshape(-1, K)
    spatial = make(name, reduction="none")(logits, target)
    assert spatial.shape == target.shape
    torch.testing.assert_close(
        spatial.reshape(-1),
        make(name, reduction="none")(flat_logits, target.reshape(-1)),
    )
    torch.testing.assert_close(
        make(name)(logits, target), make(name)(flat_logits, target.reshape(-1))
    )


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_unbatched_input_equals_batch_of_one(name):
    logits, target = batch(n=1)
    single = make(name, reduction="none")(logits[0], target[0])
    assert single.dim() == 0
    torch.testing.assert_close(single, make(name, reduction="none")(logits, target)[0])


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_ignored_targets_are_dropped(name):
    logits, target = batch(n=20)
    ignored = target.clone()
    ignored[::3] = -100
    keep = ignored != -100
    torch.testing.assert_close(
        make(name)(logits, ignored), make(name)(logits[keep], target[keep])
    )
    assert torch.all(make(name, reduction="none")(logits, ignored)[~keep] == 0)


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_logits_are_not_modified_in_place(name):
    logits, target = batch()
    logits.requires_grad_(True)
    before = logits.detach().clone()
    version = logits._version
    make(name)(logits, target).backward()
    assert logits._version == version
    assert torch.equal(logits.detach(), before)


@pytest.mark.parametrize("name", LOSS_FACTORIES)
@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64]
)
def test_low_precision_logits_keep_their_dtype_and_stay_finite(name, dtype):
    logits64, target = batch(n=32)
    logits = logits64.to(dtype).requires_grad_(True)
    loss = make(name)(logits, target)
    loss.backward()
    assert loss.dtype == dtype
    assert logits.grad.dtype == dtype
    assert torch.isfinite(loss) and torch.isfinite(logits.grad).all()
    reference = make(name)(logits.detach().double(), target)
    tolerance = {torch.float16: 2e-2, torch.bfloat16: 1e-1}.get(dtype, 1e-5)
    torch.testing.assert_close(loss.double(), reference, rtol=tolerance, atol=tolerance)


def test_cached_low_precision_buffers_follow_buffer_changes():
    # float32 copies of the float64 buffers are cached between calls; a
    # load_state_dict, a new tensor or a .to() must show in the next loss.
    logits, target = batch(dtype=torch.float32)
    criterion = LogitAdjustedLoss(PRIORS, weight=np.linspace(1, 2, K))
    criterion(logits, target)
    new_priors = PRIORS[::-1].copy()
    criterion.load_state_dict(
        LogitAdjustedLoss(new_priors, weight=np.ones(K)).state_dict()
    )
    expected = LogitAdjustedLoss(new_priors, weight=np.ones(K))(logits, target)
    torch.testing.assert_close(criterion(logits, target), expected)
    criterion.log_priors = torch.log(torch.as_tensor(PRIORS))
    criterion.weight = torch.ones(K, dtype=torch.float64)
    reference = LogitAdjustedLoss(PRIORS)(logits, target)
    torch.testing.assert_close(criterion(logits, target), reference)
    criterion.to(torch.float64).to(torch.float32)
    assert criterion.log_priors.dtype == torch.float32
    torch.testing.assert_close(criterion(logits, target), reference)


def test_the_cache_holds_one_entry_per_buffer_and_dtype_and_an_assignment_clears_it():
    logits, target = batch(dtype=torch.float32)
    criterion = LDAMLoss(COUNTS, drw_epoch=0, weight=np.linspace(1, 2, K))
    for _ in range(3):
        criterion(logits, target)
    names = sorted(key[0] for key in criterion._cast_cache)
    assert names == ["drw_weight", "margins", "weight"]
    criterion(logits.double(), target)
    assert len(criterion._cast_cache) == 6
    # Any assignment (a new buffer tensor, a hyperparameter) clears it.
    criterion.weight = torch.ones(K, dtype=torch.float64)
    assert criterion._cast_cache == {}
    fresh = LDAMLoss(COUNTS, drw_epoch=0, weight=np.ones(K))
    torch.testing.assert_close(criterion(logits, target), fresh(logits, target))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_cached_shift_follows_a_new_tau(dtype):
    # The shift tau * log(priors) is cached between calls; a schedule that
    # assigns `tau` between epochs must see the new value at the next call.
    logits, target = batch(dtype=dtype)
    criterion = LogitAdjustedLoss(PRIORS, tau=1.0)
    first = criterion(logits, target)
    for tau in (0.5, 0.0, 2.0):
        criterion.tau = tau
        torch.testing.assert_close(
            criterion(logits, target),
            LogitAdjustedLoss(PRIORS, tau=tau)(logits, target),
        )
    criterion.tau = 1.0
    torch.testing.assert_close(criterion(logits, target), first)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_criterion_built_in_inference_mode_works_outside_it(dtype):
    # Its buffers are inference tensors, which have no version counter for
    # the cast and shift caches to key on.
    logits, target = batch(dtype=dtype)
    with torch.inference_mode():
        criterion = LogitAdjustedLoss(PRIORS, weight=np.linspace(1, 2, K)).float()
    with torch.no_grad():
        loss = criterion(logits, target)
    expected = LogitAdjustedLoss(PRIORS, weight=np.linspace(1, 2, K)).float()(
        logits, target
    )
    torch.testing.assert_close(loss, expected)


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_a_cached_call_reads_no_buffer_through_module_getattr(name, monkeypatch):
    # nn.Module.__getattr__ costs as much as the shift itself on small batches.
    logits, target = batch(dtype=torch.float32)
    criterion = make(name)
    expected = criterion(logits, target)
    reads, getattr_ = [], torch.nn.Module.__getattr__

    def recording(module, attribute):
        reads.append(attribute)
        return getattr_(module, attribute)

    monkeypatch.setattr(torch.nn.Module, "__getattr__", recording)
    torch.testing.assert_close(criterion(logits, target), expected)
    assert reads == []


def test_criterion_unpickled_from_before_the_shift_cache_works():
    logits, target = batch(dtype=torch.float32)
    criterion = LogitAdjustedLoss(PRIORS)
    expected = criterion(logits, target)
    del criterion.__dict__["_cast_cache"]  # as in a pickle from before the cache
    torch.testing.assert_close(criterion(logits, target), expected)


def test_buffers_cast_in_inference_mode_do_not_break_later_training():
    logits, target = batch(dtype=torch.float32)
    criterion = LogitAdjustedLoss(PRIORS, weight=np.linspace(1, 2, K))
    with torch.inference_mode():
        criterion(logits, target)
    logits.requires_grad_(True)
    criterion(logits, target).backward()
    assert torch.isfinite(logits.grad).all()


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_losses_survive_pickle_and_deepcopy(name):
    criterion = make(name)
    logits, target = batch()
    expected = criterion(logits, target)
    for clone in (pickle.loads(pickle.dumps(criterion)), copy.deepcopy(criterion)):
        torch.testing.assert_close(clone.eval()(logits, target), expected)


@pytest.mark.parametrize(
    "factory, match",
    [
        (lambda: LogitAdjustedLoss(PRIORS, reduction="avg"), "`reduction`"),
        (lambda: LogitAdjustedLoss(PRIORS, label_smoothing=1.5), "`label_smoothing`"),
        (lambda: LogitAdjustedLoss(PRIORS, ignore_index=1.0), "`ignore_index`"),
        (lambda: FocalLoss(gamma=-1.0), "`gamma`"),
        (lambda: ClassBalancedLoss(COUNTS, beta=1.0), "`beta`"),
        (lambda: LDAMLoss(COUNTS, max_m=0.0), "`max_m`"),
        (lambda: LDAMLoss(COUNTS, s=-1.0), "`s`"),
        (lambda: LDAMLoss(COUNTS, drw_epoch=-2), "`drw_epoch`"),
        (lambda: EqualizationLoss(PRIORS, gamma=1.5), "`gamma`"),
        (lambda: EqualizationLoss(PRIORS, freq_threshold=-0.1), "`freq_threshold`"),
    ],
)
def test_bad_hyperparameters_are_refused_naming_the_argument(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


@pytest.mark.parametrize("name", LOSS_FACTORIES)
def test_logits_with_the_wrong_number_of_classes_are_refused(name):
    criterion = (
        LOSS_FACTORIES[name](weight=np.ones(K)) if name == "focal" else make(name)
    )
    logits = torch.zeros(4, K + 2)
    with pytest.raises(ValueError, match=rf"{K} classes.*{K + 2}"):
        criterion(logits, torch.zeros(4, dtype=torch.long))


@pytest.mark.parametrize(
    "name",
    [n for n in LOSS_FACTORIES if n not in ("logit_adjusted", "balanced_softmax")],
)
def test_index_only_losses_refuse_probability_targets(name):
    logits, _ = batch()
    with pytest.raises(TypeError, match="class-index targets"):
        make(name)(logits, torch.softmax(logits, dim=1))
