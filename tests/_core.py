"""Data and tiny classifiers shared by the post-hoc estimators' tests."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.naive_bayes import GaussianNB


def long_tailed(n_samples=1500, weights=(0.8, 0.15, 0.05), seed=0):
    """A long-tailed classification problem (class 0 is the head)."""
    return make_classification(
        n_samples=n_samples,
        n_classes=len(weights),
        n_informative=4,
        weights=list(weights),
        class_sep=0.8,
        flip_y=0,
        random_state=seed,
    )


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """GaussianNB that remembers the metadata its fit received."""

    def fit(self, X, y, sample_weight=None, extra=None):
        self.sample_weight_ = sample_weight
        self.extra_ = extra
        self.model_ = GaussianNB().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)


class ReorderedClassifier(ClassifierMixin, BaseEstimator):
    """GaussianNB whose ``classes_`` (and probability columns) are not sorted.

    The columns are rotated by one: sorted labels ``[a, b, c]`` become
    ``[c, a, b]``, so the model is the same but its order is not
    ``np.unique(y)``.
    """

    def fit(self, X, y, sample_weight=None):
        self.model_ = GaussianNB().fit(X, y, sample_weight=sample_weight)
        self.order_ = np.roll(np.arange(len(self.model_.classes_)), 1)
        self.classes_ = self.model_.classes_[self.order_]
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)[:, self.order_]

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class BrokenProbaClassifier(ClassifierMixin, BaseEstimator):
    """GaussianNB whose ``predict_proba`` puts ``value`` in every entry of row 0."""

    def __init__(self, value=0.0):
        self.value = value

    def fit(self, X, y, sample_weight=None):
        self.model_ = GaussianNB().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        proba = self.model_.predict_proba(X)
        proba[0] = self.value
        return proba

    def predict(self, X):
        return self.model_.predict(X)


class ContrarianClassifier(RecordingClassifier):
    """A classifier whose ``predict`` is not the argmax of its probabilities.

    Like ``SVC(probability=True)``, whose Platt-scaled probabilities can
    disagree with its decision function.
    """

    def predict(self, X):
        return np.full(len(X), self.classes_[0])
