"""Reading order of the examples gallery (sphinx-gallery sorts by file name)."""

# Post-hoc first (the one-line change), reading its per-class results, then
# tuning it, the family it belongs to (and imbalanced-learn's rebalancing in
# it), the loss, and the paper's synthetic experiment.
ORDER = [
    "plot_posthoc.py",
    "plot_per_class_accuracy.py",
    "plot_cv_tau.py",
    "plot_weight_power.py",
    "plot_imbalanced_learn.py",
    "plot_net.py",
    "plot_synthetic.py",
]


class ExampleOrder:
    """Sort key: the position in ``ORDER``; unlisted examples follow by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        if filename in ORDER:
            return (0, ORDER.index(filename), filename)
        return (1, 0, filename)

    def __repr__(self):
        return f"<{type(self).__name__}>"
