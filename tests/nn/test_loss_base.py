"""What every loss shares (sklearn_la.nn._loss_base): shapes, dtypes, buffers."""

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
    make,
)

from sklearn_la.nn import (  # noqa: E402
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
)


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


def test_the_cache_holds_one_entry_per_buffer_and_is_not_keyed_on_versions():
    logits, target = batch(dtype=torch.float32)
    criterion = LDAMLoss(COUNTS, drw_epoch=0, weight=np.ones(K))
    for _ in range(3):
        criterion(logits, target)
    assert sorted(criterion._cast_cache) == ["drw_weight", "margins", "weight"]
    criterion.float()
    assert criterion._cast_cache == {}


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
