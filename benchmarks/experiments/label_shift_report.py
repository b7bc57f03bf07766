"""The label-shift experiment's page: the two shift tables and the cost table."""

from __future__ import annotations

import numpy as np

from _common.render import table

SHIFT_METHODS = (
    "none",
    "LA uniform",
    "EM",
    "EM+T",
    "EM+BCTS",
    "QuaPy EMQ",
    "QuaPy EMQ-BCTS",
    "oracle",
)
COST_METHODS = (
    "argmax",
    "class weight",
    "OvR thresholds",
    "cost rule",
    "cost rule, CV",
    "cost rule, CV+BCTS",
)
FASHION_N_MAX = 1500
FASHION_TEST_PER_CLASS = 300


def body(shift_rows, cost_rows, config, total, failed, skipped):
    """The page: both shift tables with the target check, and the cost table.

    ``failed`` maps a data set to the reason QuaPy's BCTS failed there,
    ``skipped`` one to the methods whose CV estimator left its scores
    uncalibrated there.
    """
    cells = []
    for name, setting, res in shift_rows:
        cells.append([name, setting, *(f"{res[m][0]:.3f}" for m in SHIFT_METHODS[:-1])])
    acc_cells = [[name, setting, *(f"{100 * res[m][1]:.1f}" for m in SHIFT_METHODS)]
                 for name, setting, res in shift_rows]  # fmt: skip

    def mean_of(m, i):
        return np.mean([res[m][i] for _, _, res in shift_rows])

    cells.append(
        ["**mean**", "", *(f"{mean_of(m, 0):.3f}" for m in SHIFT_METHODS[:-1])]
    )
    acc_cells.append(
        ["**mean**", "", *(f"{100 * mean_of(m, 1):.1f}" for m in SHIFT_METHODS)]
    )
    checks = []
    for name, setting, res in shift_rows:
        ours, theirs = res["EM+BCTS"], res["QuaPy EMQ-BCTS"]
        if ours[0] > theirs[0] + 1e-4 or ours[1] < theirs[1] - 1e-4:
            (d_err, se_err), (d_acc, se_acc) = res["paired"]
            checks.append(
                f"{name} {setting}: EM+BCTS error {ours[0]:.4f} / accuracy "
                f"{100 * ours[1]:.2f}% vs QuaPy EMQ-BCTS {theirs[0]:.4f} / "
                f"{100 * theirs[1]:.2f}% (paired difference over the draws: error "
                f"{d_err:+.4f} ± {se_err:.4f}, accuracy {100 * d_acc:+.2f} ± "
                f"{100 * se_acc:.2f} points, ± one standard error)"
            )
    cost_cells = [
        [name, n_rare, *(f"{costs[m]:.3f}" for m in COST_METHODS)]
        for name, n_rare, costs in cost_rows
    ]
    cost_cells.append(
        ["**mean**", "",
         *(f"{np.mean([c[m] for _, _, c in cost_rows]):.3f}" for m in COST_METHODS)]
    )  # fmt: skip
    lines = [
        f"Base model: `StandardScaler` + `LogisticRegression(max_iter=1000)`. "
        f"{config.draws} test sets of {config.draw_size} rows per setting, drawn "
        "with replacement from the held-out pool. Fashion-MNIST-LT is subsampled "
        f"(head class {FASHION_N_MAX} images, imbalance ratio 100; pool "
        f"{FASHION_TEST_PER_CLASS} test images per class) to fit the time budget. "
        f"Total {total / 60:.1f} min, single-threaded.",
        "",
        "## Estimating the shifted prior",
        "",
        "Mean absolute error of the estimated prior `q` (lower is better), mean "
        "over draws; `none` uses the training prior, `LA uniform` the uniform one.",
        "",
        table(["data set", "shift", *SHIFT_METHODS[:-1]], cells),
        "",
        "## Accuracy at the shifted prior",
        "",
        "Accuracy (%) of the decision at each method's estimate (higher is "
        "better); `oracle` uses the true prior of the draw.",
        "",
        table(["data set", "shift", *SHIFT_METHODS], acc_cells),
        "",
        "Target: EM+BCTS no worse than QuaPy EMQ-BCTS on error and accuracy in "
        "every row. "
        + (
            "Met in every row."
            if not checks
            else "Missed in: " + "; ".join(checks) + "."
        ),
        "",
        f"EM+BCTS against uncalibrated EM, mean over the rows: error "
        f"{mean_of('EM+BCTS', 0):.4f} vs {mean_of('EM', 0):.4f}, accuracy "
        f"{100 * mean_of('EM+BCTS', 1):.2f}% vs {100 * mean_of('EM', 1):.2f}%.",
        "",
        *(
            f"{' and '.join(methods)} on {name}: a class there has a single "
            "training row, so no out-of-fold score of it comes from a model that "
            "saw it; the CV estimator left the scores uncalibrated (with a "
            "warning), so these columns equal their uncalibrated counterparts "
            "(EM; cost rule, CV) there.\n"
            for name, methods in skipped.items()
        ),
        *(
            f"QuaPy EMQ-BCTS on {name}: its calibration failed at fit ({why}); it "
            "fell back to uncalibrated EMQ (`on_calib_error='backup'`).\n"
            for name, why in failed.items()
        ),
        "## Cost-sensitive decisions",
        "",
        "Mean cost (lower is better) on "
        f"{config.cost_size} held-out rows drawn at the training prior; missing "
        "one of the `rare` rarest classes costs 10, any other error 1.",
        "",
        table(["data set", "rare", *COST_METHODS], cost_cells),
    ]
    return "\n".join(lines) + "\n"
