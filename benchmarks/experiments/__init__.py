"""Accuracy experiments: what logit adjustment does to held-out balanced accuracy.

One module per benchmark, each with its page:

- ``synthetic``: the paper's 2-D Gaussian experiment, against Bayes;
- ``tabular``: the tabular long-tail table and its two plots;
- ``neural``: the neural long-tail table (small CNN, default MLP);
- ``family``: the consistent family, by weights and by resampling, against
  every peer, and the selection study;
- ``label_shift``: prior estimation under label shift, cost-sensitive
  decisions.

``_models`` holds the base models and resampling peers that ``family`` and
``tabular`` share.
"""
