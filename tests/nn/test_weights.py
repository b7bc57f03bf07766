"""Sample weights in the net (sklearn_la.nn._weights): like repeated rows."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("skorch")

from _nn_helpers import FAST, long_tailed  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from skorch.dataset import ValidSplit  # noqa: E402

from sklearn_la.nn import LogitAdjustedLoss, LogitAdjustedNet  # noqa: E402
from sklearn_la.nn._weights import _WEIGHT_KEY, _X_KEY  # noqa: E402

# One batch holds the whole data set, so that a weighted fit and a fit on
# repeated rows see the same gradient at every step.
FULL_BATCH = {**FAST, "batch_size": 1024, "max_epochs": 10}


def _integer_weights(n, seed=0):
    return np.random.default_rng(seed).integers(0, 4, size=n)


@pytest.mark.parametrize(
    "loss, criterion_params",
    [
        ("logit_adjusted", {}),
        ("cross_entropy", {}),
        ("focal", {}),
        # Class weights: the weighted mean divides by the weighted class weights.
        ("logit_adjusted", {"criterion__weight": [1.0, 2.0, 8.0]}),
        # Count-based: the criterion gets the weighted class totals.
        ("class_balanced", {}),
    ],
    ids=["la", "ce", "focal", "la-class-weights", "class-balanced"],
)
def test_integer_weights_equal_repeated_samples_in_full_batch_training(
    data, loss, criterion_params
):
    # Weights are divided by their mean, so the weighted mean loss over the
    # data equals the mean loss over the rows repeated `weight` times (and
    # rows of weight 0 dropped): the same priors, the same training.
    X, y = data
    weights = _integer_weights(len(y))
    params = {"loss": loss, **criterion_params, **FULL_BATCH}
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    repeated = LogitAdjustedNet(**params).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.priors_, repeated.priors_)
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    # The training data changed for real: unweighted training differs.
    plain = LogitAdjustedNet(**params).fit(X, y)
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))


@pytest.mark.parametrize("weight", [1.0, 0.25, 7.0])
def test_constant_sample_weights_change_nothing(data, weight):
    X, y = data
    reference = LogitAdjustedNet(**FAST).fit(X, y)
    net = LogitAdjustedNet(**FAST).fit(X, y, sample_weight=np.full(len(y), weight))
    np.testing.assert_array_equal(net.priors_, reference.priors_)
    np.testing.assert_array_equal(net.predict_proba(X), reference.predict_proba(X))


def test_upweighting_the_rare_class_raises_its_prior_and_its_predictions():
    # Overlapping classes, so that where the rare class wins depends on weights.
    X, y = long_tailed(counts=(120, 50, 16), n_features=2, seed=1)
    X = X / 3.0
    weights = np.where(y == 2, 10.0, 1.0)
    params = {**FAST, "max_epochs": 30, "loss": "cross_entropy"}
    plain = LogitAdjustedNet(**params).fit(X, y)
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    totals = np.bincount(y, weights=weights)
    np.testing.assert_allclose(weighted.priors_, totals / totals.sum())
    # The raw counts are still the counts.
    np.testing.assert_array_equal(weighted.class_counts_, [120, 50, 16])
    assert (weighted.predict(X) == 2).sum() > (plain.predict(X) == 2).sum() + 5


@pytest.mark.parametrize("class_weight", [None, [1.0, 2.0, 8.0]])
def test_weighted_batch_loss_divides_by_the_batch_weight(data, class_weight):
    # As cross-entropy's "mean" divides by the total class weight of the
    # batch, the weighted mean divides by sum_i w_i * class_weight[y_i]: rows
    # repeated w_i times would give the same value.
    X, y = data
    params = {} if class_weight is None else {"criterion__weight": class_weight}
    net = LogitAdjustedNet(**params, **FAST).fit(X, y)
    logits = torch.randn(len(y), 3, dtype=torch.float64)
    target = torch.as_tensor(y)
    counts = _integer_weights(len(y))
    batch = {_X_KEY: torch.as_tensor(X), _WEIGHT_KEY: torch.as_tensor(counts)}
    repeated = torch.as_tensor(np.repeat(np.arange(len(y)), counts))
    expected = LogitAdjustedLoss(net.priors_, weight=class_weight)(
        logits[repeated], target[repeated]
    )
    torch.testing.assert_close(net.get_loss(logits, target, X=batch), expected)
    # The criterion is left as it was, for the next unweighted batch.
    assert net.criterion_.reduction == "mean"
    # A batch of zero-weight rows adds nothing (not 0 / 0).
    batch[_WEIGHT_KEY] = torch.zeros(len(y))
    assert net.get_loss(logits, target, X=batch).item() == 0.0


def test_sample_weights_with_validation_split_pipeline_and_partial_fit(string_data):
    X, y = string_data
    weights = _integer_weights(len(y)) + 0.5
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "net",
                LogitAdjustedNet(train_split=ValidSplit(3, stratified=True), **FAST),
            ),
        ]
    )
    pipe.fit(X, y, net__sample_weight=weights)
    net = pipe[-1]
    assert np.isfinite(net.history[-1, "valid_loss"])
    assert set(pipe.predict(X)) <= set(y)
    net.partial_fit(StandardScaler().fit_transform(X), y, sample_weight=weights)
    assert len(net.history) == 2 * FAST["max_epochs"]


@pytest.mark.parametrize(
    "make_weights, match",
    [
        (lambda n: -np.ones(n), "`sample_weight` must be non-negative"),
        (lambda n: np.ones(n - 1), "inconsistent numbers of samples"),
        (lambda n: np.zeros(n), "`sample_weight` is zero for every sample"),
        (lambda n: np.r_[np.nan, np.ones(n - 1)], "`sample_weight` must be finite"),
        (lambda n: np.r_[np.zeros(n - 1), 1.0], r"only samples of zero weight"),
    ],
    ids=["negative", "length", "zero-sum", "nan", "empty-classes"],
)
def test_bad_sample_weights_are_refused(data, make_weights, match):
    X, y = data
    with pytest.raises(ValueError, match=match):
        LogitAdjustedNet(**FAST).fit(X, y, sample_weight=make_weights(len(y)))


def test_sample_weights_need_array_input_and_a_reducing_criterion(data):
    from skorch.dataset import Dataset

    X, y = data
    weights = _integer_weights(len(y)) + 1.0
    with pytest.raises(ValueError, match="sample_weight needs X as an array"):
        LogitAdjustedNet(module__input_units=4, **FAST).fit(
            Dataset(X.astype(np.float32), y), y, sample_weight=weights
        )

    class _Unreduced(torch.nn.Module):
        def forward(self, logits, target):
            return torch.nn.functional.cross_entropy(logits, target)

    with pytest.raises(ValueError, match="criterion with a `reduction`"):
        LogitAdjustedNet(criterion=_Unreduced, **FAST).fit(X, y, sample_weight=weights)


def test_weights_of_validation_rows_do_not_change_training(data):
    from skorch.dataset import Dataset

    X, y = data
    split = ValidSplit(4)
    _, valid = split(Dataset(X.astype(np.float32), y), y)
    weights = np.ones(len(y))
    weights[valid.indices] = 5.0
    # Fixed priors: those of priors="train" count every row passed to fit,
    # held-out ones included, weighted or not.
    params = {**FULL_BATCH, "train_split": split, "priors": [0.6, 0.3, 0.1]}
    plain = LogitAdjustedNet(**params).fit(X, y)
    weighted = LogitAdjustedNet(**params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(
        weighted.predict_proba(X), plain.predict_proba(X), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(
        weighted.history[:, "train_loss"], plain.history[:, "train_loss"], rtol=1e-5
    )


def test_sample_weights_refuse_a_custom_dataset_or_collate_fn(data):
    from skorch.dataset import Dataset

    class _Flipped(Dataset):
        pass

    X, y = data
    weights = _integer_weights(len(y)) + 1.0
    for params, name in [
        ({"dataset": _Flipped}, "dataset"),
        ({"iterator_train__collate_fn": lambda batch: batch}, "collate_fn"),
    ]:
        with pytest.raises(ValueError, match=f"custom {name}|custom .*{name}"):
            LogitAdjustedNet(**params, **FAST).fit(X, y, sample_weight=weights)


def test_refused_sample_weights_leave_a_fitted_net_untouched(data):
    class _Unreduced(torch.nn.Module):
        def forward(self, logits, target):
            return torch.nn.functional.cross_entropy(logits, target)

    X, y = data
    net = LogitAdjustedNet(criterion=_Unreduced(), **FAST).fit(X, y)
    before = net.predict_proba(X)
    with pytest.raises(ValueError, match="criterion with a `reduction`"):
        net.fit(X, y, sample_weight=_integer_weights(len(y)) + 1.0)
    np.testing.assert_array_equal(net.predict_proba(X), before)
    assert len(net.history) == FAST["max_epochs"]


@pytest.mark.parametrize(
    "params",
    [
        # MultiMarginLoss's weight scales each row's loss, but its mean
        # divides by the number of rows, not by the class weights.
        {
            "criterion": torch.nn.MultiMarginLoss,
            "criterion__weight": torch.tensor([1.0, 2.0, 5.0]),
        },
        # Rows of an ignored class count neither in the loss nor in the mean.
        {"criterion": torch.nn.CrossEntropyLoss, "criterion__ignore_index": 2},
        {"loss": "focal", "criterion__ignore_index": 1},
    ],
    ids=["multi-margin", "ce-ignore-index", "focal-ignore-index"],
)
def test_weighted_fits_equal_repeated_rows_for_other_criteria(data, params):
    X, y = data
    weights = _integer_weights(len(y))
    weighted = LogitAdjustedNet(**params, **FULL_BATCH).fit(X, y, sample_weight=weights)
    repeated = LogitAdjustedNet(**params, **FULL_BATCH).fit(
        np.repeat(X, weights, axis=0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(
        weighted.history[:, "train_loss"], repeated.history[:, "train_loss"], rtol=1e-5
    )


def test_weighted_loss_of_half_precision_logits_is_finite(data):
    X, y = data
    net = LogitAdjustedNet(**FAST).fit(X, y)
    logits = torch.randn(len(y), 3).half()
    target = torch.as_tensor(y)
    weights = torch.full((len(y),), 1000.0)  # float16 sums of these overflow
    batch = {_X_KEY: torch.as_tensor(X), _WEIGHT_KEY: weights}
    loss = net.get_loss(logits, target, X=batch)
    expected = LogitAdjustedLoss(net.priors_)(logits.float(), target)
    torch.testing.assert_close(loss.float(), expected, rtol=1e-2, atol=1e-2)


def test_weighted_loss_with_class_weights_and_the_default_ignore_index(data):
    # Rows labelled ignore_index=-100 used to index the class weights (an
    # IndexError); they count neither in the loss nor in the mean.
    X, y = data
    net = LogitAdjustedNet(criterion__weight=[1.0, 2.0, 8.0], **FAST).fit(X, y)
    logits = torch.randn(len(y), 3, dtype=torch.float64)
    target = torch.as_tensor(y).clone()
    target[::5] = -100
    weights = torch.as_tensor(_integer_weights(len(y)) + 1.0)
    batch = {_X_KEY: torch.as_tensor(X), _WEIGHT_KEY: weights}
    loss = net.get_loss(logits, target, X=batch)
    keep = target != -100
    repeated = torch.as_tensor(
        np.repeat(
            np.flatnonzero(keep.numpy()), weights.numpy()[keep.numpy()].astype(int)
        )
    )
    expected = LogitAdjustedLoss(net.priors_, weight=[1.0, 2.0, 8.0])(
        logits[repeated], target[repeated]
    )
    torch.testing.assert_close(loss, expected)
