"""The Axes a display draws on; the only place that imports matplotlib."""


def _get_axes(ax, caller, size=None, layout=None):
    """``ax``, or the Axes of a new figure (of ``size`` inches, with the
    matplotlib ``layout`` engine) when it is None.

    matplotlib is imported here, when a plot is drawn, so that it stays an
    optional dependency of the package.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} needs matplotlib; install it with `pip install matplotlib`."
        ) from exc
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout=layout)
    return ax
