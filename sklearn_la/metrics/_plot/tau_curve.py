"""Cross-validated score against tau, one curve per weight_power (Display API)."""

from collections.abc import Mapping

import numpy as np
from sklearn.exceptions import NotFittedError

from ._axes import _get_axes

_STD_STYLES = ("fill_between", "errorbar", None)
_NEEDED = ("param_tau", "mean_test_score")


class TauCurveDisplay:
    """Cross-validated score against ``tau``, one curve per ``weight_power``.

    Draws what :class:`~sklearn_la.LogitAdjustedClassifierCV` searched: the
    mean CV score of every ``tau`` (Menon et al., 2021, section 4), with an
    optional band of one standard deviation, and a star on the chosen
    candidate. Create it with :meth:`from_estimator` or
    :meth:`from_cv_results`. Needs matplotlib.

    Parameters
    ----------
    taus : array-like of shape (n_candidates,)
        ``tau`` of each candidate.

    mean_scores : array-like of shape (n_candidates,)
        Mean CV score of each candidate.

    std_scores : array-like of shape (n_candidates,), default=None
        Standard deviation of the CV scores of each candidate.

    weight_powers : array-like of shape (n_candidates,), default=None
        ``weight_power`` of each candidate; one curve per value (labelled
        with it when there are several), one curve when None.

    best_tau, best_weight_power : float, default=None
        The chosen candidate, starred; none when ``best_tau`` is None.

    score_name : str, default="score"
        Name of the score, for the y-axis label.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One curve per ``weight_power``, in increasing order.

    fill_between_ : list of matplotlib PolyCollection or None
        The bands, with ``std_display_style="fill_between"``.

    errorbar_ : list of matplotlib ErrorbarContainer or None
        The error bars, with ``std_display_style="errorbar"``.

    best_marker_ : matplotlib Line2D or None
        The star on the chosen candidate.

    ax_ : matplotlib Axes
        Axes drawn on.

    figure_ : matplotlib Figure
        Figure holding ``ax_``.

    See Also
    --------
    sklearn_la.LogitAdjustedClassifierCV : The search it draws.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn_la import LogitAdjustedClassifierCV
    >>> from sklearn_la.metrics import TauCurveDisplay
    >>> X, y = make_classification(n_samples=1000, n_classes=4, n_informative=4,
    ...                            weights=[0.7, 0.2, 0.07, 0.03], random_state=0)
    >>> search = LogitAdjustedClassifierCV(
    ...     LogisticRegression(), taus=5, weight_powers=[0.0, 0.5],
    ...     balances="weight", cv=3,
    ... ).fit(X, y)
    >>> display = TauCurveDisplay.from_estimator(search)
    >>> len(display.lines_)
    2
    """

    def __init__(
        self,
        *,
        taus,
        mean_scores,
        std_scores=None,
        weight_powers=None,
        best_tau=None,
        best_weight_power=None,
        score_name="score",
    ):
        self.taus = taus
        self.mean_scores = mean_scores
        self.std_scores = std_scores
        self.weight_powers = weight_powers
        self.best_tau = best_tau
        self.best_weight_power = best_weight_power
        self.score_name = score_name

    def plot(self, ax=None, *, std_display_style="fill_between", **kwargs):
        """Draw the mean CV score against ``tau``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        std_display_style : {"fill_between", "errorbar"} or None, \
default="fill_between"
            How to show one standard deviation of the CV scores around each
            mean: a shaded band, error bars, or not at all (None).

        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` (or
            :meth:`~matplotlib.axes.Axes.errorbar`) for every curve.

        Returns
        -------
        display : TauCurveDisplay
            This display, with ``lines_``, ``fill_between_``, ``errorbar_``,
            ``best_marker_``, ``ax_`` and ``figure_`` set.
        """
        if std_display_style not in _STD_STYLES:
            raise ValueError(
                "`std_display_style` must be 'fill_between', 'errorbar' or None; "
                f"got {std_display_style!r}."
            )
        taus, mean, std, powers = self._arrays(std_display_style)
        ax = _get_axes(ax, f"{type(self).__name__}.plot")
        self.lines_ = []
        self.fill_between_ = [] if std_display_style == "fill_between" else None
        self.errorbar_ = [] if std_display_style == "errorbar" else None
        several = np.unique(powers).size > 1
        for power in np.unique(powers):
            rows = np.flatnonzero(powers == power)
            rows = rows[np.argsort(taus[rows], kind="stable")]
            label = f"weight_power={power:g}" if several else "mean CV score"
            self._plot_curve(
                ax,
                taus[rows],
                mean[rows],
                None if std is None else std[rows],
                {"marker": "o", "markersize": 4, "label": label, **kwargs},
            )
        self.best_marker_ = self._plot_best(ax, taus, mean, powers, several)
        ax.set_xlabel("tau")
        ax.set_ylabel(f"mean CV {self.score_name}")
        ax.grid(True, alpha=0.3)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _arrays(self, std_display_style):
        """The candidates' values as 1-D float arrays of one length."""
        taus = np.asarray(self.taus, dtype=float)
        mean = np.asarray(self.mean_scores, dtype=float)
        std = None
        if self.std_scores is not None:
            std = np.asarray(self.std_scores, dtype=float)
        if self.weight_powers is None:
            powers = np.zeros_like(taus)
        else:
            powers = np.asarray(self.weight_powers, dtype=float)
        shapes = [a.shape for a in (taus, mean, std, powers) if a is not None]
        if taus.ndim != 1 or taus.size == 0 or len(set(shapes)) != 1:
            raise ValueError(
                "`taus`, `mean_scores`, `std_scores` and `weight_powers` must be "
                f"non-empty, 1-D and of one length; got shapes {shapes}."
            )
        if std is None and std_display_style is not None:
            raise ValueError(
                f"std_display_style={std_display_style!r} needs `std_scores`; "
                "pass std_display_style=None to draw the means only."
            )
        return taus, mean, std, powers

    def _plot_curve(self, ax, taus, mean, std, line_kwargs):
        if self.errorbar_ is not None:
            container = ax.errorbar(taus, mean, yerr=std, capsize=3, **line_kwargs)
            self.errorbar_.append(container)
            self.lines_.append(container.lines[0])
            return
        (line,) = ax.plot(taus, mean, **line_kwargs)
        self.lines_.append(line)
        if self.fill_between_ is not None:
            band = ax.fill_between(
                taus,
                mean - std,
                mean + std,
                color=line.get_color(),
                alpha=0.2,
                linewidth=0,
            )
            self.fill_between_.append(band)

    def _plot_best(self, ax, taus, mean, powers, several):
        """Star the chosen candidate; None when there is none."""
        if self.best_tau is None:
            return None
        match = np.isclose(taus, self.best_tau)
        if self.best_weight_power is not None and self.weight_powers is not None:
            match &= np.isclose(powers, self.best_weight_power)
        if np.count_nonzero(match) != 1:
            raise ValueError(
                f"The chosen candidate (best_tau={self.best_tau!r}, "
                f"best_weight_power={self.best_weight_power!r}) matches "
                f"{np.count_nonzero(match)} candidates; expected exactly one."
            )
        i = np.flatnonzero(match)[0]
        label = f"chosen: tau={taus[i]:g}"
        if several:
            label += f", weight_power={powers[i]:g}"
        (marker,) = ax.plot(
            [taus[i]],
            [mean[i]],
            linestyle="none",
            marker="*",
            markersize=14,
            color="black",
            label=label,
            zorder=3,
        )
        return marker

    @classmethod
    def from_estimator(
        cls, estimator, *, std_display_style="fill_between", ax=None, **kwargs
    ):
        """Plot the search of a fitted :class:`~sklearn_la.LogitAdjustedClassifierCV`.

        Reads its ``cv_results_`` (``param_tau``, ``param_weight_power``,
        ``mean_test_score``, ``std_test_score``), ``best_tau_``,
        ``best_weight_power_`` and, for the axis label, ``scoring_name_``. When both
        balances were searched, the curves are those of ``best_balance_``
        (and ``weight_power=0``, common to both). After a race
        (``search="race"``) the curves are those of the members that ran the
        most splits (its finalists): the others' means come from fewer
        splits and do not compare with theirs.

        Parameters
        ----------
        estimator : LogitAdjustedClassifierCV
            Fitted search (``refit=False`` will do).

        std_display_style : {"fill_between", "errorbar"} or None, \
default="fill_between"
            How to show one standard deviation; see :meth:`plot`.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : TauCurveDisplay
            The drawn display.
        """
        from ... import LogitAdjustedClassifierCV

        if not isinstance(estimator, LogitAdjustedClassifierCV):
            raise TypeError(
                f"{cls.__name__}.from_estimator needs a fitted "
                f"LogitAdjustedClassifierCV; got {type(estimator).__name__}. For "
                f"another search use {cls.__name__}.from_cv_results."
            )
        if not hasattr(estimator, "cv_results_"):
            raise NotFittedError(
                "This LogitAdjustedClassifierCV instance is not fitted yet; call "
                f"'fit' before {cls.__name__}.from_estimator."
            )
        results = estimator.cv_results_
        if "n_splits" in results:
            finalists = results["n_splits"] == np.max(results["n_splits"])
            results = {
                key: np.asarray(value, dtype=object)[finalists]
                if key == "params"
                else np.asarray(value)[finalists]
                for key, value in results.items()
            }
        return cls.from_cv_results(
            results,
            best_tau=estimator.best_tau_,
            best_weight_power=estimator.best_weight_power_,
            balance=estimator.best_balance_,
            score_name=estimator.scoring_name_,
            std_display_style=std_display_style,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def from_cv_results(
        cls,
        cv_results,
        *,
        best_tau=None,
        best_weight_power=None,
        balance=None,
        score_name="score",
        std_display_style="fill_between",
        ax=None,
        **kwargs,
    ):
        """Plot a search's ``cv_results_`` against ``tau``.

        Parameters
        ----------
        cv_results : dict of ndarrays
            ``cv_results_`` of a search over ``tau`` (``GridSearchCV`` of a
            :class:`~sklearn_la.LogitAdjustedClassifier` will do):
            ``param_tau`` and ``mean_test_score`` are needed,
            ``std_test_score`` for the band, ``param_weight_power`` for one
            curve per value.

        best_tau, best_weight_power : float, default=None
            The chosen candidate, starred; none when ``best_tau`` is None.

        balance : {"weight", "resample"}, default=None
            With a ``param_balance`` entry holding both, the balance whose
            curves are drawn (with ``weight_power=0``, common to both);
            None means ``"weight"``.

        score_name : str, default="score"
            Name of the score, for the y-axis label.

        std_display_style : {"fill_between", "errorbar"} or None, \
default="fill_between"
            How to show one standard deviation; see :meth:`plot`.

        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.

        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : TauCurveDisplay
        """
        if not isinstance(cv_results, Mapping):
            raise TypeError(
                "`cv_results` must be a dict such as a search's `cv_results_`; got "
                f"{type(cv_results).__name__}."
            )
        if missing := [k for k in _NEEDED if k not in cv_results]:
            raise ValueError(
                f"`cv_results` has no {missing!r}; expected the `cv_results_` of a "
                "search over `tau`."
            )
        cv_results = _one_balance(cv_results, balance)
        display = cls(
            taus=cv_results["param_tau"],
            mean_scores=cv_results["mean_test_score"],
            std_scores=cv_results.get("std_test_score"),
            weight_powers=cv_results.get("param_weight_power"),
            best_tau=best_tau,
            best_weight_power=best_weight_power,
            score_name=score_name,
        )
        return display.plot(ax=ax, std_display_style=std_display_style, **kwargs)


def _one_balance(cv_results, balance):
    """The candidates of one balance (and ``weight_power=0``): one curve per
    weight power needs one member per weight power."""
    balances = cv_results.get("param_balance")
    if balances is None or len(set(balances)) < 2:
        return cv_results
    balances = np.asarray(balances, dtype=object)
    keep = balances == (balance or "weight")
    if "param_weight_power" in cv_results:
        keep |= np.asarray(cv_results["param_weight_power"], dtype=float) == 0
    return {
        k: np.asarray(v)[keep]
        for k, v in cv_results.items()
        if k in _NEEDED or k in ("std_test_score", "param_weight_power")
    }
