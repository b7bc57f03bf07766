"""Docstring text shared by several public objects, written once.

In the manner of imbalanced-learn's ``Substitution``: a docstring (of the
post-hoc estimators, of the functional losses) holds placeholders such as
``{priors}`` on a line of their own, and :func:`_fill_doc` replaces each
with the shared text, so a change to a parameter's meaning is documented in
one place. Placeholders are replaced by name only (no ``str.format``), so
braces elsewhere in a docstring, as in ``{"uniform", "train"}``, are left
alone. This is the package's one docstring-sharing mechanism.
"""

_PARAMETERS = {
    "priors": """\
    priors : {"auto", "train", "effective"}, array-like of shape (n_classes,), \
pandas Series or dict, default="auto"
        Training priors ``pi``. ``"train"`` uses the label frequencies of the
        ``y`` given to :meth:`fit` (weighted by ``sample_weight`` when given);
        a class of zero total weight gets prior 0 and is never predicted
        (as a class that scikit-learn's ``BaggingClassifier`` drew no row
        of).
        ``"effective"`` keeps those as ``priors_`` and also reads the class
        prior ``pi'`` the fitted base model was actually trained under
        (``effective_priors_``): after the samplers of an imbalanced-learn
        ``Pipeline`` (from their ``sample_indices_``, else the counts their
        fitted ``sampling_strategy_`` asked for), in a balanced ensemble
        (``BalancedRandomForestClassifier``, ``BalancedBaggingClassifier``,
        ``EasyEnsembleClassifier``, ``RUSBoostClassifier`` or a
        ``BaggingClassifier``: the mean of its members'), or with a
        ``class_weight`` (the class mass ``n_y * w_y``); a calibrated
        classifier or an ``SVC`` re-learns the prior of its data. The base's
        log-scores then get ``-log(pi'_y) + (1 - w) * log(pi_y)``, so that its
        probabilities are posteriors under the prior the family assumes,
        ``pi ** (1 - w)``, and :meth:`predict_proba` is the posterior under
        ``target_priors`` (calibrated in the large with
        ``target_priors="train"``). A base whose training prior cannot be
        read (a sampler inside an object sklearn-la does not look into,
        ``SMOTEENN``) is refused by name. ``"auto"`` is ``"effective"`` for a
        base that rebalances in one of those ways and ``"train"`` for any
        other, so that a balanced ensemble is not corrected twice. An array is
        read in the order of the sorted labels (``np.unique(y)``), which is
        ``classes_`` for every scikit-learn classifier; with a base whose
        ``classes_`` are not sorted an array is ambiguous and refused at
        :meth:`fit`. A pandas Series or dict is aligned by label. Either is
        normalised to sum to one (so class counts work too); entries must be
        finite and positive. ``target_priors`` follows the same rules.""",
    "response_method": """\
    response_method : {"auto", "predict_proba", "predict_log_proba", \
"decision_function"}, default="auto"
        Which base method gives the scores. ``"auto"`` uses
        ``predict_proba``, else ``predict_log_proba``, else the
        ``decision_function`` of a log-linear model (logistic regression),
        whose softmax is its posterior. A margin classifier without
        probabilities (``LinearSVC``) is refused: calibrate it first with
        :class:`~sklearn.calibration.CalibratedClassifierCV`. An explicit
        ``"decision_function"`` is the user's assertion that the softmax of
        the decision function is the posterior; it is then used as is.
        Whatever the source, the four prediction methods derive from one
        array of adjusted log-scores and agree exactly: ``predict`` is the
        argmax of each. A tie in those log-scores as computed (one that
        survives floating-point rounding) goes to the first class in
        ``classes_`` order.""",
    "cost_matrix": """\
    cost_matrix : array-like of shape (n_classes, n_classes) or pandas \
DataFrame, default=None
        ``cost_matrix[i, j]`` is the cost of predicting class ``j`` when the
        true class is ``i`` (rows true, columns predicted, in ``classes_``
        order; a DataFrame is aligned by label on both axes). Finite and
        non-negative; checked at :meth:`fit`. With it, :meth:`predict` is the
        decision of least expected cost under the adjusted posterior,
        ``argmin_j sum_i C[i, j] p_q(i|x)`` (:meth:`predict_proba`), while
        :meth:`predict_proba`, :meth:`predict_log_proba` and
        :meth:`decision_function` stay the adjusted posterior and scores:
        :meth:`predict` is then no longer their argmax. ``None``, or any
        matrix ``a * (1 - I)`` plus a cost per true class, is the argmax, and
        the four methods agree exactly, ties included. The expected cost is
        taken at the deployment prior ``target_priors``, whose default
        ``"auto"`` is then ``"train"``: the costs are weighed at the data's
        class mix, so ``1 - I`` gives the base model's accuracy-optimal
        decisions. Pass ``target_priors="uniform"`` to weigh them at the
        balanced prior (every class as frequent as any other), where ``1 -
        I`` is logit adjustment and a costly rare class is predicted more
        often still.""",
    "balance": """\
    balance : {"weight", "resample"}, imbalanced-learn sampler or \
:class:`~sklearn_la.BalancedBagging`, default="weight"
        How the weights ``pi_y ** -w`` of ``weight_power > 0`` reach the base
        model. ``"weight"`` passes them as ``sample_weight`` (multiplied with
        any given ``sample_weight`` and scaled to keep its total), which needs
        a base whose ``fit`` takes ``sample_weight``. ``"resample"`` fits on
        the data with class ``y`` oversampled to
        ``round(n_y * (max_k pi_k / pi_y) ** w)`` rows (nearest integer,
        halves to even; no class loses rows): every row once, then rows
        drawn with replacement within each class, in the class order, from
        ``random_state``. At ``w = 1`` with training priors and no
        ``sample_weight`` these are the rows of imbalanced-learn's
        ``RandomOverSampler`` with the same seed. With ``sample_weight`` the
        priors are weighted, so the replication rebalances the weighted class
        mass, and each replicated row carries its weight (as do sample-aligned
        fit params); weights that would replicate a class beyond 10 times the
        largest class's row count are refused (use ``"weight"``).
        Resampling suits models whose fit counts rows
        rather than weights (gradient boosting's ``min_samples_leaf``, a
        forest's bootstraps), and works for bases without ``sample_weight``.
        Only training rows are ever resampled, never validation rows.
        An imbalanced-learn sampler (``SMOTE()``, ``ADASYN()``,
        ``RandomUnderSampler()``...) is set to the same family: an
        over-sampler to those counts (``w = 1`` with ``SMOTE(random_state=0)``
        fits exactly ``make_pipeline(SMOTE(random_state=0), estimator)``), an
        under-sampler to ``round(n_y * (min_k pi_k / pi_y) ** w)`` rows (at
        least one); a class with fewer rows than a neighbour-based
        over-sampler needs (``k_neighbors + 1``) is left as it is, where
        imbalanced-learn would refuse the fit, and its own unset
        ``random_state`` is drawn from ``random_state``. The family sets the
        counts: a sampler with its own ``sampling_strategy`` (other than
        ``"auto"``), a cleaning sampler and a combined one (``SMOTEENN``) are
        refused before any fit. A
        :class:`~sklearn_la.BalancedBagging` fits a bag of base models on
        subsets at those counts. Whatever the realisation, the adjustment
        uses the class counts actually produced (``effective_priors_``).""",
    "random_state": """\
    random_state : int, RandomState instance or None, default=None
        Seeds the row draws of ``balance="resample"``, and a sampler or
        :class:`~sklearn_la.BalancedBagging` passed as ``balance`` (a
        sampler's own ``random_state``, when set, is kept; a bag sets each of
        its base models' ``random_state`` from it, as scikit-learn's bagging
        does); pass an int for reproducible fits. Unused otherwise (the base
        model has its own).""",
}


def _calibration_parameter():
    """The ``calibration`` parameter's first lines, from the one list of maps."""
    import textwrap

    from ._calibration import _METHODS

    names = ", ".join(f'"{name}"' for name in _METHODS)
    maps = "; ".join(method.doc for method in _METHODS.values())
    text = (
        "Calibrate the base log-scores ``z`` before adjustment, by a map "
        f"fitted by likelihood on held-out scores: {maps}."
    )
    body = textwrap.fill(text, width=70, break_on_hyphens=False)
    return f"    calibration : {{{names}}} or None, default=None\n" + textwrap.indent(
        body, " " * 8
    )


_PARAMETERS["calibration"] = _calibration_parameter()

_ATTRIBUTES = {
    "fitted_attributes": """\
    classes_ : ndarray of shape (n_classes,)
        Class labels, those of ``estimator_``, in its order.

    priors_ : ndarray of shape (n_classes,)
        Training priors ``pi`` used by the adjustment, in ``classes_`` order.

    effective_priors_ : ndarray of shape (n_classes,)
        The class prior the fitted base model is taken to be trained under:
        as read (see ``priors``), or the class frequencies a sampler or bag
        member actually produced; otherwise the family's ``priors_ ** (1 -
        weight_power_)``, normalised.

    class_counts_ : ndarray of shape (n_classes,)
        Number of training samples per class (unweighted); read by the
        many/medium/few-shot scorers of :mod:`sklearn_la.metrics`.

    target_priors_ : ndarray of shape (n_classes,) or None
        Deployment priors ``q``; ``None`` for ``target_priors="estimate"``.

    cost_matrix_ : ndarray of shape (n_classes, n_classes) or None
        The validated ``cost_matrix`` in ``classes_`` order, as float64.

    calibration_ : object or None
        The fitted calibration map, ``None`` without ``calibration``: a
        frozen record with ``method``, ``temperature``, ``bias`` (per class,
        ``None`` for ``"temperature"``) and ``class_priors`` (the prior EM
        starts from: the class frequencies of the calibration data for a
        temperature, the mean calibrated posterior there for BCTS; ``None``
        for the identity map the CV estimator keeps when it cannot
        calibrate). The base log-scores
        ``z`` become ``z / temperature + bias`` before any adjustment, in
        every prediction method and before EM.

    response_method_ : str
        Base method the scores come from.

    n_features_in_ : int
        Number of features seen during fit, if the base estimator has it.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit, if the base estimator has them.""",
}

# The functional losses of sklearn_la.nn.functional.
_LOSS_PARAMETERS = {
    "loss_input": """\
    input : Tensor of shape (C,), (N, C) or (N, C, d1, ...)
        Logits.
    target : Tensor of class indices
        True classes (``ignore_index`` for entries to skip).""",
    "loss_logits": """\
    input : Tensor of shape (C,), (N, C) or (N, C, d1, ...)
        Logits.""",
    "loss_tail": """\
    ignore_index : int, default=-100
        Target value that is ignored.
    reduction : {"mean", "sum", "none"}, default="mean"
        How to reduce the per-example losses; ``"mean"`` divides by the total
        class weight of the counted targets, as cross-entropy does.

    Returns
    -------
    loss : Tensor
        A scalar, or per-example losses when ``reduction="none"``.""",
}

_SHARED = {**_PARAMETERS, **_ATTRIBUTES, **_LOSS_PARAMETERS}


def _fill_doc(obj):
    """Decorator: replace the ``{name}`` lines of ``__doc__`` with shared text."""
    doc = obj.__doc__
    for name, text in _SHARED.items():
        doc = doc.replace("    {" + name + "}", text)
    obj.__doc__ = doc
    return obj
