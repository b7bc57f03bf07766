"""skorch classifier trained with the logit-adjusted loss."""

import inspect
from collections.abc import Mapping
from functools import partial
from numbers import Integral

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    column_or_1d,
    validate_data,
)
from skorch import NeuralNet, NeuralNetClassifier
from skorch.callbacks import (
    Callback,
    EpochScoring,
    EpochTimer,
    PassthroughScoring,
    PrintLog,
)
from skorch.dataset import Dataset as SkorchDataset
from skorch.utils import to_numpy, to_tensor
from torch import nn
from torch.utils.data import DataLoader, Dataset

from ._modules import TabularMLP
from ._priors import _check_priors, _check_tau
from .losses import (
    BalancedSoftmaxLoss,
    ClassBalancedLoss,
    EqualizationLoss,
    FocalLoss,
    LDAMLoss,
    LogitAdjustedLoss,
)

_LOSS_NAMES = (
    "logit_adjusted",
    "cross_entropy",
    "balanced_softmax",
    "ldam",
    "class_balanced",
    "focal",
    "equalization",
)

# skorch's fit tells partial_fit that metadata is routed for "fit" through
# this private keyword in recent versions; older versions do not take it.
_FIT_ROUTING = (
    {"_routing_method": "fit"}
    if "_routing_method" in inspect.signature(NeuralNet.fit_loop).parameters
    else {}
)

# Keys of the dict that carries sample weights through skorch's Dataset and
# DataLoader next to X; `infer` unpacks it, so the module never sees them.
_X_KEY = "_sklearn_la_X"
_WEIGHT_KEY = "_sklearn_la_sample_weight"

# Losses whose per-class state depends on absolute class counts, not only on
# their ratios (effective numbers saturate with n; LDAM's DRW uses them).
_COUNT_LOSSES = ("ldam", "class_balanced")


def _build_loss(name, priors, counts, tau, kwargs):
    """The criterion named ``name``, built from the priors (or counts)."""
    if name == "logit_adjusted":
        if "tau" in kwargs:
            raise ValueError(
                "Set `tau` on LogitAdjustedNet, not `criterion__tau`: with "
                "loss='logit_adjusted' the net passes its own `tau` to the loss."
            )
        return LogitAdjustedLoss(priors, tau=tau, **kwargs)
    if name == "cross_entropy":
        return nn.CrossEntropyLoss(**kwargs)
    if name == "balanced_softmax":
        return BalancedSoftmaxLoss(priors, **kwargs)
    if name == "ldam":
        return LDAMLoss(counts, **kwargs)
    if name == "class_balanced":
        return ClassBalancedLoss(counts, **kwargs)
    if name == "focal":
        return FocalLoss(**kwargs)
    if name == "equalization":
        return EqualizationLoss(priors, **kwargs)
    raise ValueError(f"`loss` must be one of {_LOSS_NAMES!r}; got {name!r}.")


def _softmax(logits):
    return torch.softmax(logits, dim=-1)


def _shifted_softmax(logits, shift):
    """Softmax of ``logits + shift``: the post-hoc adjusted posterior."""
    return torch.softmax(
        logits + shift.to(device=logits.device, dtype=logits.dtype), dim=-1
    )


def _encoded_predictions(net, X, y):
    # `y` comes from the validation dataset, so it holds the encoded labels;
    # scoring in encoded space avoids mapping predictions back and forth.
    y = np.asarray(to_numpy(y), dtype=np.int64)
    return y, net.predict_proba(X).argmax(axis=1)


def _valid_accuracy(net, X, y):
    y, pred = _encoded_predictions(net, X, y)
    return float(np.mean(pred == y))


def _valid_balanced_accuracy(net, X, y):
    # Mean recall over the classes present in the validation split: a rare
    # class may be missing from a small split, and then has no recall.
    y, pred = _encoded_predictions(net, X, y)
    n_classes = len(net.classes_)
    hits = np.bincount(y, weights=(pred == y), minlength=n_classes)
    totals = np.bincount(y, minlength=n_classes)
    present = totals > 0
    return float(np.mean(hits[present] / totals[present]))


class _SetCriterionEpoch(Callback):
    """Tell an epoch-aware criterion (one with ``set_epoch``) which epoch starts.

    This drives the deferred re-weighting of :class:`~sklearn_la.losses.LDAMLoss`;
    criteria without ``set_epoch`` are left alone.
    """

    def on_epoch_begin(self, net, **kwargs):
        set_epoch = getattr(net.criterion_, "set_epoch", None)
        if set_epoch is not None:
            # The net records the new epoch before callbacks run: 0-based index.
            set_epoch(len(net.history) - 1)


def _non_numeric_columns(X):
    """Names of DataFrame columns whose dtype is neither numeric nor boolean."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return []
    return [
        name
        for name, dtype in dtypes.items()
        if getattr(dtype, "kind", "O") not in "biuf"
    ]


def _weighable_reduction(criterion):
    """The criterion's ``reduction``, which sample weights need to switch."""
    reduction = getattr(criterion, "reduction", None)
    if reduction not in ("mean", "sum"):
        raise ValueError(
            "sample_weight needs a criterion with a `reduction` attribute of "
            "'mean' or 'sum' (it is switched to 'none' to weight each example); "
            f"got {criterion!r}."
        )
    return reduction


def _shape_of(X):
    """``X.shape``, that of a nested list, or None (ragged or unknown)."""
    shape = getattr(X, "shape", None)
    if shape is None and isinstance(X, (list, tuple)):
        try:
            shape = np.shape(X)
        except ValueError:  # ragged: validate_data says what is wrong
            return None
    return None if shape is None else tuple(shape)


def _encode(y, classes):
    """Positions of the labels ``y`` in ``classes`` (any order), as int64."""
    sorter = np.argsort(classes, kind="stable")
    try:
        pos = np.searchsorted(classes, y, sorter=sorter)
    except TypeError as exc:
        raise ValueError(
            f"y holds labels of another type than the classes {classes.tolist()!r}."
        ) from exc
    idx = sorter[np.clip(pos, 0, len(classes) - 1)]
    unknown = classes[idx] != y
    if np.any(unknown):
        raise ValueError(
            f"y contains labels {np.unique(y[unknown]).tolist()!r} that are not "
            f"among the classes {classes.tolist()!r}."
        )
    return idx.astype(np.int64)


class LogitAdjustedNet(NeuralNetClassifier):
    """Neural network classifier trained with the logit-adjusted loss (skorch).

    A :class:`skorch.NeuralNetClassifier` for long-tailed classification
    (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021). At
    :meth:`fit` it encodes the labels (ints, strings, pandas categoricals),
    computes the training class priors ``priors_`` and builds the training
    loss from them; by default the logit-adjusted loss, cross-entropy on
    ``f(x) + tau * log(priors_)`` (paper, section 5). Predictions use the
    *unadjusted* logits ``f(x)``, whose softmax then estimates the balanced
    posterior. ``loss`` selects the paper's baselines instead (plain
    cross-entropy, LDAM, class-balanced, focal, equalisation loss), and
    ``posthoc_tau`` adds post-hoc adjustment at prediction, so that one
    estimator runs the paper's whole comparison.

    All parameters of :class:`skorch.NeuralNetClassifier` work (``max_epochs``,
    ``lr``, ``optimizer``, ``batch_size``, ``device``, ``callbacks``,
    ``module__*``, ``optimizer__*``, ``criterion__*``...). The module must
    return logits of shape ``(n_samples, n_classes)``.

    Parameters
    ----------
    module : torch.nn.Module class or instance, default=TabularMLP
        The network. The default is a multi-layer perceptron for tabular data
        (``module__hidden_units=64``, ``module__n_layers=1``,
        ``module__dropout=0.0``). For a module class whose constructor has
        ``input_units`` or ``output_units`` arguments, those are set to the
        number of features and classes of the training data unless given as
        ``module__input_units`` / ``module__output_units``.

    tau : float, default=1.0
        Strength of the adjustment in the logit-adjusted loss; ``tau=1`` is
        consistent for the balanced error. Only used by
        ``loss="logit_adjusted"``.

    priors : "train" or array-like of shape (n_classes,), default="train"
        Class priors ``pi``. ``"train"`` uses the label frequencies of ``y``
        at :meth:`fit`; every class must then have a training sample. An
        array is taken in the order of ``classes_`` and normalised (class
        counts work too); entries must be finite and positive.

    loss : {"logit_adjusted", "cross_entropy", "balanced_softmax", "ldam", \
"class_balanced", "focal", "equalization"}, default="logit_adjusted"
        Training loss, from :mod:`sklearn_la.losses` (``"cross_entropy"`` is
        :class:`torch.nn.CrossEntropyLoss`, the ERM baseline). Its other
        arguments are passed as ``criterion__*`` (e.g. ``criterion__gamma=2``
        for ``"focal"``, ``criterion__drw_epoch=10`` for ``"ldam"``). The
        count-based losses ``"ldam"`` and ``"class_balanced"`` receive
        ``priors_ * n_samples``, the training counts when ``priors="train"``
        (with ``sample_weight``, ``priors_`` times the total weight: the
        weighted class totals).

    posthoc_tau : float, default=0.0
        Post-hoc adjustment at prediction: :meth:`predict_proba` returns
        ``softmax(f(x) - posthoc_tau * log(priors_))``, the paper's post-hoc
        rule for a net trained with ``loss="cross_entropy"`` (use 1.0).
        Combining it with the logit-adjusted loss adjusts twice, which the
        paper expects to hurt. Only applies with ``predict_nonlinearity="auto"``.

    criterion : torch.nn.Module class or instance, default=None
        A custom training loss overriding ``loss``, as in
        :class:`skorch.NeuralNetClassifier`; it does not receive the priors
        and must take logits.

    train_split : callable or None, default=None
        Validation split, as in skorch. ``None`` trains on all data: skorch's
        default stratified 5-fold split fails when a class has fewer than 5
        samples, common in long-tailed data. Pass e.g.
        ``skorch.dataset.ValidSplit(5, stratified=True)`` to validate; the
        history then holds ``valid_loss``, ``valid_acc`` and ``valid_bacc``
        (balanced accuracy over the classes present in the split).

    classes : array-like or None, default=None
        Class labels in the order of the output columns. ``None`` uses the
        sorted unique labels of ``y``. Needed to call :meth:`initialize`
        before :meth:`fit` (for instance to :meth:`load_params`).

    random_state : int, RandomState instance or None, default=None
        Seed of :meth:`fit` (weight initialisation, shuffling, dropout). An
        int makes repeated fits identical; the fit then runs on a forked
        torch RNG, leaving torch's global RNG state untouched. ``None`` uses
        torch's global RNG, so ``torch.manual_seed`` before :meth:`fit`
        makes it deterministic too. :meth:`partial_fit` always uses the
        global RNG.

    **kwargs
        Other arguments of :class:`skorch.NeuralNetClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; :meth:`predict` returns these.

    priors_ : ndarray of shape (n_classes,)
        Class priors used by the loss and by ``posthoc_tau``: with
        ``priors="train"``, each class's share of the training samples, or of
        the total ``sample_weight``.

    class_counts_ : ndarray of shape (n_classes,)
        Number of training samples per class (unweighted).

    n_features_in_ : int
        Number of features seen at :meth:`fit` (for X with more than two
        dimensions, the size of its second axis, e.g. an image's channels).

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names, when ``X`` was a DataFrame with string column names.

    module_ : torch.nn.Module
        The fitted network.

    criterion_ : torch.nn.Module
        The training loss.

    history_ : skorch.History
        Training history.

    See Also
    --------
    sklearn_la.losses.LogitAdjustedLoss : The training loss.
    sklearn_la.LogitAdjustedClassifier : Post-hoc adjustment of any classifier.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from sklearn_la import LogitAdjustedNet
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["common"] * 90 + ["rare"] * 10)
    >>> X = rng.normal(size=(100, 2)) + (y == "rare")[:, None] * 2.0
    >>> _ = torch.manual_seed(0)
    >>> net = LogitAdjustedNet(max_epochs=20, lr=0.1, verbose=0).fit(X, y)
    >>> net.classes_.tolist(), net.priors_.tolist()
    (['common', 'rare'], [0.9, 0.1])
    >>> net.predict_proba(X[:3]).shape
    (3, 2)
    >>> set(net.predict(X)) <= {"common", "rare"}
    True
    """

    def __init__(
        self,
        module=TabularMLP,
        *,
        tau=1.0,
        priors="train",
        loss="logit_adjusted",
        posthoc_tau=0.0,
        criterion=None,
        train_split=None,
        classes=None,
        random_state=None,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion=criterion,
            train_split=train_split,
            classes=classes,
            **kwargs,
        )
        self.tau = tau
        self.priors = priors
        self.loss = loss
        self.posthoc_tau = posthoc_tau
        self.random_state = random_state

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            (
                "valid_acc",
                EpochScoring(_valid_accuracy, name="valid_acc", lower_is_better=False),
            ),
            (
                "valid_bacc",
                EpochScoring(
                    _valid_balanced_accuracy, name="valid_bacc", lower_is_better=False
                ),
            ),
            ("criterion_epoch", _SetCriterionEpoch()),
            ("print_log", PrintLog()),
        ]

    @property
    def classes_(self):
        if self.classes is not None:
            return np.asarray(self.classes)
        try:
            return self.classes_inferred_
        except AttributeError:
            # skorch's message blames a fit without y; here it means "not fitted".
            raise AttributeError(
                f"This {type(self).__name__} has no `classes_` yet: call fit, or "
                "pass `classes`."
            ) from None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Sparse X is densified for torch.
        tags.input_tags.sparse = True
        return tags

    # ------------------------------------------------------------------
    # Data preparation
    # ------------------------------------------------------------------

    def _check_X(self, X, *, reset):
        """``X`` as a dense float32 array; skorch datasets and dicts pass through."""
        # skorch containers for custom modules: only the module can check them.
        # (scipy's dok_matrix is a dict subclass, hence the sparse test.)
        if isinstance(X, Dataset) or (isinstance(X, dict) and not sp.issparse(X)):
            if reset:
                # Sizes learned from earlier array data no longer apply.
                for name in ("n_features_in_", "feature_names_in_", "_sample_shape"):
                    if hasattr(self, name):
                        delattr(self, name)
            return X
        if torch.is_tensor(X):
            X = X.detach().cpu().numpy()
        bad = _non_numeric_columns(X)
        if bad:
            raise ValueError(
                f"X must be numeric, but columns {bad!r} are not. Encode them first, "
                "for instance with sklearn's OneHotEncoder in a Pipeline."
            )
        fitted_shape = None if reset else getattr(self, "_sample_shape", None)
        shape = _shape_of(X) if fitted_shape is not None else None
        if shape is not None and len(fitted_shape) + len(shape) > 3:
            # Before scikit-learn's check, which compares X.shape[1] only and
            # would speak of "features" for the channels of an image.
            self._check_sample_shape(tuple(shape[1:]))
        try:
            # allow_nd: images or sequences for a convolutional or recurrent
            # module, as skorch itself accepts.
            X = validate_data(
                self,
                X,
                reset=reset,
                dtype=np.float32,
                accept_sparse="csr",
                allow_nd=True,
            )
        except ValueError as exc:
            if "could not convert" in str(exc):
                raise ValueError(
                    f"X must be numeric: {exc}. Encode non-numeric features first, "
                    "for instance with sklearn's OneHotEncoder in a Pipeline."
                ) from exc
            raise
        # scikit-learn checks only X.shape[1] (the channels of an image); the
        # module needs the whole per-sample shape to match.
        if reset:
            self._sample_shape = tuple(X.shape[1:])
        elif getattr(self, "_sample_shape", None) is not None:
            self._check_sample_shape(tuple(X.shape[1:]))
        if sp.issparse(X):
            # nn.Linear needs dense input; the default module is dense.
            X = X.toarray()
        return X

    def _check_sample_shape(self, shape):
        if shape != self._sample_shape:
            raise ValueError(
                f"X has samples of shape {shape}, but {type(self).__name__} was "
                f"fitted on samples of shape {self._sample_shape}."
            )

    def _check_y(self, y):
        if y is None:
            # The wording is scikit-learn's, which its estimator checks expect.
            raise ValueError(
                "LogitAdjustedNet requires y to be passed, but the target y is None: "
                "the class priors come from the labels."
            )
        if torch.is_tensor(y):
            y = y.detach().cpu().numpy()
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type not in ("binary", "multiclass"):
            raise ValueError(
                "LogitAdjustedNet supports binary or multiclass labels only; got "
                f"y of type {y_type!r}."
            )
        return column_or_1d(y, warn=True)

    def _learn_labels(self, y, classes=None, sample_weight=None):
        """Set ``classes_``, ``priors_`` and ``class_counts_``; return encoded ``y``."""
        y = self._check_y(y)
        if self.classes is not None:
            labels = np.asarray(self.classes)
            if labels.ndim != 1 or len(np.unique(labels)) != len(labels):
                raise ValueError(
                    "`classes` must be a 1-D list of distinct labels; got "
                    f"{self.classes!r}."
                )
        elif classes is not None:
            labels = np.unique(classes)
        else:
            labels = np.unique(y)
        if len(labels) < 2:
            raise ValueError(
                "LogitAdjustedNet needs at least 2 classes; got 1 class: "
                f"{labels.tolist()!r}."
            )
        y_encoded = _encode(y, labels)
        counts = np.bincount(y_encoded, minlength=len(labels))
        priors = self._resolve_priors(labels)
        if priors is None:
            # The weighted class totals: what a repeated-sample data set with
            # these (integer) weights would count.
            totals = np.bincount(
                y_encoded, weights=sample_weight, minlength=len(labels)
            )
            if np.any(totals == 0):
                raise ValueError(
                    f"The classes {labels[totals == 0].tolist()!r} have no training "
                    "sample (or only samples of zero weight), so priors='train' "
                    "would give them a zero prior and the log-prior adjustment "
                    "would be undefined. Pass `priors` explicitly."
                )
            priors = totals / totals.sum()
        self.classes_inferred_ = labels
        self.class_counts_ = counts
        self._total_weight = (
            counts.sum() if sample_weight is None else sample_weight.sum()
        )
        self.priors_ = priors
        return y_encoded

    def _resolve_priors(self, labels):
        """User-given priors in ``labels`` order, or None for ``priors="train"``."""
        if isinstance(self.priors, str):
            if self.priors != "train":
                raise ValueError(
                    "`priors` must be 'train' or an array-like of shape (n_classes,); "
                    f"got {self.priors!r}."
                )
            return None
        return _check_priors(self.priors, len(labels), classes=labels)

    # ------------------------------------------------------------------
    # Initialisation
    # ------------------------------------------------------------------

    def initialize(self):
        """Initialise the module, criterion, optimizer and callbacks.

        :meth:`fit` calls this after learning the labels. Called before any
        fit (for instance to :meth:`load_params` into a fresh net), it needs
        ``classes`` and explicit ``priors``, and with the default module
        ``module__input_units``.

        Returns
        -------
        self : LogitAdjustedNet
            The initialised net.
        """
        if not hasattr(self, "priors_"):
            if self.classes is None:
                raise ValueError(
                    "LogitAdjustedNet learns its classes and priors in fit. To "
                    "initialize it before fit, pass `classes` and `priors`."
                )
            labels = np.asarray(self.classes)
            priors = self._resolve_priors(labels)
            if priors is None:
                raise ValueError(
                    "priors='train' needs training labels. To initialize "
                    "LogitAdjustedNet before fit, pass explicit `priors`."
                )
            self.priors_ = priors
        return super().initialize()

    def initialize_module(self):
        """Build ``module_``, inferring its input and output sizes from the data.

        Returns
        -------
        self : LogitAdjustedNet
            The net with ``module_`` set.
        """
        module = self.module
        is_class = isinstance(module, type) and issubclass(module, nn.Module)
        if not (is_class or isinstance(module, nn.Module)):
            raise TypeError(
                "`module` must be a torch.nn.Module subclass or instance; got "
                f"{module!r}."
            )
        kwargs = self.get_params_for("module")
        if is_class:
            kwargs = {**self._inferred_module_sizes(module, kwargs), **kwargs}
        self.module_ = self.initialized_instance(module, kwargs)
        return self

    def _inferred_module_sizes(self, module, kwargs):
        params = inspect.signature(module).parameters
        sizes = {}
        if "input_units" in params and "input_units" not in kwargs:
            if not hasattr(self, "n_features_in_"):
                raise ValueError(
                    f"The number of input features of {module.__name__} is unknown "
                    "before fit on array data; pass `module__input_units`."
                )
            # The product of the sample shape: TabularMLP flattens N-D input.
            shape = getattr(self, "_sample_shape", (self.n_features_in_,))
            sizes["input_units"] = int(np.prod(shape))
        if "output_units" in params and "output_units" not in kwargs:
            sizes["output_units"] = len(self.priors_)
        return sizes

    def initialize_criterion(self):
        """Build ``criterion_`` from ``loss`` and the class priors.

        Returns
        -------
        self : LogitAdjustedNet
            The net with ``criterion_`` set.
        """
        if self.criterion is not None:
            return super().initialize_criterion()
        counts = None
        if self.loss in _COUNT_LOSSES:
            if not hasattr(self, "class_counts_"):
                raise ValueError(
                    f"loss={self.loss!r} needs the training class counts; call fit "
                    "instead of initializing the net before fit."
                )
            # The (weighted) number of training rows, spread by the priors.
            total = getattr(self, "_total_weight", self.class_counts_.sum())
            counts = self.priors_ * total
        self.criterion_ = _build_loss(
            self.loss,
            self.priors_,
            counts,
            _check_tau(self.tau),
            self.get_params_for("criterion"),
        )
        return self

    def set_params(self, **kwargs):
        """Set parameters; changing ``tau`` or ``loss`` rebuilds a built criterion.

        Parameters
        ----------
        **kwargs : dict
            Parameters, as for :meth:`skorch.NeuralNet.set_params`.

        Returns
        -------
        self : LogitAdjustedNet
            The net.
        """
        super().set_params(**kwargs)
        # tau and loss are plain attributes for skorch, which would otherwise
        # keep training an initialised net (partial_fit) with the old criterion.
        if (
            self.initialized_
            and self.criterion is None
            and {"tau", "loss"} & kwargs.keys()
        ):
            self._initialize_criterion(
                reason="Re-initializing criterion for new tau/loss."
            )
        return self

    # ------------------------------------------------------------------
    # Training
    # ------------------------------------------------------------------

    def check_data(self, X, y):
        # skorch's version would overwrite `classes_inferred_` with the encoded
        # labels 0..K-1; the labels were already learned and checked in fit.
        pass

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Loss of a batch, after checking that the logits have one column per class.

        Parameters
        ----------
        y_pred : Tensor
            Module output (logits) of shape (batch_size, n_classes).

        y_true : Tensor
            Encoded labels.

        X : object, default=None
            The batch input, unused.

        training : bool, default=False
            Whether the net is training.

        Returns
        -------
        loss : Tensor
            The criterion's value.
        """
        logits = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        n_classes = len(self.priors_)
        if logits.dim() == 0 or logits.shape[-1] != n_classes:
            raise ValueError(
                f"The module returned logits of shape {tuple(logits.shape)}, but y has "
                f"{n_classes} classes: the last dimension of the logits must equal "
                f"the number of classes ({logits.shape[-1] if logits.dim() else 0} "
                f"!= {n_classes}). Give the module {n_classes} outputs."
            )
        if isinstance(X, Mapping) and _WEIGHT_KEY in X:
            return self._weighted_loss(y_pred, y_true, X[_WEIGHT_KEY])
        return super().get_loss(y_pred, y_true, X=X, training=training)

    def _weighted_loss(self, y_pred, y_true, weights):
        """The criterion's loss with each example weighted.

        The ``"mean"`` reduction divides by the batch's total weight, counting
        the criterion's class weights as cross-entropy does, so that integer
        weights act like repeated rows and weights on rows held out for
        validation do not rescale training.
        """
        criterion = self.criterion_
        reduction = criterion.reduction
        y_true = to_tensor(y_true, device=self.device)
        if isinstance(criterion, nn.NLLLoss):
            # As skorch's NeuralNetClassifier.get_loss: NLLLoss gets log-probas.
            y_pred = torch.log(y_pred + torch.finfo(y_pred.dtype).eps)
        # The criterion reads `reduction` at every call; switching it for this
        # call keeps one criterion object (its buffers, DRW epoch, and what
        # users see in criterion_) instead of a second, unweighted copy.
        criterion.reduction = "none"
        try:
            losses = criterion(y_pred, y_true)
        finally:
            criterion.reduction = reduction
        # At least float32: float16 sums of weighted losses overflow.
        dtype = torch.promote_types(losses.dtype, torch.float32)
        weights = to_tensor(weights, device=self.device).to(dtype)
        total = (weights * losses.to(dtype)).sum()
        if reduction == "sum":
            return total
        # The denominator of cross-entropy's "mean": the class weights of the
        # counted targets. Other criteria (e.g. MultiMarginLoss, whose weight
        # scales the loss but whose mean divides by N) count each row once.
        if isinstance(criterion, (nn.CrossEntropyLoss, nn.NLLLoss)):
            if hasattr(criterion, "_class_weights"):
                class_weights = criterion._class_weights(dtype)
            else:
                class_weights = criterion.weight
            if class_weights is not None:
                weights = weights * class_weights.to(dtype)[y_true]
            weights = weights * (y_true != criterion.ignore_index)
        # A batch of zero-weight rows contributes nothing, not 0 / 0.
        return total / weights.sum().clamp_min(torch.finfo(dtype).tiny)

    def infer(self, x, **fit_params):
        """The module's output on a batch, without the batch's sample weights.

        Parameters
        ----------
        x : Tensor, dict or other batch
            A batch of the input; a dict that carries sample weights (see
            :meth:`fit`) is unpacked first.

        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        y_infer : Tensor
            The module's output.
        """
        if isinstance(x, Mapping) and _WEIGHT_KEY in x:
            x = x[_X_KEY]
        return super().infer(x, **fit_params)

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Learn the labels and priors from ``y``, then train the module.

        Re-initialises the net unless ``warm_start=True`` (a warm-started net
        keeps its classes and priors).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features (numpy, pandas, scipy sparse, torch tensor),
            converted to float32. Arrays with more dimensions (images,
            sequences) are passed to the module as they are; the default
            module flattens them. Dicts (multi-input modules) and torch
            Datasets are passed to skorch unchanged; the labels stored in a
            Dataset must be the integers ``0..n_classes-1``.

        y : array-like of shape (n_samples,)
            Class labels of any type (ints, strings, pandas categorical).

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, which act like repeated rows: with
            ``priors="train"`` the priors are the weighted class shares, and
            each example's loss is multiplied by its weight, the ``"mean"``
            reduction dividing by the batch's total weight (times the
            criterion's class weights, as cross-entropy does). Needs array
            ``X`` and skorch's default ``dataset`` and iterators.

        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The fitted net.
        """
        fit_params["sample_weight"] = sample_weight
        seed = self._seed()
        if seed is None:
            return self._fit(X, y, **fit_params)
        on_cuda = str(self.device).startswith("cuda") and torch.cuda.is_available()
        cuda_devices = list(range(torch.cuda.device_count())) if on_cuda else []
        with torch.random.fork_rng(devices=cuda_devices):
            torch.random.default_generator.manual_seed(seed)
            if on_cuda:
                torch.cuda.manual_seed_all(seed)
            return self._fit(X, y, **fit_params)

    def _seed(self):
        random_state = self.random_state
        if random_state is None:
            return None
        if isinstance(random_state, np.random.RandomState):
            return int(random_state.randint(np.iinfo(np.int32).max))
        if (
            isinstance(random_state, bool)
            or not isinstance(random_state, Integral)
            or random_state < 0
        ):
            raise ValueError(
                "`random_state` must be None, a non-negative int or a "
                f"numpy RandomState; got {random_state!r}."
            )
        return int(random_state)

    def _fit(self, X, y, sample_weight=None, **fit_params):
        X, y_encoded = self._prepare(
            X,
            y,
            reset=not self.warm_start or not self.initialized_,
            sample_weight=sample_weight,
        )
        # The body of skorch's fit, minus its call to our partial_fit, which
        # would convert and encode the data a second time.
        super().partial_fit(X, y_encoded, **_FIT_ROUTING, **fit_params)
        return self

    def _prepare(self, X, y, *, reset, classes=None, sample_weight=None):
        """Convert ``X`` and encode ``y``; if ``reset``, learn labels, initialise.

        With sample weights, ``X`` comes back as a dict that also holds them,
        so that skorch's Dataset and DataLoader batch them along with ``X``.
        """
        X = self._check_X(X, reset=reset)
        sample_weight = self._validate_sample_weight(sample_weight, X)
        if reset:
            y_encoded = self._learn_labels(y, classes, sample_weight)
            self.initialize()
        else:
            y_encoded = _encode(self._check_y(y), self.classes_)
        if isinstance(X, Dataset):
            self._check_dataset_labels()
        if sample_weight is None:
            return X, y_encoded
        reduction = _weighable_reduction(self.criterion_)
        if reduction == "mean" and np.all(sample_weight == sample_weight[0]):
            # The weighted mean of every batch is then its plain mean, so the
            # loss is computed as without weights (count-based losses still
            # got the weighted totals above).
            return X, y_encoded
        weights = sample_weight.astype(np.float32)
        return {_X_KEY: X, _WEIGHT_KEY: weights}, y_encoded

    def _validate_sample_weight(self, sample_weight, X):
        """Validated float64 weights, or None; refuses what cannot carry them."""
        if sample_weight is None:
            return None
        if isinstance(X, (Dataset, Mapping)):
            raise ValueError(
                "sample_weight needs X as an array; with a torch Dataset or a "
                "dict as X, keep the weights in X and override get_loss to use "
                "them."
            )
        # The weights travel next to X in a dict through skorch's Dataset and
        # the default collate function; a custom one would receive that dict.
        custom = [
            name
            for name, value in [
                ("dataset", self.dataset is not SkorchDataset),
                ("iterator_train", self.iterator_train is not DataLoader),
                ("iterator_valid", self.iterator_valid is not DataLoader),
                ("iterator_train__collate_fn", self._sets_collate_fn("iterator_train")),
                ("iterator_valid__collate_fn", self._sets_collate_fn("iterator_valid")),
            ]
            if value
        ]
        if custom:
            raise ValueError(
                f"sample_weight cannot be combined with a custom {custom[0]}: the "
                "weights travel next to X through skorch's default Dataset and "
                "collate function. Weight the loss in an overridden get_loss "
                "instead."
            )
        if isinstance(self.criterion, nn.Module):
            # Refused before fit re-initialises a fitted net (a criterion class
            # is only checked once built).
            _weighable_reduction(self.criterion)
        # Also refuses NaN, negative and all-zero weights, naming sample_weight.
        return _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )

    def _sets_collate_fn(self, prefix):
        return "collate_fn" in self.get_params_for(prefix)

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        On a net that is not initialised yet, first learns the labels and
        priors from ``y`` (or the label set from ``classes``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        y : array-like of shape (n_samples,)
            Class labels, among ``classes_`` once the net is initialised.

        classes : array-like, default=None
            All labels, for a first call whose ``y`` lacks some.

        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, as for :meth:`fit`; the priors only
            use them on a first call.

        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The trained net.
        """
        X, y_encoded = self._prepare(
            X,
            y,
            reset=not self.initialized_,
            classes=classes,
            sample_weight=sample_weight,
        )
        return super().partial_fit(X, y_encoded, **fit_params)

    def _check_dataset_labels(self):
        # skorch trains on the labels stored in a Dataset and ignores `y`, so
        # those labels cannot be encoded here: they must already be the
        # positions 0..K-1 of classes_, or training would silently misalign.
        n_classes = len(self.priors_)
        if not np.array_equal(self.classes_, np.arange(n_classes)):
            raise ValueError(
                "With a torch Dataset as X, skorch trains on the labels stored in "
                "the Dataset, so the classes must be the integers 0..n_classes-1; "
                f"got classes {self.classes_.tolist()!r}. Pass arrays instead, or "
                "encode the labels of the Dataset."
            )

    # ------------------------------------------------------------------
    # Prediction
    # ------------------------------------------------------------------

    def _get_predict_nonlinearity(self):
        if not (
            isinstance(self.predict_nonlinearity, str)
            and self.predict_nonlinearity == "auto"
        ):
            return super()._get_predict_nonlinearity()
        self.check_is_fitted()
        posthoc_tau = _check_tau(self.posthoc_tau, name="posthoc_tau")
        if posthoc_tau == 0.0:
            return _softmax
        shift = torch.as_tensor(
            -posthoc_tau * np.log(self.priors_), dtype=torch.float32
        )
        return partial(_shifted_softmax, shift=shift)

    def forward_iter(self, X, training=False, device="cpu"):
        """Yield the module's outputs batch by batch, after converting ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        training : bool, default=False
            Whether to run the module in training mode.

        device : str or torch.device, default="cpu"
            Device the outputs are moved to.

        Returns
        -------
        outputs : generator of Tensor
            The logits of each batch.
        """
        # Every prediction path (predict_proba, forward, infer on batches)
        # passes here, so float64 or pandas X never reaches a float32 module.
        X = self._check_X(X, reset=False)
        return super().forward_iter(X, training=training, device=device)

    def predict_proba(self, X):
        """Class probabilities: the softmax of the logits.

        With ``posthoc_tau != 0``, the softmax of the post-hoc adjusted
        logits ``f(x) - posthoc_tau * log(priors_)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        # Checked first so that an unfitted net raises NotFittedError, not a
        # complaint about X.
        self.check_is_fitted()
        return super().predict_proba(X)

    def predict(self, X):
        """Predicted class labels, the most probable of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]
