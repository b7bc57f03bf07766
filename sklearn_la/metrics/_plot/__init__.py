"""Plots of long-tail results, in scikit-learn's Display API.

Each ``XxxDisplay`` holds computed values; ``plot(ax=None, ...)`` draws them
and sets ``ax_``, ``figure_`` and the artists; the ``from_*`` class methods
compute the values and plot. Passing one display's ``ax_`` as ``ax`` of the
next overlays models on one Axes, as with
:class:`~sklearn.metrics.RocCurveDisplay`. matplotlib is imported inside
``plot`` only, so it stays an optional dependency.
"""

from .per_class_accuracy import PerClassAccuracyDisplay, plot_per_class_accuracy
from .tau_curve import TauCurveDisplay

__all__ = ["PerClassAccuracyDisplay", "TauCurveDisplay", "plot_per_class_accuracy"]
