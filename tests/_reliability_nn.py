"""Reliability cases of the net and the losses (see ``_reliability.py``).

torch and skorch are optional: they are imported inside the cases, never at
the top, so that the page lists every row without them; each case that needs
them says so in ``requires`` and is skipped when they are missing.
"""

import importlib
import sys
from unittest import mock

import numpy as np
import pandas as pd
from _reliability import Case

AREA = "Neural network and losses (torch)"
ORDER = 1
TORCH = ("torch", "skorch")

NET = "``LogitAdjustedNet``"
FAST = dict(max_epochs=1, lr=0.1, batch_size=64, verbose=0, random_state=0)
Y = np.repeat([0, 1, 2], [20, 10, 6])
# One well-separated blob per class, feature k high for class k: quick to learn.
_NOISE = np.random.default_rng(0).normal(scale=0.3, size=(len(Y), 3))
X = (np.eye(3)[Y] * 4.0 - 2.0 + _NOISE).astype(np.float32)
PRIORS = [0.5, 0.3, 0.2]
PRIOR_LOSSES = ("logit_adjusted_loss", "balanced_softmax_loss", "equalization_loss")
COUNT_LOSSES = ("ldam_loss", "class_balanced_loss")
INDEX_ONLY = (
    "focal_loss",
    "ldam_loss",
    "class_balanced_loss",
    "equalization_loss",
    "pairwise_margin_loss",
)
ALL_LOSSES = (*PRIOR_LOSSES, *COUNT_LOSSES, "focal_loss", "pairwise_margin_loss")
WEIGHTED = (*PRIOR_LOSSES, "ldam_loss")


def _case(bad_input, run, raises, message):
    return Case(bad_input, _one_thread(run), raises, message, requires=TORCH)


def _one_thread(run):
    """``run`` on one torch thread, then the previous setting back.

    Tiny tensors: on a busy machine extra threads only add synchronisation,
    which made a fit ten times slower.
    """

    def wrapped():
        import torch

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return run()
        finally:
            torch.set_num_threads(previous)

    return wrapped


def _net(**params):
    from sklearn_la.nn import LogitAdjustedNet

    return LogitAdjustedNet(**{**FAST, **params})


def _fit(**params):
    return _net(**params).fit(X, Y)


def _functional(name, *args, **kwargs):
    from sklearn_la.nn import functional

    return getattr(functional, name)(*args, **kwargs)


def _logits(n=4):
    import torch

    return torch.zeros(n, 3)


def _targets(*values):
    import torch

    return torch.tensor(values)


def _loss_args(name):
    """The per-class argument of a functional loss, if it has one."""
    if name in ("ldam_loss", "class_balanced_loss"):
        return ([5, 3, 2],)
    if name in ("logit_adjusted_loss", "balanced_softmax_loss", "equalization_loss"):
        return (PRIORS,)
    if name == "pairwise_margin_loss":
        return (np.ones((3, 3)),)
    return ()


def _same_error(*calls):
    """Each call raises the same exception (type and message); raise it."""
    errors = []
    for call in calls:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - compared and re-raised below
            errors.append(exc)
        else:
            raise AssertionError(f"{call} raised nothing")
    first = errors[0]
    for error in errors[1:]:
        assert (type(error), str(error)) == (type(first), str(first)), error
    raise first


def _each_loss(names, target=(0, 1, 2, 0), logits=None, per_class=None, **kwargs):
    """Every loss of ``names`` on ``logits`` (zeros) and ``target``: one error."""

    def call(name):
        args = _loss_args(name) if per_class is None else (per_class,)
        input = _logits() if logits is None else logits()
        target_ = _targets(*target) if isinstance(target, tuple) else target
        return _functional(name, input, target_, *args, **kwargs)

    return _same_error(*[lambda name=name: call(name) for name in names])


def _float_targets():
    import pytest

    for name in INDEX_ONLY[:-1]:
        with pytest.raises(TypeError, match=rf"{name} needs class-index targets"):
            _each_loss([name], target=_logits())
    _each_loss(INDEX_ONLY[-1:], target=_logits())


def _series_priors_are_aligned_by_label():
    for priors in (pd.Series({2: 0.1, 1: 0.2, 0: 0.7}), {2: 0.1, 1: 0.2, 0: 0.7}):
        np.testing.assert_allclose(_fit(priors=priors).priors_, [0.7, 0.2, 0.1])


def _classes_in_any_order():
    net = _fit(classes=[2, 0, 1], max_epochs=5)  # one epoch learns it
    np.testing.assert_array_equal(net.classes_, [2, 0, 1])
    np.testing.assert_allclose(net.priors_, np.bincount(Y)[[2, 0, 1]] / len(Y))
    proba = net.predict_proba(X)
    np.testing.assert_array_equal(net.predict(X), net.classes_[proba.argmax(axis=1)])
    assert np.mean(net.predict(X) == Y) > 0.95


def _half_precision_with_huge_tau():
    import torch

    from sklearn_la.nn import LogitAdjustedLoss

    logits = torch.randn(8, 3, generator=torch.Generator().manual_seed(0))
    logits = logits.half().requires_grad_()
    loss = LogitAdjustedLoss(PRIORS, tau=1e5)(logits, _targets(0, 1, 2, 0, 1, 2, 0, 1))
    loss.backward()
    assert loss.dtype == torch.float32 and torch.isfinite(loss)
    assert logits.grad.dtype == torch.float16 and torch.isfinite(logits.grad).all()


def _nan_module():
    import torch

    class Diverged(torch.nn.Module):
        def __init__(self, input_units, output_units):
            super().__init__()
            self.linear = torch.nn.Linear(input_units, output_units)

        def forward(self, X):
            return self.linear(X) * float("nan")

    return _fit(module=Diverged).predict(X)


def _not_a_module(input_units, output_units):
    return "not a module"


def _seeded_fits_in_threads():
    import threading

    params = dict(max_epochs=3, batch_size=4, module__dropout=0.5, random_state=0)
    params["iterator_train__shuffle"] = True
    alone = _fit(**params).predict_proba(X)
    together = []
    threads = [
        threading.Thread(
            target=lambda: together.append(_fit(**params).predict_proba(X))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for proba in together:
        np.testing.assert_array_equal(proba, alone)


def _losses_without_torch():
    # In-process stand-in for a Python without torch (tests/nn/test_public.py
    # runs the real thing in a subprocess): None in sys.modules fails an import.
    with mock.patch.dict(sys.modules):
        for name in list(sys.modules):
            if name == "sklearn_la.losses" or name.startswith("sklearn_la.nn"):
                del sys.modules[name]
        sys.modules.update(torch=None, skorch=None)
        importlib.import_module("sklearn_la.losses")


CASES = [
    _case(
        f"``priors`` as a pandas Series or dict in another order ({NET})",
        _series_priors_are_aligned_by_label,
        None,
        "aligned by label, never read by position",
    ),
    _case(
        f"``priors`` keyed by labels that are not the classes ({NET})",
        lambda: _fit(priors={0: 1, 1: 1, 5: 1}),
        ValueError,
        "missing [2], unknown [5]",
    ),
    _case(
        f"``classes=[2, 0, 1]`` (not sorted, {NET})",
        _classes_in_any_order,
        None,
        "output columns in that order, priors aligned with it; ``predict`` "
        "returns the right labels",
    ),
    _case(
        f"a module returning NaN or infinite logits (a diverged training, {NET})",
        _nan_module,
        ValueError,
        "The module returned non-finite logits (NaN or inf)",
    ),
    _case(
        f"a ``module`` that is not a torch module (``42``, {NET})",
        lambda: _fit(module=42),
        TypeError,
        "`module` must be a torch.nn.Module class, instance or a callable",
    ),
    _case(
        f"a ``module`` factory returning something else ({NET})",
        lambda: _fit(module=_not_a_module),
        TypeError,
        "which returned 'not a module'",
    ),
    _case(
        f"``initialize()`` before fit, number of features unknown ({NET})",
        lambda: _net().initialize(),
        ValueError,
        "pass `module__input_units`.",
    ),
    _case(
        f"``initialize()`` before fit without ``classes`` ({NET})",
        lambda: _net(module__input_units=3, module__output_units=3).initialize(),
        ValueError,
        "needs the class priors, unknown before fit: pass `classes` (and `priors`)",
    ),
    _case(
        f"``criterion__weight`` of the wrong length ({NET})",
        lambda: _fit(criterion__weight=[1.0, 2.0]),
        ValueError,
        "`weight` has length 2, expected n_classes=3",
    ),
    _case(
        f"``criterion__tau`` or ``criterion__priors`` ({NET}: the net gives them)",
        lambda: _fit(criterion__tau=2.0),
        ValueError,
        "Set `tau` on the net, not `criterion__tau`",
    ),
    _case(
        f"``tau`` with a criterion that takes none (``criterion=FocalLoss``, {NET})",
        lambda: _fit(
            criterion=importlib.import_module("sklearn_la.nn").FocalLoss, tau=1
        ),
        ValueError,
        "`tau`=1 is given to the criterion, but FocalLoss takes no `tau`",
    ),
    _case(
        f"tuple labels, ``y = [(0, 'a'), (1, 'b'), ...]`` ({NET})",
        lambda: _net().fit(X, [(int(label), "a") for label in Y]),
        ValueError,
        "`y` holds tuples as labels",
    ),
    _case(
        f"two seeded fits in two threads ({NET}, ``random_state=0``, dropout and "
        "shuffling; ``GridSearchCV(n_jobs=2)`` on joblib's threading backend)",
        _seeded_fits_in_threads,
        None,
        "the same nets as one fit alone",
    ),
    _case(
        "``LogitAdjustedLoss(tau=1e5)`` on float16 logits",
        _half_precision_with_huge_tau,
        None,
        "a finite float32 loss, and finite float16 gradients",
    ),
    _case(
        f"a finite ``tau`` that overflows ``tau * log(priors)`` (``tau=1e308``: "
        f"``logit_adjusted_loss``, ``LogitAdjustedLoss``, {NET})",
        lambda: _fit(tau=1e308, priors=[0.9, 0.05, 0.05]),
        ValueError,
        "`tau` value 1e+308 is too large for these priors",
    ),
    _case(
        "a zero prior (``logit_adjusted_loss``, ``balanced_softmax_loss``, "
        "``equalization_loss``)",
        lambda: _each_loss(PRIOR_LOSSES, per_class=[0.5, 0.0, 0.5]),
        ValueError,
        "`priors` must be strictly positive",
    ),
    _case(
        "a zero class count (``ldam_loss``, ``class_balanced_loss``)",
        lambda: _each_loss(COUNT_LOSSES, per_class=[5, 0, 2]),
        ValueError,
        "`class_counts` must be strictly positive",
    ),
    _case(
        "logits that are not a tensor (any loss)",
        lambda: _each_loss(ALL_LOSSES, logits=lambda: np.zeros((4, 3))),
        TypeError,
        "`input` must be a torch.Tensor of logits",
    ),
    _case(
        "integer logits (any loss)",
        lambda: _each_loss(ALL_LOSSES, logits=lambda: _logits().long()),
        TypeError,
        "`input` must hold floating-point logits",
    ),
    _case(
        "0-dimensional logits (any loss)",
        lambda: _each_loss(ALL_LOSSES, logits=lambda: _logits()[0, 0]),
        ValueError,
        "`input` must be logits of shape (C,), (N, C) or (N, C, d1, ...)",
    ),
    _case(
        "a target that is not a tensor (losses taking class indices only)",
        lambda: _each_loss(INDEX_ONLY, target=[0, 1, 2, 0]),
        TypeError,
        "`target` must be a torch.Tensor of class indices",
    ),
    _case(
        "a float target (losses taking class indices only)",
        _float_targets,
        TypeError,
        "needs class-index targets (an integer tensor)",
    ),
    _case(
        "a float target of the class indices' shape (``logit_adjusted_loss``, "
        "``balanced_softmax_loss`` and their modules, which also take class "
        "probabilities shaped as the logits)",
        lambda: _each_loss(PRIOR_LOSSES[:2], target=_targets(0.0, 1.0, 2.0, 0.0)),
        TypeError,
        "needs class-index targets (an integer tensor) or class probabilities",
    ),
    _case(
        "a target of the wrong shape (losses taking class indices only)",
        lambda: _each_loss(INDEX_ONLY, target=(0, 1)),
        ValueError,
        "`target` has shape (2,), but logits of shape (4, 3) need targets",
    ),
    _case(
        "a CPU target outside [0, C) (losses taking class indices only)",
        lambda: _each_loss(INDEX_ONLY, target=(0, 1, 2, 5)),
        ValueError,
        "`target` holds class indices outside [0, 3)",
    ),
    _case(
        "a target outside [0, C) (``logit_adjusted_loss``, "
        "``balanced_softmax_loss``: torch's own target check)",
        lambda: _each_loss(PRIOR_LOSSES[:2], target=(0, 1, 2, 5)),
        IndexError,
        "Target 5 is out of bounds",
    ),
    _case(
        "a bad ``reduction`` (any loss)",
        lambda: _each_loss(ALL_LOSSES, reduction="avg"),
        ValueError,
        "`reduction` must be one of ('none', 'mean', 'sum'); got 'avg'",
    ),
    _case(
        "a non-integer ``ignore_index`` (any loss)",
        lambda: _each_loss(ALL_LOSSES, ignore_index=1.5),
        TypeError,
        "`ignore_index` must be an int; got 1.5",
    ),
    _case(
        "a negative ``gamma`` (``focal_loss``, ``class_balanced_loss``)",
        lambda: _each_loss(["focal_loss", "class_balanced_loss"], gamma=-1),
        ValueError,
        "`gamma` must be in [0.0, inf); got -1",
    ),
    _case(
        "a ``weight`` of the wrong length (losses with priors or counts)",
        lambda: _each_loss(WEIGHTED, weight=[1.0, 2.0]),
        ValueError,
        "`weight` has length 2, expected n_classes=3",
    ),
    Case(
        "``import sklearn_la.losses`` (or ``sklearn_la.nn``) without torch",
        _losses_without_torch,
        ImportError,
        "pip install 'sklearn-la[torch]'",
    ),
]
