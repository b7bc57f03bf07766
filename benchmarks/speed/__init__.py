"""Speed and memory benchmarks: what sklearn-la costs next to doing without.

- ``posthoc``: ``LogitAdjustedClassifier`` prediction against the wrapped
  model's own (time and peak memory);
- ``tuning``: ``LogitAdjustedClassifierCV`` against ``GridSearchCV`` over tau;
- ``losses``: ``LogitAdjustedLoss`` against ``nn.CrossEntropyLoss``, and
  ``LogitAdjustedNet.fit`` against skorch's ``NeuralNetClassifier.fit``.
"""
