"""The ``sklearn-la`` command: logit adjustment against its baselines on one data set.

``python -m sklearn_la`` (or ``sklearn-la``) makes scikit-learn's digits
long-tailed (imbalance ratio 100, exponential profile) for training, keeps a
balanced test split, and prints a markdown table of balanced accuracy and
many/medium/few-shot accuracy for three base models, each plain (ERM),
wrapped in :class:`~sklearn_la.LogitAdjustedClassifier` (``tau=1``; with
``--cv``, :class:`~sklearn_la.LogitAdjustedClassifierCV`, which picks the
family member and ``tau``) and trained with ``class_weight="balanced"``.
``--data FILE.csv --target COLUMN`` runs the same comparison on a CSV file
(reading it is :mod:`sklearn_la._cli_data`'s job). Every failure is one line
on stderr and a non-zero exit status, never a traceback.
"""

import argparse
import csv
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from ._cli_data import (
    MAX_CATEGORIES,
    CLIError,
    csv_split,
    digits_split,
    parse_separator,
)
from ._cli_models import GROUPS, MODELS, base_models, fit_predict, methods, save, score

PROG = "sklearn-la"
_DEFAULT_SEED = 0
_DEFAULT_RATIO = 100.0
_DEFAULT_TEST_SIZE = 0.5
# Digits-LT100 has at most ~90 training images per class and tail classes of
# 1 to 4, so the literature's 100/20 split would call every class few-shot.
# With these thresholds the default run's class sizes split 3 many (87, 52, 31)
# / 3 medium (18, 11, 6) / 4 few (4, 2, 1, 1).
_DEFAULT_MANY = 20.0
_DEFAULT_FEW = 5.0
_OUTPUT_SUFFIXES = (".csv", ".json")
# The family member and adjustment of a logit-adjusted model, read from its
# fitted ``<name>_`` attributes (both post-hoc estimators have them).
_CHOSEN = ("weight_power", "balance", "tau")


class _Parser(argparse.ArgumentParser):
    """Argument parser whose errors are one line (no usage block) and returned."""

    def error(self, message):
        raise CLIError(f"{message} (see {self.prog} --help)")


def _build_parser():
    parser = _Parser(
        prog=PROG,
        description=(
            "Compare post-hoc logit adjustment (LogitAdjustedClassifier, tau=1) "
            "with the plain model and with class_weight='balanced' on a "
            "long-tailed problem; prints a markdown table of balanced accuracy "
            "and many/medium/few-shot accuracy, and progress on stderr. Without "
            "--data: scikit-learn's digits, training split made long-tailed, "
            "balanced test split."
        ),
        epilog=(
            "Columns of a CSV file left out of the features: empty ones; "
            "identifiers, i.e. columns holding a different whole number or text "
            "in every row (row numbers, the index DataFrame.to_csv() writes, "
            "keys, codes; decimal numbers never count); text columns with more "
            f"than {MAX_CATEGORIES} distinct values. The run lists the columns it "
            "dropped and the features it used; --keep and --drop override."
        ),
    )
    data = parser.add_argument_group("a CSV file instead of the digits demo")
    data.add_argument("--data", metavar="FILE.csv", help="CSV file with a header row")
    data.add_argument("--target", metavar="COLUMN", help="column of class labels")
    data.add_argument(
        "--keep",
        nargs="+",
        action="extend",
        default=[],
        metavar="COLUMN",
        help="use these columns as features even where the rules below leave them out",
    )
    data.add_argument(
        "--drop",
        nargs="+",
        action="extend",
        default=[],
        metavar="COLUMN",
        help="leave these columns out (identifiers the rule cannot see, columns "
        "that give the label away)",
    )
    data.add_argument(
        "--sep",
        type=parse_separator,
        help="column separator: one character, 'tab' or 'whitespace' "
        "(default: detected among , ; tab |)",
    )
    data.add_argument(
        "--test-size",
        type=float,
        metavar="FRACTION",
        help="fraction of the rows in the stratified test split, which keeps the "
        f"file's class imbalance (default: {_DEFAULT_TEST_SIZE:g})",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=_DEFAULT_SEED,
        help=f"seed of the splits and models (default: {_DEFAULT_SEED})",
    )
    parser.add_argument(
        "--ratio",
        type=float,
        help="imbalance ratio of the long-tailed digits training split, >= 1 "
        f"(default: {_DEFAULT_RATIO:g}); not used with --data",
    )
    parser.add_argument(
        "--many-threshold",
        type=float,
        default=_DEFAULT_MANY,
        help="classes with more training samples are many-shot "
        f"(default: {_DEFAULT_MANY:g})",
    )
    parser.add_argument(
        "--few-threshold",
        type=float,
        default=_DEFAULT_FEW,
        help="classes with fewer training samples are few-shot "
        f"(default: {_DEFAULT_FEW:g})",
    )
    _add_run_options(parser)
    return parser


def _add_run_options(parser):
    run = parser.add_argument_group("what to run and keep")
    run.add_argument(
        "--models",
        nargs="+",
        metavar="NAME",
        default=list(MODELS),
        help=f"base models to run, among {', '.join(MODELS)} (default: all)",
    )
    run.add_argument(
        "--cv",
        type=int,
        nargs="?",
        const=5,
        metavar="FOLDS",
        help="instead of tau=1, let LogitAdjustedClassifierCV (its default search, "
        "FOLDS-fold stratified cross-validation, 5 unless given) choose the family "
        "member (weight_power and balance: class weights or resampling) and tau; "
        "the table names what it chose",
    )
    run.add_argument(
        "--output",
        metavar="FILE",
        help="also write the results table to FILE.csv or FILE.json",
    )
    run.add_argument(
        "--save",
        metavar="DIR",
        help="save each fitted model to DIR/<model>-<method>.skops (needs skops)",
    )
    run.add_argument(
        "-q", "--quiet", action="store_true", help="no progress lines on stderr"
    )


def _check_options(args):
    """Refuse contradictory or out-of-range options, before anything runs."""
    if (args.data is None) != (args.target is None):
        raise CLIError("--data and --target go together: give both or neither.")
    if args.data is None:
        for name in ("sep", "test_size", "keep", "drop"):
            if getattr(args, name) not in (None, []):
                option = "--" + name.replace("_", "-")
                raise CLIError(f"{option} applies to --data only.")
    elif args.ratio is not None:
        raise CLIError(
            "--ratio applies to the built-in digits demo only; with --data the "
            "training split is used as-is."
        )
    ratio = _DEFAULT_RATIO if args.ratio is None else args.ratio
    if not (math.isfinite(ratio) and ratio >= 1):
        raise CLIError(f"--ratio must be a finite number >= 1; got {args.ratio!r}.")
    test_size = _DEFAULT_TEST_SIZE if args.test_size is None else args.test_size
    if not 0 < test_size < 1:
        raise CLIError(f"--test-size must be between 0 and 1; got {test_size!r}.")
    if not 0 <= args.seed < 2**32:
        raise CLIError(f"--seed must be between 0 and 2**32 - 1; got {args.seed}.")
    thresholds = (args.many_threshold, args.few_threshold)
    if not all(math.isfinite(t) and t >= 0 for t in thresholds):
        raise CLIError(
            "--many-threshold and --few-threshold must be finite numbers >= 0 "
            f"(training samples per class); got {args.many_threshold:g} and "
            f"{args.few_threshold:g}."
        )
    if not args.few_threshold <= args.many_threshold:
        raise CLIError(
            f"--few-threshold ({args.few_threshold:g}) must not exceed "
            f"--many-threshold ({args.many_threshold:g})."
        )
    if args.cv is not None and args.cv < 2:
        raise CLIError(f"--cv needs at least 2 folds; got {args.cv}.")
    return ratio, test_size, _model_keys(args.models)


def _model_keys(names):
    keys = [key for name in names for key in name.split(",") if key]
    unknown = [key for key in keys if key not in MODELS]
    if unknown or not keys:
        raise CLIError(
            f"--models: unknown model(s) {unknown!r}; choose among {list(MODELS)!r}."
        )
    return list(dict.fromkeys(keys))


def _check_destinations(output, save):
    """Fail before the fits, not after them, when results cannot be written."""
    if output is not None:
        path = Path(output)
        if path.is_dir() or not path.parent.is_dir():
            raise CLIError(
                f"--output: cannot write {output!r}: it is a directory or its "
                "folder does not exist."
            )
        if path.suffix.lower() not in _OUTPUT_SUFFIXES:
            raise CLIError(
                f"--output: {output!r} must end in .csv or .json (the format)."
            )
    if save is not None:
        try:
            import skops.io  # noqa: F401
        except ImportError as exc:
            raise CLIError(
                "--save needs skops; install it with `pip install skops` or "
                "`pip install 'sklearn-la[cli]'`."
            ) from exc
        try:
            Path(save).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CLIError(f"--save: cannot create folder {save!r}: {exc}") from exc


def _print_header(split, seed, class_counts, many, few):
    classes, counts = list(class_counts), np.array(list(class_counts.values()))
    test_counts = np.unique(split.y_test, return_counts=True)[1]
    print(f"{PROG} {split.description}; seed {seed}")
    for note in split.notes:
        print(f"note: {note}")
    if split.is_table:
        _print_features(split)
    print(
        f"training: {counts.sum()} samples, per class "
        + ", ".join(f"{c}: {n}" for c, n in zip(classes, counts.tolist(), strict=True))
    )
    if np.all(test_counts == test_counts[0]):
        print(f"test: {test_counts.sum()} samples, {test_counts[0]} per class")
    else:
        print(
            f"test: {test_counts.sum()} samples, {test_counts.min()} to "
            f"{test_counts.max()} per class"
        )
    n_many, n_few = np.sum(counts > many), np.sum(counts < few)
    n_classes = "class" if n_many == 1 else "classes"
    print(
        f"groups by training samples per class: many > {many:g} ({n_many} "
        f"{n_classes}), medium {few:g} to {many:g} ({len(counts) - n_many - n_few}), "
        f"few < {few:g} ({n_few}); group accuracy is the mean per-class accuracy"
    )
    if split.is_table:
        print(
            "metrics: the test split keeps the file's class imbalance; balanced "
            "accuracy answers 'how good on data where every class is equally "
            "common' (the paper's question), accuracy answers 'how good on new "
            "data with this file's imbalance'"
        )
    print()


def _print_features(split):
    names = list(split.X_train.columns)
    print(f"features ({len(names)}): {', '.join(names)}")
    if split.categorical:
        print(f"one-hot encoded (text categories): {', '.join(split.categorical)}")
    numeric = [name for name in split.missing if name in split.numeric]
    if numeric:
        print(
            f"missing values in {', '.join(numeric)}: logistic regression imputes "
            "them (median, SimpleImputer); random forest and gradient boosting use "
            "them as they are"
        )
    text = [name for name in split.missing if name in split.categorical]
    if text:
        print(f"missing values in {', '.join(text)}: a category of their own")


def _chosen_text(chosen):
    """What the CV chose, by the parameter names of LogitAdjustedClassifier."""
    return (
        f"weight_power={chosen['weight_power']:.3g}, "
        f"balance={chosen['balance']}, tau={chosen['tau']:.3g}"
    )


def _cell(value):
    return "n/a" if value is None or np.isnan(value) else f"{value:.3f}"


def _run(split, keys, args, many, few, progress):
    """Fit every model and method, printing each row as it finishes."""
    classes, counts = np.unique(split.y_train, return_counts=True)
    class_counts = dict(zip(classes.tolist(), counts.tolist(), strict=True))
    _print_header(split, args.seed, class_counts, many, few)
    columns = ["balanced accuracy", *GROUPS] + (["accuracy"] if split.is_table else [])
    print(f"| base model | method | {' | '.join(columns)} |")
    print("|---" * (len(columns) + 2) + "|", flush=True)
    rows, start = [], time.perf_counter()
    jobs = [
        (key, name, method)
        for key, name, base in base_models(args.seed, split, keys)
        for method in methods(base, args.cv, args.seed)
    ]
    for number, (key, name, (method_key, method, model)) in enumerate(jobs, 1):
        progress(f"[{number}/{len(jobs)}] {name}, {method} ...", end="")
        begin = time.perf_counter()
        try:
            y_pred, caught = fit_predict(model, split, f"{name}, {method}")
        except BaseException:
            # Ends the progress line, so that the error gets a line of its own.
            progress(" failed", prefix=False)
            raise
        seconds = time.perf_counter() - begin
        total = time.perf_counter() - start
        progress(f" {seconds:.1f} s ({total:.1f} s in all)", prefix=False)
        for message in caught:
            progress(f"warning: {name}, {method}: {message}")
        chosen = {key: getattr(model, f"{key}_", None) for key in _CHOSEN}
        if args.cv is not None and chosen["tau"] is not None:
            method = f"logit-adjusted (CV: {_chosen_text(chosen)})"
        scores = score(split, y_pred, class_counts, many, few)
        cells = " | ".join(_cell(scores[column]) for column in columns)
        print(f"| {name} | {method} | {cells} |", flush=True)
        rows.append(
            {"base_model": name, "method": method, **scores, **chosen}
            | {"seconds": seconds}
        )
        if args.save is not None:
            save(model, Path(args.save) / f"{key}-{method_key}.skops")
    return rows


def _write_results(path, rows):
    """The results table as CSV or JSON (by extension); nan becomes empty/null."""
    records = [
        {
            key.replace(" ", "_"): None
            if isinstance(value, float) and math.isnan(value)
            else value
            for key, value in row.items()
        }
        for row in rows
    ]
    try:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            if Path(path).suffix.lower() == ".json":
                json.dump(records, handle, indent=2)
                handle.write("\n")
            else:
                writer = csv.DictWriter(handle, fieldnames=list(records[0]))
                writer.writeheader()
                writer.writerows(records)
    except OSError as exc:
        raise CLIError(f"--output: cannot write {path!r}: {exc}", status=1) from exc


def _main(argv):
    args = _build_parser().parse_args(argv)
    ratio, test_size, keys = _check_options(args)
    _check_destinations(args.output, args.save)

    def progress(text, end="\n", prefix=True):
        if not args.quiet:
            head = f"{PROG}: " if prefix else ""
            print(head + text, end=end, file=sys.stderr, flush=True)

    if args.data is None:
        split = digits_split(args.seed, ratio)
    else:
        split = csv_split(
            args.data,
            args.target,
            sep=args.sep,
            test_size=test_size,
            seed=args.seed,
            keep=args.keep,
            drop=args.drop,
        )
    rows = _run(split, keys, args, args.many_threshold, args.few_threshold, progress)
    if args.output is not None:
        _write_results(args.output, rows)
        progress(f"results written to {args.output}")
    if args.save is not None:
        progress(f"{len(rows)} fitted model(s) saved in {args.save} (skops)")
    return 0


def main(argv=None):
    """Run the command; ``argv`` defaults to the command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; ``[]`` runs the digits demo.

    Returns
    -------
    status : int
        0 on success; 2 for bad options or data, 1 for a failure while running,
        each with one line on stderr. ``--help`` exits with status 0.
    """
    try:
        return _main(argv)
    except CLIError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a command prints no traceback
        message = " ".join(f"{type(exc).__name__}: {exc}".split())
        print(
            f"{PROG}: error: unexpected {message} (please report it)", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
