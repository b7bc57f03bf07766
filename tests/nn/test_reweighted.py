"""The baselines (sklearn_la.nn._reweighted): each loss's defining property."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from _loss_helpers import (  # noqa: E402
    COUNTS,
    PRIORS,
    K,
    batch,
)

from sklearn_la.nn import (  # noqa: E402
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    PairwiseMarginLoss,
)


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


@pytest.mark.parametrize("loss_class", [LDAMLoss, ClassBalancedLoss])
def test_bad_class_counts_are_refused_naming_the_argument(loss_class):
    with pytest.raises(ValueError, match="`class_counts`"):
        loss_class([10, 0, 3])
