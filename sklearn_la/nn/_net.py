"""The skorch net trained with the logit-adjusted loss, for any labels: ``fit``
learns what skorch does not (the labels, whose indices the module trains on,
their priors, the shape of ``X``); skorch's public hooks do the rest."""

import inspect
import threading
from contextlib import contextmanager, suppress
from functools import partial

import numpy as np
import torch
from skorch import NeuralNetClassifier
from skorch.utils import data_from_dataset, is_dataset, to_device, to_numpy
from torch import nn
from torch.utils.data import DataLoader

from .._validation import _check_priors, _encode_labels, _plain_list, _train_priors
from ._callbacks import _default_callbacks
from ._checks import _as_array, _check_int, _check_labels, _check_X
from ._losses import LogitAdjustedLoss
from ._modules import TabularMLP

_SEEDED = threading.RLock()  # dropout draws from torch's global generators


def _softmax(logits):
    """Softmax of logits; NaN, whose argmax would be the first class, is refused."""
    proba = torch.softmax(logits, dim=-1)
    bad = torch.isnan(proba).reshape(-1, proba.shape[-1]).any(dim=-1)
    if bad.any():
        raise ValueError(
            f"The module returned non-finite logits (NaN or inf) for {int(bad.sum())} "
            f"of {bad.numel()} row(s): the training has most likely diverged. Refit "
            "with a lower `lr` (or check the features for NaN)."
        )
    return proba


class LogitAdjustedNet(NeuralNetClassifier):
    """Neural network classifier trained with the logit-adjusted loss (skorch).

    Menon et al., "Long-tail learning via logit adjustment" (ICLR 2021),
    section 5. :meth:`fit` learns the labels of ``y`` and their priors
    ``priors_``, which the criterion gets: by default the logit-adjusted loss,
    cross-entropy on ``f(x) + tau * log(priors_)``. The net predicts with the
    unadjusted ``f(x)`` (for post-hoc adjustment, wrap a net fitted with
    ``tau=0`` in :class:`~sklearn_la.LogitAdjustedClassifier`). Every skorch
    parameter works, but the module returns logits and ``classes`` are labels.

    Parameters
    ----------
    module : torch.nn.Module class, instance or callable, default=TabularMLP
        The network. A class or factory taking ``input_units`` /
        ``output_units`` gets the numbers of features and classes unless
        ``module__*`` (or a ``functools.partial``) sets them.
    criterion : torch.nn.Module class or instance, default=LogitAdjustedLoss
        The loss, with arguments ``criterion__*``. A class taking ``priors``
        (or ``class_counts``) gets ``priors_`` (times the number of rows), one
        taking ``tau`` gets ``tau``; an instance is used as it is.
        ``torch.nn.NLLLoss`` gets ``log(softmax + eps)``, as in skorch.
    tau : float or None, default=None
        The criterion's ``tau``: ``0`` is cross-entropy, ``1`` is consistent
        for the balanced error; ``None`` keeps its default (``1.0``). Refused
        for a criterion without ``tau``, and as ``criterion__tau``.
    priors : "train", array-like, pandas Series or dict, default="train"
        The label frequencies of ``y`` (every class needs a sample), or priors
        in ``classes_`` order (a Series or dict aligned by label), normalised.
    train_split : callable or None, default=None
        Validation split; ``None`` trains on all the data. The history has
        ``valid_acc`` and ``valid_bacc`` (balanced accuracy).
    classes : array-like or None, default=None
        Labels of the output columns (``None``: those of ``y``, sorted).
    predict_nonlinearity : callable, "auto" or None, default=softmax
        Turns the logits into :meth:`predict_proba`, as in skorch.
    random_state : int or None, default=None
        Seeds :meth:`fit`: its initialisation and training run on torch's
        global generators seeded for them and restored after, one seeded net
        at a time across threads, so it fits the same in any thread. Other
        code drawing from those generators in another thread meanwhile (an
        unseeded net training) can still interfere.
    **kwargs
        Other arguments of :class:`skorch.NeuralNetClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; :meth:`predict` returns these.
    priors_, class_counts_ : ndarray of shape (n_classes,)
        Class priors (uniform before fit with ``priors="train"``), and the
        training samples per class when ``y`` was known.
    n_features_in_, feature_names_in_, sample_shape_
        Number (the size of axis 1) and names of the features; the shape of
        one sample of array ``X``.

    See Also
    --------
    sklearn_la.nn.LogitAdjustedLoss : The default criterion.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_la.nn import LogitAdjustedNet
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["common"] * 90 + ["rare"] * 10)
    >>> X = rng.normal(size=(100, 2)) + (y == "rare")[:, None] * 2.0
    >>> net = LogitAdjustedNet(max_epochs=20, lr=0.1, verbose=0, random_state=0)
    >>> net.fit(X, y).priors_.tolist(), set(net.predict(X)) <= {"common", "rare"}
    ([0.9, 0.1], True)
    """

    def __init__(
        self,
        module=TabularMLP,
        *,
        criterion=LogitAdjustedLoss,
        tau=None,
        priors="train",
        train_split=None,
        classes=None,
        predict_nonlinearity=_softmax,
        random_state=None,
        **kwargs,
    ):
        kwargs.update(criterion=criterion, train_split=train_split, classes=classes)
        super().__init__(module, predict_nonlinearity=predict_nonlinearity, **kwargs)
        self.tau, self.priors, self.random_state = tau, priors, random_state

    @property
    def _default_callbacks(self):
        return _default_callbacks(super()._default_callbacks)

    @property
    def classes_(self):
        # Learned with the priors: skorch's re-reads every y, which may lack some.
        return self._classes_ if "_classes_" in vars(self) else super().classes_

    def on_epoch_begin(self, net, **kwargs):
        """Start the epoch; tell an epoch-aware criterion (``LDAMLoss``) which."""
        super().on_epoch_begin(net, **kwargs)
        if hasattr(self.criterion_, "set_epoch"):
            self.criterion_.set_epoch(len(self.history) - 1)  # 0-based

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified for torch
        return tags

    def fit(self, X, y, **fit_params):
        """Learn labels, priors and the shape of ``X`` (unless warm), then train.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as float32 (images reach the module as they
            are); a torch Dataset (labels ``0..n_classes-1``) or a dict as is.
        y : array-like of shape (n_samples,) or None
            Labels of any type but tuples; ``None`` with a Dataset.
        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The fitted net.
        """
        if not self.warm_start or not self.initialized_:
            X, y = self._learn(X, y)
        return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train ``max_epochs`` more epochs; learn labels and priors if not known.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.
        y : array-like of shape (n_samples,), default=None
            Class labels, among ``classes_`` once known.
        classes : array-like, default=None
            All labels, for a first call whose ``y`` lacks some.
        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The trained net.
        """
        if not hasattr(self, "priors_"):
            X, y = self._learn(X, y, classes)
        elif y is not None or not is_dataset(X):
            y = _check_labels(y, type(self).__name__)
        with self._seeded(stream=1):
            return super().partial_fit(X, y, **fit_params)

    def _learn(self, X, y, classes=None):
        """Set labels, priors and counts; ``X=None`` (initialize) sets placeholders."""
        if y is None and is_dataset(X):
            with suppress(AttributeError):  # skorch cannot read every Dataset's
                y = to_numpy(data_from_dataset(X)[1])
        if y is not None or not (X is None or is_dataset(X)):
            y = _check_labels(y, type(self).__name__)
        if X is not None:  # learns the shape; get_dataset converts X
            _check_X(self, X, reset=True)
        if self.classes is not None or classes is not None:
            labels = np.asarray(self.classes if self.classes is not None else classes)
            if labels.ndim != 1 or len(np.unique(labels)) != len(labels):
                raise ValueError(f"`classes` must be distinct labels; got {labels!r}.")
        elif y is not None or isinstance(self.priors, str):
            labels = np.unique(y if y is not None else [])
        else:
            labels = np.arange(len(self.priors))  # a Dataset's labels are indices
        if is_dataset(X) and not np.array_equal(labels, np.arange(len(labels))):
            raise ValueError(
                "skorch trains on the labels stored in a torch Dataset, so they must "
                f"be the integers 0..n_classes-1; got {_plain_list(labels)!r}."
            )
        if len(labels) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes; got {len(labels)} "
                f"class(es): {labels.tolist()!r}. Pass y (or a Dataset whose labels "
                "skorch reads), or `classes` and `priors`."
            )
        y_encoded = None if y is None else _encode_labels(y, labels)
        if not isinstance(self.priors, str):
            self.priors_ = _check_priors(self.priors, labels, name="priors")
        elif self.priors != "train" or (y is None and X is not None):
            raise ValueError(
                "`priors` must be an array, or 'train' with the training labels (y, "
                f"or a Dataset whose labels skorch reads); got {self.priors!r}."
            )
        else:
            uniform = np.full(len(labels), 1.0 / len(labels))
            self.priors_ = uniform if y is None else _train_priors(y_encoded, labels)
        self._classes_ = labels
        vars(self).pop("class_counts_", None)
        if y is not None:
            self.class_counts_ = np.bincount(y_encoded, minlength=len(labels))
        return X, y

    @contextmanager
    def _seeded(self, stream):
        """Run on torch's global generators seeded for this call, then restore them."""
        if self.random_state is None:
            yield
            return
        seed = [_check_int(self.random_state, "random_state", 0), stream]
        seed = int(np.random.SeedSequence(seed).generate_state(1)[0])  # one per stream
        cuda = [torch.device(self.device)] if "cuda" in str(self.device) else []
        with _SEEDED, torch.random.fork_rng(devices=cuda):
            torch.random.default_generator.manual_seed(seed)
            for device in cuda:
                with torch.cuda.device(device):
                    torch.cuda.manual_seed(seed)
            yield

    def initialize(self):
        """Initialise; before any fit, labels from ``classes``, priors placeholders."""
        if not hasattr(self, "priors_") and self.classes is not None:
            self._learn(None, None)
        return super().initialize()

    def initialize_module(self):
        """Build ``module_``, with its input and output sizes from the data."""
        kwargs, module = self.get_params_for("module"), self.module
        shape, priors = vars(self).get("sample_shape_"), vars(self).get("priors_")
        sizes = {
            "input_units": None if shape is None else int(np.prod(shape)),
            "output_units": None if priors is None else len(priors),
        }
        for name, has_default in _arguments(module).items():
            if name in sizes and name not in kwargs and sizes[name] is not None:
                kwargs[name] = sizes[name]
            elif name in sizes and name not in kwargs and not has_default:
                raise ValueError(
                    f"`{name}` of {getattr(module, '__name__', module)} is unknown "
                    f"before fit; pass `module__{name}`."
                )
        with self._seeded(stream=0):  # the module's initialisation draws
            built = callable(module) and self.initialized_instance(module, kwargs)
        if not isinstance(built, nn.Module):
            gave = f", which returned {built!r}" if callable(module) else ""
            raise TypeError(
                "`module` must be a torch.nn.Module class, instance or a callable "
                f"returning one; got {module!r}{gave}."
            )
        self.module_ = built
        return self

    def initialize_criterion(self):
        """Build ``criterion_``; a class gets ``tau`` and the priors (or counts)."""
        kwargs, criterion = self.get_params_for("criterion"), self.criterion
        clash = sorted({"tau", "priors", "class_counts"} & kwargs.keys())
        if clash:
            raise ValueError(
                f"Set `{'tau' if clash[0] == 'tau' else 'priors'}` on the net, not "
                f"`criterion__{clash[0]}`: the net gives the criterion its own."
            )
        name = getattr(criterion, "__name__", type(criterion).__name__)
        taken = _arguments(criterion)
        if self.tau is not None and "tau" not in taken:
            raise ValueError(
                f"`tau`={self.tau!r} is given to the criterion, but {name} takes no "
                "`tau` (an instance is used as it is); leave tau=None."
            )
        given = {} if self.tau is None else {"tau": self.tau}
        if {"priors", "class_counts"} & taken.keys():
            if not hasattr(self, "priors_"):
                raise ValueError(
                    f"{name} needs the class priors, unknown before fit: pass "
                    "`classes` (and `priors`) to initialize the net before fit."
                )
            # Counts at the scale of the training rows (placeholders: of one).
            rows = vars(self).get("class_counts_", np.ones(1)).sum()
            given.update(priors=self.priors_, class_counts=self.priors_ * rows)
        kwargs.update({key: given[key] for key in given.keys() & taken.keys()})
        self.criterion_ = self.initialized_instance(criterion, kwargs)
        return self

    def set_params(self, **kwargs):
        """Set parameters; a new ``tau`` rebuilds a built criterion."""
        super().set_params(**kwargs)
        if self.initialized_ and "tau" in kwargs:
            self.initialize_criterion()
            self.criterion_ = to_device(self.criterion_, self.device)
        return self

    def get_params_for(self, prefix):
        """skorch's ``prefix__*`` arguments; a DataLoader gets its own generator."""
        # torch's draws from the global one at each iteration, even unshuffled.
        params = super().get_params_for(prefix)
        loader = getattr(self, prefix) if prefix.startswith("iterator_") else None
        if isinstance(loader, type) and issubclass(loader, DataLoader):
            seed = int(torch.randint(2**62, ())) if prefix == "iterator_train" else 0
            params.setdefault("generator", torch.Generator().manual_seed(seed))
        return params

    def get_dataset(self, X, y=None):
        """skorch's Dataset of ``X``, converted as at fit, and ``y`` encoded."""
        if not is_dataset(X):
            X = _check_X(self, X, reset=False)
            if y is not None:
                y = _encode_labels(np.ravel(_as_array(y)), self.classes_)
        return super().get_dataset(X, y)

    def get_loss(self, y_pred, y_true, *args, **kwargs):
        """The criterion's loss on a batch of logits, whose width is checked."""
        logits = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        width, n_classes = logits.shape[-1] if logits.dim() else 0, len(self.classes_)
        if width != n_classes:
            raise ValueError(
                f"The module returned logits of shape {tuple(logits.shape)}: the last "
                f"dimension of the logits must equal the number of classes ({width} "
                f"!= {n_classes})."
            )
        if isinstance(self.criterion_, nn.NLLLoss):
            y_pred = torch.softmax(logits, dim=-1)  # skorch's classifier logs it
        return super().get_loss(y_pred, y_true, *args, **kwargs)

    def predict(self, X):
        """Predicted labels: the argmax of :meth:`predict_proba`, ties included.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X)  # first: an unfitted net raises NotFittedError
        return self.classes_[proba.argmax(axis=1)]


def _arguments(component):
    """``{name: has_default}`` of a class or factory (not an instance), unbound."""
    if not isinstance(component, nn.Module):
        with suppress(TypeError, ValueError):  # builtins without a signature
            args = inspect.signature(component).parameters.items()
            bound = component.keywords if isinstance(component, partial) else {}
            return {n: p.default is not p.empty for n, p in args if n not in bound}
    return {}
