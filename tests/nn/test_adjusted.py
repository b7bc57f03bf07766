"""The logit-adjusted family (sklearn_la.nn._adjusted): definitions and numerics."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from _loss_helpers import (  # noqa: E402
    COUNTS,
    PRIORS,
    K,
    batch,
    la_delta,
)
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from sklearn_la.nn import (  # noqa: E402
    BalancedSoftmaxLoss,
    EqualizationLoss,
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
