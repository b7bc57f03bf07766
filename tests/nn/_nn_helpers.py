"""Helpers shared by the torch tests (a unique name: tests/nn is on sys.path)."""

import numpy as np

# Small and quick: every net test trains a few epochs on at most ~100 rows.
FAST = dict(max_epochs=3, lr=0.1, batch_size=64, verbose=0, random_state=0)


def long_tailed(counts=(60, 25, 8), n_features=4, seed=0):
    """Gaussian blobs with the given class sizes; labels 0..K-1."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(len(counts)), counts)
    centres = rng.normal(scale=3.0, size=(len(counts), n_features))
    X = centres[y] + rng.normal(size=(len(y), n_features))
    return X, y
