"""Shape and dtype plumbing shared by the functional losses and their modules.

The losses follow :func:`torch.nn.functional.cross_entropy`: logits of shape
``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)`` with the classes along dimension 1
(dimension 0 when unbatched), targets of class indices.
"""

import torch


def _class_dim(input):
    return 0 if input.dim() == 1 else 1


def _along_classes(vector, input):
    """View a length-C vector so that it broadcasts along ``input``'s class dim."""
    if input.dim() <= 2:
        return vector
    return vector.view(-1, *([1] * (input.dim() - 2)))


def _rows_to_class_dim(rows, input):
    """Move the trailing class axis of per-target rows to ``input``'s class dim."""
    if input.dim() <= 2:
        return rows
    return rows.movedim(-1, 1)


def _safe_target(target, ignore_index):
    """Targets usable as indices: ignored entries point at class 0.

    The reduction drops the ignored entries, so the class they point at does
    not matter; indexing with ``ignore_index`` (-100) would fail.
    """
    return target.masked_fill(target == ignore_index, 0)


def _check_logits(input, n_classes, built_for):
    """Refuse what is not a floating tensor of logits with ``n_classes`` classes.

    ``built_for`` starts the message (e.g. ``"FocalLoss was built for 3
    classes"``); ``n_classes=None`` skips the class count.
    """
    if not torch.is_tensor(input):
        raise TypeError(
            f"`input` must be a torch.Tensor of logits; got {type(input).__name__}."
        )
    if not input.is_floating_point():
        raise TypeError(
            f"`input` must hold floating-point logits; got dtype {input.dtype}."
        )
    if input.dim() == 0:
        raise ValueError(
            "`input` must be logits of shape (C,), (N, C) or (N, C, d1, ...); got a "
            "0-dimensional tensor."
        )
    dim = _class_dim(input)
    if n_classes is not None and input.shape[dim] != n_classes:
        raise ValueError(
            f"{built_for}, but the logits of shape {tuple(input.shape)} have "
            f"{input.shape[dim]} classes along dimension {dim}."
        )


def _check_cross_entropy_target(target, owner, input):
    """Refuse a float target that is neither class indices nor probabilities.

    A softmax cross-entropy takes class indices (an integer tensor) or class
    probabilities shaped as ``input``. A float tensor of the indices' shape
    (``torch.tensor([0., 1, 2])``) is neither; torch would only say "expected
    target dtype to be Long". Only float targets are checked: integer ones
    go to torch as they are, at no cost.
    """
    if not torch.is_tensor(target):
        raise TypeError(
            f"`target` must be a torch.Tensor of class indices or class "
            f"probabilities; got {type(target).__name__}."
        )
    if target.is_floating_point() and target.shape != input.shape:
        raise TypeError(
            f"{owner} needs class-index targets (an integer tensor) or class "
            f"probabilities of the logits' shape {tuple(input.shape)}; got a "
            f"tensor of dtype {target.dtype} and shape {tuple(target.shape)}. "
            "For class indices, convert it with `target.long()`."
        )


def _check_index_target(target, owner, input, ignore_index=-100):
    """Refuse targets that are not class indices matching ``input``.

    The range check runs on CPU tensors only: on an accelerator it would
    synchronise the device at every call.
    """
    if not torch.is_tensor(target):
        raise TypeError(
            f"`target` must be a torch.Tensor of class indices; got "
            f"{type(target).__name__}."
        )
    if target.is_floating_point() or target.is_complex():
        raise TypeError(
            f"{owner} needs class-index targets (an integer tensor); got a tensor "
            f"of dtype {target.dtype}. Class probabilities are supported by "
            "LogitAdjustedLoss and BalancedSoftmaxLoss only."
        )
    dim = _class_dim(input)
    expected = input.shape[:dim] + input.shape[dim + 1 :]
    if target.shape != expected:
        raise ValueError(
            f"`target` has shape {tuple(target.shape)}, but logits of shape "
            f"{tuple(input.shape)} need targets of shape {tuple(expected)}."
        )
    if target.device.type == "cpu" and target.numel():
        counted = target[target != ignore_index]
        n_classes = input.shape[dim]
        if counted.numel() and (counted.min() < 0 or counted.max() >= n_classes):
            raise ValueError(
                f"`target` holds class indices outside [0, {n_classes}) "
                f"(min {int(counted.min())}, max {int(counted.max())}); the "
                f"ignored value is ignore_index={ignore_index}."
            )


def _compute_dtype(values, dtype):
    """The dtype to compute in: ``dtype``, or the first wider one ``values`` fit.

    ``values`` is a float64 tensor of finite per-class offsets (a shift or
    margins). When one of them is beyond the range of ``dtype`` (``tau=1e5``
    times a log-prior ratio in half precision, ``tau=1e300`` in float32), the
    logits are promoted, to float32 or float64, instead of the offsets
    becoming infinite: the loss, too, would not fit in that dtype.
    """
    if dtype == torch.float64 or values.numel() == 0:
        return dtype
    largest = values.abs().max().item()
    for candidate in (dtype, torch.promote_types(dtype, torch.float32)):
        if largest < torch.finfo(candidate).max / 2:
            return candidate
    return torch.float64
