"""skorch classifier trained with the logit-adjusted loss.

A thin subclass of :class:`skorch.NeuralNetClassifier`: ``fit`` and
``partial_fit`` prepare the per-fit data (labels, priors, sample weights;
:mod:`._targets`, :mod:`._weights`) and call skorch's; the public hooks
``initialize_module``, ``initialize_criterion``, ``get_dataset``, ``infer``,
``get_loss`` and ``predict_proba`` do the rest.
"""

import numpy as np
import torch.nn.functional as F
from skorch import NeuralNet, NeuralNetClassifier
from skorch.utils import is_dataset, to_device
from torch import nn

from .._validation import _encode_labels
from . import _weights
from ._callbacks import _default_callbacks
from ._checks import _check_tau
from ._components import (
    _adjusted_proba,
    _build_loss,
    _check_logit_width,
    _module_kwargs,
    _posthoc_shift,
)
from ._input import _check_X
from ._modules import TabularMLP
from ._targets import _as_array, _learn_targets, _prepare, _seeded


class LogitAdjustedNet(NeuralNetClassifier):
    """Neural network classifier trained with the logit-adjusted loss (skorch).

    A :class:`skorch.NeuralNetClassifier` for long-tailed classification
    (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021). At
    :meth:`fit` it encodes the labels (ints, strings, pandas categoricals),
    computes the class priors ``priors_`` and builds the loss from them: by
    default the logit-adjusted loss, cross-entropy on
    ``f(x) + tau * log(priors_)`` (section 5). It predicts with the
    *unadjusted* logits ``f(x)``. ``loss`` selects the paper's baselines
    instead and ``posthoc_tau`` adds post-hoc adjustment, so that one
    estimator runs the paper's whole comparison.

    Every parameter of :class:`skorch.NeuralNetClassifier` works
    (``max_epochs``, ``lr``, ``optimizer``, ``device``, ``callbacks``,
    ``module__*``, ``criterion__*``...). Unlike skorch's classifier, the
    module returns **logits** (so ``criterion=torch.nn.NLLLoss`` receives
    their log-softmax) and ``classes`` holds the labels of ``y``, which the
    net encodes, not the indices the module predicts.

    Parameters
    ----------
    module : torch.nn.Module class, instance or callable, default=TabularMLP
        The network; :class:`~sklearn_la.nn.TabularMLP` by default. A class
        or factory taking ``input_units`` / ``output_units`` gets the number
        of features and classes unless ``module__*`` (or a
        ``functools.partial``) sets them.
    tau : float, default=1.0
        Strength of the adjustment of ``loss="logit_adjusted"``; ``1`` is
        consistent for the balanced error.
    priors : "train", array-like, pandas Series or dict, default="train"
        Class priors ``pi``. ``"train"`` uses the label frequencies of ``y``
        (weighted by ``sample_weight``); every class then needs a sample. An
        array is read in ``classes_`` order, a Series or dict aligned by
        label; it is normalised (counts work too).
    loss : {"logit_adjusted", "cross_entropy", "balanced_softmax", "ldam", \
"class_balanced", "focal", "equalization"}, default="logit_adjusted"
        Training loss from :mod:`sklearn_la.nn` (``"cross_entropy"`` is the
        ERM baseline); its arguments are ``criterion__*``. The count-based
        ``"ldam"`` and ``"class_balanced"`` get ``priors_`` times the
        (weighted) number of training rows.
    posthoc_tau : float, default=0.0
        :meth:`predict_proba` returns ``softmax(f(x) - posthoc_tau *
        log(priors_))``: the post-hoc rule for ``loss="cross_entropy"`` (use
        1.0). On top of the logit-adjusted loss it adjusts twice.
    criterion : torch.nn.Module class or instance, default=None
        A custom loss overriding ``loss``; it does not receive the priors.
    train_split : callable or None, default=None
        Validation split, as in skorch. ``None`` trains on all data (skorch's
        default stratified 5-fold split fails on classes with fewer than 5
        samples). With a split, the history has ``valid_loss``,
        ``valid_acc`` and ``valid_bacc`` (balanced accuracy).
    classes : array-like or None, default=None
        Class labels in the order of the output columns; ``None`` uses the
        sorted labels of ``y``. Any order works. Lets :meth:`initialize` run
        before fit (for :meth:`load_params`).
    random_state : int, RandomState instance or None, default=None
        Seed of :meth:`fit`, run on a forked torch RNG (the global one is left
        untouched); ``None`` uses torch's global RNG.
    **kwargs
        Other arguments of :class:`skorch.NeuralNetClassifier`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels; :meth:`predict` returns these.
    priors_ : ndarray of shape (n_classes,)
        Class priors of the loss and ``posthoc_tau`` (uniform placeholders
        after :meth:`initialize` before fit with ``priors="train"``).
    class_counts_ : ndarray of shape (n_classes,)
        Training samples per class (unweighted), when ``y`` was known.
    n_features_in_ : int
        Number of features (for N-D ``X``, the size of its second axis).
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names of a DataFrame ``X`` with string column names.
    sample_shape_ : tuple of int
        Shape of one sample of array ``X`` (the module's input size).
    total_weight_ : float
        Total training weight (the number of samples when unweighted); with
        ``priors_`` it gives the class counts count-based losses need.
    module_, criterion_ : torch.nn.Module
        The fitted network and the training loss.

    See Also
    --------
    sklearn_la.nn.LogitAdjustedLoss : The training loss.
    sklearn_la.LogitAdjustedClassifier : Post-hoc adjustment of any classifier.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_la.nn import LogitAdjustedNet
    >>> rng = np.random.default_rng(0)
    >>> y = np.array(["common"] * 90 + ["rare"] * 10)
    >>> X = rng.normal(size=(100, 2)) + (y == "rare")[:, None] * 2.0
    >>> net = LogitAdjustedNet(max_epochs=20, lr=0.1, verbose=0, random_state=0)
    >>> net.fit(X, y).priors_.tolist()
    [0.9, 0.1]
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
        given = dict(criterion=criterion, train_split=train_split, classes=classes)
        super().__init__(module, **given, **kwargs)
        self.tau = tau
        self.priors = priors
        self.loss = loss
        self.posthoc_tau = posthoc_tau
        self.random_state = random_state

    @property
    def _default_callbacks(self):
        return _default_callbacks()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # densified for torch
        return tags

    def fit(self, X, y, sample_weight=None, **fit_params):
        """Learn labels and priors from ``y`` (unless ``warm_start``), then train.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features (numpy, pandas, scipy sparse, torch tensor),
            converted to float32; N-D arrays (images) reach the module as they
            are. Dicts and torch Datasets pass to skorch unchanged; a
            Dataset's labels must be the integers ``0..n_classes-1``.
        y : array-like of shape (n_samples,) or None
            Class labels of any type. ``None`` only with a Dataset ``X``, whose
            labels are then read if skorch can, or with ``priors`` given.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights that act like repeated rows: weighted priors
            and a weighted loss. Needs array ``X`` and skorch's default
            dataset and iterators.
        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The fitted net.
        """
        with _seeded(self.random_state, self.device):
            reset = not self.warm_start or not self.initialized_
            X, y = _prepare(self, X, y, sample_weight, reset=reset)
            return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, sample_weight=None, **fit_params):
        """Train ``max_epochs`` more epochs; learn labels and priors if not known.

        A net initialised before fit keeps its ``classes`` and ``priors``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.
        y : array-like of shape (n_samples,), default=None
            Class labels, among ``classes_`` once known.
        classes : array-like, default=None
            All labels, for a first call whose ``y`` lacks some.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights, as for :meth:`fit`.
        **fit_params : dict
            Passed to the module's ``forward`` and to ``train_split``.

        Returns
        -------
        self : LogitAdjustedNet
            The trained net.
        """
        reset = not hasattr(self, "priors_")
        X, y = _prepare(self, X, y, sample_weight, reset=reset, classes=classes)
        return super().partial_fit(X, y, **fit_params)

    def initialize(self):
        """Initialise; before any fit, labels from ``classes``, priors placeholders.

        ``load_params(f_criterion=...)`` then restores the saved criterion.
        """
        if not hasattr(self, "priors_") and self.classes is not None:
            _learn_targets(self, None, placeholder=True)
        return super().initialize()

    def initialize_module(self):
        """Build ``module_``, with its input and output sizes from the data."""
        module = self.initialized_instance(self.module, _module_kwargs(self))
        if not isinstance(module, nn.Module):
            raise TypeError(f"`module` must build a torch.nn.Module; got {module!r}.")
        self.module_ = module
        return self

    def initialize_criterion(self):
        """Build ``criterion_`` from ``loss`` and the class priors."""
        if self.criterion is not None:
            return super().initialize_criterion()
        priors = getattr(self, "priors_", None)
        counts = None if priors is None else priors * self.total_weight_
        kwargs = self.get_params_for("criterion")
        tau = _check_tau(self.tau)
        self.criterion_ = _build_loss(self.loss, priors, counts, tau, kwargs)
        return self

    def set_params(self, **kwargs):
        """Set parameters; a new ``tau`` or ``loss`` rebuilds a built criterion."""
        super().set_params(**kwargs)
        if (
            self.initialized_
            and self.criterion is None
            and {"tau", "loss"} & kwargs.keys()
        ):
            self.initialize_criterion()
            self.criterion_ = to_device(self.criterion_, self.device)
        return self

    def check_data(self, X, y=None):
        """Nothing left to check: :meth:`fit` validated ``y`` and learned labels."""

    def get_dataset(self, X, y=None):
        """skorch's Dataset of ``X``, converted as at fit, and ``y`` encoded."""
        if not is_dataset(X):
            X, weights = _weights._unpack(X)
            X = _weights._pack(_check_X(self, X, reset=False), weights)
            if y is not None:
                y = _encode_labels(np.ravel(_as_array(y)), self.classes_)
        return super().get_dataset(X, y)

    def infer(self, x, **fit_params):
        """The module's output on a batch, without the batch's sample weights."""
        return super().infer(_weights._unpack(x)[0], **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """The criterion's loss on a batch of logits, weighted if ``X`` says so."""
        logits = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        _check_logit_width(logits, len(self.classes_))
        if isinstance(self.criterion_, nn.NLLLoss):
            # The module returns logits; NLLLoss takes log-probabilities.
            y_pred = F.log_softmax(logits, dim=-1)
        weights = _weights._unpack(X)[1]
        if weights is not None:
            criterion = self.criterion_
            return _weights._weighted_loss(
                criterion, y_pred, y_true, weights, self.device
            )
        # NeuralNet's, not NeuralNetClassifier's, which takes logs of probabilities.
        return NeuralNet.get_loss(self, y_pred, y_true, X=X, training=training)

    def predict_proba(self, X):
        """Class probabilities: the softmax of the (post-hoc adjusted) logits.

        With ``posthoc_tau != 0``, the softmax of
        ``f(x) - posthoc_tau * log(priors_)``. A ``predict_nonlinearity``
        other than ``"auto"`` is applied instead, as in skorch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, ...)
            Numeric features, as for :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        self.check_is_fitted()
        nonlinearity = self.predict_nonlinearity
        if not (isinstance(nonlinearity, str) and nonlinearity == "auto"):
            return super().predict_proba(X)
        shift = _posthoc_shift(self.posthoc_tau, self.priors_)
        outputs = self.forward_iter(X, training=False)
        return np.concatenate([_adjusted_proba(out, shift) for out in outputs])

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
