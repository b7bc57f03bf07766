"""Building the net's parts: its criterion by name, its module's sizes, outputs.

Kept apart from :mod:`._net` so that the net class holds only skorch's hooks.
"""

import inspect
from functools import partial

import numpy as np
import torch
from skorch.utils import to_numpy
from torch import nn

from ._adjusted import BalancedSoftmaxLoss, LogitAdjustedLoss
from ._checks import _check_shift, _check_tau
from ._reweighted import ClassBalancedLoss, EqualizationLoss, FocalLoss, LDAMLoss
from ._shapes import _compute_dtype

_LOSSES = {
    "logit_adjusted": (LogitAdjustedLoss, "priors"),
    "cross_entropy": (nn.CrossEntropyLoss, None),
    "balanced_softmax": (BalancedSoftmaxLoss, "priors"),
    "ldam": (LDAMLoss, "counts"),
    "class_balanced": (ClassBalancedLoss, "counts"),
    "focal": (FocalLoss, None),
    "equalization": (EqualizationLoss, "priors"),
}


def _build_loss(name, priors, counts, tau, kwargs):
    """The criterion named ``name``, built from the priors (or counts)."""
    if not isinstance(name, str):
        raise TypeError(f"`loss` must be a string; got {name!r}.")
    if name not in _LOSSES:
        raise ValueError(f"`loss` must be one of {tuple(_LOSSES)!r}; got {name!r}.")
    loss_class, needs = _LOSSES[name]
    if name == "logit_adjusted":
        if "tau" in kwargs:
            raise ValueError(
                "Set `tau` on LogitAdjustedNet, not `criterion__tau`: with "
                "loss='logit_adjusted' the net passes its own `tau` to the loss."
            )
        kwargs = {**kwargs, "tau": tau}
    if needs is None:
        return loss_class(**kwargs)
    if priors is None:
        raise ValueError(
            f"loss={name!r} needs the class priors, unknown before fit: pass "
            "`classes` (and `priors`) to initialize the net before fit."
        )
    return loss_class(priors if needs == "priors" else counts, **kwargs)


def _module_kwargs(net):
    """``module__*`` plus ``input_units``/``output_units`` inferred from the data.

    Only for a module class or factory whose signature takes them, and that
    neither ``module__*`` nor a ``functools.partial`` already sets.
    """
    module, kwargs = net.module, net.get_params_for("module")
    shape = getattr(net, "sample_shape_", None)
    priors = getattr(net, "priors_", None)
    n_inputs = None if shape is None else int(np.prod(shape))
    n_classes = None if priors is None else len(priors)
    if isinstance(module, nn.Module):
        return kwargs
    if not callable(module):
        raise TypeError(
            "`module` must be a torch.nn.Module class, instance or a callable "
            f"returning one; got {module!r}."
        )
    try:
        params = inspect.signature(module).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return kwargs
    bound = module.keywords if isinstance(module, partial) else {}
    inferred = {}
    for name, value in [("input_units", n_inputs), ("output_units", n_classes)]:
        if name not in params or name in kwargs or name in bound:
            continue
        if value is None and params[name].default is inspect.Parameter.empty:
            raise ValueError(
                f"`{name}` of {getattr(module, '__name__', module)} is unknown "
                f"before fit on array data with labels; pass `module__{name}`."
            )
        if value is not None:
            inferred[name] = value
    return {**inferred, **kwargs}


def _check_logit_width(logits, n_classes):
    width = logits.shape[-1] if logits.dim() else 0
    if width != n_classes:
        raise ValueError(
            f"The module returned logits of shape {tuple(logits.shape)}, but y has "
            f"{n_classes} classes: the last dimension of the logits must equal the "
            f"number of classes ({width} != {n_classes}). Give the module "
            f"{n_classes} outputs."
        )


def _adjusted_proba(output, shift):
    """Softmax of the module's logits, shifted post hoc when ``shift`` is set."""
    logits = output[0] if isinstance(output, tuple) else output
    if shift is not None:
        dtype = _compute_dtype(shift, logits.dtype)
        logits = logits.to(dtype) + shift.to(device=logits.device, dtype=dtype)
    proba = torch.softmax(logits, dim=-1)
    _check_proba_defined(proba, logits)
    return to_numpy(proba)


def _check_proba_defined(proba, logits):
    """Refuse NaN probabilities: argmax would silently predict the first class.

    NaN (or ``+inf``, or all ``-inf``) logits of a diverged training give a NaN
    softmax; a ``-inf`` logit alone (a masked class) gives a 0 and is kept.
    One reduction per batch, and a device synchronisation for the ``if``.
    """
    bad = torch.isnan(proba)
    if not bad.any():
        return
    rows = bad.reshape(-1, proba.shape[-1]).any(dim=-1)
    raise ValueError(
        f"The module returned non-finite logits (NaN or inf) for {int(rows.sum())} "
        f"of {rows.numel()} row(s) of this batch, so the class probabilities are "
        f"undefined (logits of shape {tuple(logits.shape)}). The training has most "
        "likely diverged: refit with a lower `lr` (or check the module and the "
        "features for NaN or infinite values)."
    )


def _posthoc_shift(posthoc_tau, priors):
    """``-posthoc_tau * log(priors)``, centred (float64), or None for 0."""
    posthoc_tau = _check_tau(posthoc_tau, name="posthoc_tau")
    if posthoc_tau == 0.0:
        return None
    shift = -posthoc_tau * torch.log(torch.as_tensor(priors, dtype=torch.float64))
    return _check_shift(shift - shift.max(), posthoc_tau, "posthoc_tau")
