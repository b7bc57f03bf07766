"""What every loss module shares: the cast cache and, for non-cross-entropies, a base.

The class tree follows meaning: the cross-entropies (logit-adjusted, balanced
softmax) subclass :class:`torch.nn.CrossEntropyLoss`; the other losses derive
from :class:`_LongTailLoss`, a plain :class:`torch.nn.Module` with the same
``weight`` / ``ignore_index`` / ``reduction`` plumbing, so that
``isinstance(criterion, nn.CrossEntropyLoss)`` means "a softmax cross-entropy".

Per-class tensors are float64 buffers (they follow ``.to(device)``, are saved
in ``state_dict`` and pickled). Casting them to the logits' dtype at every call
costs a kernel and an allocation, as much as the adjustment itself on small
batches, so the cast (and the centred shift) is cached. The cache is keyed on
the buffer object, the dtype and the hyperparameters it depends on, and
cleared by ``.to()``/``.float()``/``.cuda()`` (``_apply``) and by
``load_state_dict``. An in-place edit of a buffer (``log_priors.copy_(...)``)
is not seen: assign a new tensor or use ``load_state_dict``.
"""

import torch
from torch import nn

from ._checks import _check_ignore_index, _check_reduction, _check_weight
from ._shapes import _check_index_target, _check_logits


def _clear_cast_cache(module, incompatible_keys):
    """``load_state_dict`` post-hook: the buffers were overwritten in place."""
    module._cast_cache = {}


def _cast(buffer, dtype):
    return buffer.to(dtype)


class _CastCacheMixin:
    """The one cache of buffers cast (or derived) for the logits' dtype."""

    def _init_cast_cache(self):
        self._cast_cache = {}
        self.register_load_state_dict_post_hook(_clear_cast_cache)

    def _apply(self, fn, recurse=True):
        self._cast_cache = {}
        return super()._apply(fn, recurse)

    def _cached(self, key, name, dtype, make, tag=None):
        """``make(buffer, dtype)`` for buffer ``name``, computed once per key.

        ``tag`` is a further argument the value depends on (``tau``): when
        given, it is passed as ``make(buffer, dtype, tag)`` and is part of
        the cache key.

        Casts made in inference mode are not kept: an inference tensor cannot
        be saved for a later backward.
        """
        # `_buffers` directly: nn.Module.__getattr__ is slow on this hot path.
        source = self._buffers[name]
        # setdefault: modules unpickled from before the cache lack it.
        cache = self.__dict__.setdefault("_cast_cache", {})
        hit = cache.get(key)
        if hit is not None and hit[0] is source and hit[1] == dtype and hit[2] == tag:
            return hit[3]
        value = make(source, dtype) if tag is None else make(source, dtype, tag)
        if not torch.is_inference_mode_enabled():
            cache[key] = (source, dtype, tag, value)
        return value

    def _buffer_as(self, name, dtype):
        """Buffer ``name`` in ``dtype`` (None stays None)."""
        source = self._buffers[name]
        if source is None or source.dtype == dtype:
            return source
        return self._cached(name, name, dtype, _cast)

    def _class_weights(self, dtype):
        """The class weights of the next call, in ``dtype`` (None if uniform).

        The ``"mean"`` reduction divides by their sum over the batch's
        targets; :class:`~sklearn_la.nn.LogitAdjustedNet` weights examples
        the same way.
        """
        return self._buffer_as("weight", dtype)

    def _check_call(self, input, target=None):
        name = type(self).__name__
        _check_logits(
            input, self.n_classes, f"{name} was built for {self.n_classes} classes"
        )
        if target is not None:
            _check_index_target(target, name, input, self.ignore_index)


class _LongTailLoss(_CastCacheMixin, nn.Module):
    """Base of the losses that are not a softmax cross-entropy.

    Parameters
    ----------
    n_classes : int or None
        Number of classes; ``None`` (a loss without per-class state) skips the
        check of the logits' class dimension.

    weight : array-like or Tensor of shape (n_classes,), default=None
        Per-class weights, stored as the float64 buffer ``weight``.

    ignore_index : int, default=-100
        Target value that is ignored.

    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses.
    """

    def __init__(self, n_classes, *, weight=None, ignore_index=-100, reduction="mean"):
        super().__init__()
        self.n_classes = n_classes
        self.ignore_index = _check_ignore_index(ignore_index)
        self.reduction = _check_reduction(reduction)
        self.register_buffer("weight", _check_weight(weight, n_classes))
        self._init_cast_cache()

    def extra_repr(self):
        parts = [] if self.n_classes is None else [f"n_classes={self.n_classes}"]
        if self.reduction != "mean":
            parts.append(f"reduction={self.reduction!r}")
        return ", ".join(parts)
