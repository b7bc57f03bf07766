"""Speed and memory benchmarks: what sklearn-la costs next to doing without.

- ``posthoc``: ``LogitAdjustedClassifier`` prediction against the wrapped
  model's own (time and peak memory);
- ``tuning``: ``LogitAdjustedClassifierCV`` against ``GridSearchCV`` over tau;
- ``scale``: tuning memory at 200,000 rows, many taus, the wrapper and EM at
  K = 1000 classes;
- ``losses``: ``LogitAdjustedLoss`` against ``nn.CrossEntropyLoss``, and
  ``LogitAdjustedNet.fit`` against skorch's ``NeuralNetClassifier.fit``.

Their paired timings and peak memory come from :mod:`_common.timing`.
"""
