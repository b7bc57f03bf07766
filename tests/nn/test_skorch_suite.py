"""skorch's own classifier tests (``skorch/tests/test_classifier.py``) on the net.

Its ``TestNeuralNet`` class runs with ``net_cls`` set to
:class:`~sklearn_la.nn.LogitAdjustedNet` and a module that returns logits, as
the net expects. Where the net differs from skorch's classifier on purpose,
the test is a strict xfail that says why.
"""

import numpy as np
import pytest

pytest.importorskip("torch")
skorch_tests = pytest.importorskip("skorch.tests.test_classifier")

from skorch.tests.conftest import (  # noqa: E402, F401  (fixtures)
    classifier_data,
    seeds_fixed,
)
from skorch.toy import make_classifier  # noqa: E402
from torch import nn  # noqa: E402

from sklearn_la.nn import LogitAdjustedNet  # noqa: E402

_LOGITS = (
    "the net's modules return logits, which CrossEntropyLoss takes as they are; "
    "the test asserts that the module output sums to one, as skorch's "
    "probability-returning modules do"
)
_LABELS = (
    "the net encodes the labels of y, so `classes` holds labels, not the indices "
    "the module predicts; y's labels 0 and 1 are not among classes ['foo', 'bar']"
)
_EMPTY = (
    "skorch's classes=[] restores an AttributeError for classes_; the net needs "
    "its labels (they are what predict returns), so it refuses an empty `classes`"
)
_NO_LABELS = (
    "the net needs labels for priors='train'; a Dataset whose labels skorch cannot "
    "read is refused at fit unless `classes` and `priors` are given (skorch's "
    "message also names the class, NeuralNetClassifier)"
)


class TestSkorchClassifierSuite(skorch_tests.TestNeuralNet):
    @pytest.fixture(scope="module")
    def net_cls(self):
        return LogitAdjustedNet

    @pytest.fixture(scope="module")
    def module_cls(self):
        # skorch's classifier module minus its softmax: the net wants logits.
        return make_classifier(
            input_units=20,
            hidden_units=10,
            num_hidden=2,
            dropout=0.5,
            output_nonlin=nn.Identity(),
        )

    @pytest.mark.xfail(strict=True, reason=_LOGITS)
    def test_takes_no_log_without_nllloss(self, net_cls, module_cls, data):
        super().test_takes_no_log_without_nllloss(net_cls, module_cls, data)

    @pytest.mark.xfail(strict=True, reason=_LABELS)
    def test_pass_classes_explicitly_overrides(self, net_cls, module_cls, data):
        super().test_pass_classes_explicitly_overrides(net_cls, module_cls, data)

    @pytest.mark.xfail(strict=True, reason=_EMPTY)
    @pytest.mark.parametrize("classes", [[], np.array([])])
    def test_pass_empty_classes_raises(self, net_cls, module_cls, data, classes):
        super().test_pass_empty_classes_raises(net_cls, module_cls, data, classes)

    @pytest.mark.xfail(strict=True, reason=_NO_LABELS)
    def test_error_when_classes_could_not_be_inferred(self, net_cls, module_cls, data):
        super().test_error_when_classes_could_not_be_inferred(net_cls, module_cls, data)
