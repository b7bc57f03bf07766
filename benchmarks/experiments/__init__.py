"""Accuracy experiments: what logit adjustment does to held-out balanced accuracy.

- ``synthetic``: the paper's 2-D Gaussian experiment, against Bayes;
- ``tabular``: the tabular long-tail table and its two plots;
- ``neural``: the neural long-tail table (small CNN, default MLP);
- ``family``: class weighting to logit adjustment, one consistent family;
- ``selection``: CV selection rules for (weight_power, tau).

``_models`` holds the base models and resampling peers that ``family`` and
``tabular`` share; ``synthetic_fits`` the synthetic experiment's setting and
affine rules; the ``*_report`` modules the tables and plots of the larger
experiments.
"""
