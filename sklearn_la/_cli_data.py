"""Data of the ``sklearn-la`` command: the digits demo and users' CSV files.

Kept apart from :mod:`sklearn_la._cli` because reading real files is most of
the work: separators, encodings, duplicated column names, identifier columns
(row numbers, the index ``DataFrame.to_csv()`` writes, codes), decimal
commas, missing labels and classes with a single row. Every problem is raised
as :class:`CLIError`, whose message is the one line the command prints; every
change to the data (a dropped column, a converted one) is returned as a note
to print.
"""

import csv
import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.utils.multiclass import type_of_target

from .datasets import make_long_tailed

# A text column with more distinct values than this is an identifier, free text
# or a date; one-hot encoding it would add noise columns, not information.
MAX_CATEGORIES = 50
# Separators tried when --sep is not given, most common first.
_SEPARATORS = ",;\t|"
_SEP_NAMES = {"tab": "\t", "\\t": "\t", "whitespace": r"\s+"}
# Enough lines for the sniffer to see a consistent separator.
_SAMPLE_BYTES = 64 * 1024
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,\d*|\d*,\d+|\d+)$")


class CLIError(Exception):
    """A problem with the user's input or options: one line, no traceback.

    ``status`` is the exit status: 2 for bad options or data (as argparse),
    1 for a failure while running.
    """

    def __init__(self, message, status=2):
        super().__init__(" ".join(str(message).split()))
        self.status = status


@dataclass
class Split:
    """A train/test split with what the command prints about it.

    ``description`` follows the program name on the first line of the output:
    ``"demo: digits, ..."`` for the built-in demo, ``"on FILE, ..."`` for a
    user's file.
    """

    description: str
    X_train: object
    X_test: object
    y_train: np.ndarray
    y_test: np.ndarray
    notes: list = field(default_factory=list)
    numeric: list = field(default_factory=list)
    categorical: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def is_table(self):
        """Whether the features are a named table (a CSV) rather than digits."""
        return bool(self.numeric or self.categorical)


def digits_split(seed, ratio):
    """Digits, half for training made long-tailed, half for testing made balanced."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=seed
    )
    X_train, y_train = make_long_tailed(X_train, y_train, ratio, random_state=seed)
    # Ratio 1 subsamples every class to the smallest class size: a balanced
    # test set, on which balanced accuracy is plain accuracy, as in the paper.
    X_test, y_test = make_long_tailed(X_test, y_test, 1.0, random_state=seed)
    description = (
        f"demo: digits, training split long-tailed (exponential profile, imbalance "
        f"ratio {ratio:g}), test split balanced"
    )
    return Split(description, X_train, X_test, y_train, y_test)


def parse_separator(value):
    """The separator pandas reads for ``--sep`` (``tab``, ``\\t`` and
    ``whitespace`` spelled out)."""
    sep = _SEP_NAMES.get(value, value)
    if sep == "" or (len(sep) != 1 and sep != r"\s+"):
        raise CLIError(
            f"--sep: expected one character, 'tab' or 'whitespace'; got {value!r}."
        )
    return sep


def _read_sample(path):
    """The file's first bytes as text, and its encoding (UTF-8, else Latin-1)."""
    if not path.exists():
        raise CLIError(f"--data: file not found: {str(path)!r}")
    if path.is_dir():
        raise CLIError(f"--data: {str(path)!r} is a directory, not a CSV file.")
    try:
        with path.open("rb") as handle:
            raw = handle.read(_SAMPLE_BYTES)
    except OSError as exc:
        raise CLIError(f"--data: cannot read {str(path)!r}: {exc.strerror}") from exc
    if not raw.strip():
        raise CLIError(f"--data: {str(path)!r} is empty.")
    if b"\0" in raw:
        raise CLIError(
            f"--data: {str(path)!r} is not a text file (a spreadsheet?); save it "
            "as CSV first."
        )
    # A multi-byte character may be cut at the end of the sample.
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return raw.decode(encoding, errors="strict"), encoding
        except UnicodeDecodeError as exc:
            if exc.start >= len(raw) - 3 and encoding == "utf-8-sig":
                return raw[: exc.start].decode(encoding), encoding
    raise AssertionError("Latin-1 decodes any bytes")


def _detect_separator(sample):
    lines = "\n".join(sample.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(lines, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        return ","


def read_csv(path, sep=None):
    """The CSV as a frame, and notes on how it was read."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise CLIError(
            "--data needs pandas; install it with `pip install 'sklearn-la[cli]'`."
        ) from exc
    path = Path(path)
    sample, encoding = _read_sample(path)
    notes = []
    if encoding == "latin-1":
        notes.append("the file is not UTF-8: read it as Latin-1")
    if sep is None:
        sep = _detect_separator(sample)
        if sep != ",":
            notes.append(f"separator {sep!r} (detected; set it with --sep)")
    try:
        frame = pd.read_csv(
            path,
            sep=sep,
            encoding=encoding,
            skipinitialspace=True,
            engine="python" if len(sep) > 1 else "c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise CLIError(f"--data: cannot read {str(path)!r} as CSV: {exc}") from exc
    _check_unique_names(_header_names(sample, sep), path)
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame, sep, notes


def _header_names(sample, sep):
    """The column names of the file's header row, as written (stripped).

    Read here rather than from pandas, which renames a second ``y`` to
    ``y.1``: a copy of the label would then pass for a feature.
    """
    lines = (line for line in sample.splitlines() if line.strip())
    if sep == r"\s+":
        return next(lines, "").split()
    reader = csv.reader(io.StringIO(sample), delimiter=sep, skipinitialspace=True)
    for row in reader:
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    return []


def _check_unique_names(names, path):
    """Refuse a header that names two columns alike (empty names aside)."""
    counts = Counter(name for name in names if name)
    repeated = [name for name, count in counts.items() if count > 1]
    if repeated:
        where = "; ".join(
            f"{name!r} (columns "
            + ", ".join(str(i) for i, other in enumerate(names, 1) if other == name)
            + ")"
            for name in repeated
        )
        raise CLIError(
            f"--data: the header of {str(path)!r} repeats column name(s) {where}; "
            "every column needs a name of its own (pandas would rename the copies "
            "'NAME.1' and use them as features). Rename or remove the copies."
        )


def _check_target_column(frame, target, path, sep):
    if target in frame.columns:
        return
    columns = list(frame.columns)
    hint = ""
    close = difflib.get_close_matches(target, columns, n=1)
    if close:
        hint = f" Did you mean {close[0]!r}?"
    elif len(columns) == 1:
        hint = (
            f" The file read as a single column with separator {sep!r}; give the "
            "right one with --sep (e.g. --sep ';', --sep tab, --sep whitespace)."
        )
    raise CLIError(
        f"--target: column {target!r} not found in {str(path)!r}; its columns are "
        f"{_shorten(columns)}.{hint}"
    )


def _shorten(names, most=20, width=40):
    """A list of column names short enough for one line of an error message."""
    shown = [name if len(name) <= width else name[:width] + "..." for name in names]
    more = f" and {len(names) - most} more" if len(names) > most else ""
    return f"{shown[:most]!r}{more}"


def _target(frame, target):
    """Labels of the rows that have one, and the notes about dropped rows."""
    if frame.shape[0] == 0:
        raise CLIError("--data: the file has a header but no data rows.")
    labels = frame[target]
    notes = []
    unlabelled = labels.isna()
    if unlabelled.all():
        raise CLIError(f"--target: column {target!r} is empty.")
    if unlabelled.any():
        notes.append(
            f"dropped {int(unlabelled.sum())} row(s) without a value in {target!r}"
        )
    y = labels[~unlabelled].to_numpy()
    if y.dtype == object:
        # pandas reads any column that is not all numbers as text.
        y = y.astype(str)
    target_type = type_of_target(y)
    if target_type not in ("binary", "multiclass"):
        raise CLIError(
            f"--target: column {target!r} does not hold class labels (it looks "
            f"{target_type}, {len(np.unique(y))} distinct values); this command "
            "compares classifiers."
        )
    classes = np.unique(y).tolist()
    if len(classes) < 2:
        raise CLIError(
            f"--target: column {target!r} has a single class {classes[0]!r}; need "
            "at least 2."
        )
    return ~unlabelled.to_numpy(), y, notes


def _is_identifier(values):
    """Whether a column is an identifier: a different value in every row, and
    text or whole numbers (never decimals: a measurement may well differ in
    every row).

    One rule for row numbers (``row``: 1..n), the index ``DataFrame.to_csv()``
    writes, database keys and codes (``plant_id``: P0001, ...). Such a column
    carries no information about new rows, and where the file is sorted by
    class it gives the label away.
    """
    import pandas as pd

    if len(values) < 2 or values.isna().any() or not values.is_unique:
        return False
    if pd.api.types.is_bool_dtype(values):
        return False
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=float)
        return bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers))))
    return True


def _text_column(series):
    """``("numeric", converted)`` for decimal commas, else ``("text", series)``."""
    import pandas as pd

    values = series.dropna().astype(str).str.strip()
    if len(values) and values.str.match(_DECIMAL_COMMA).all():
        converted = pd.to_numeric(
            series.astype(str).str.replace(",", "."), errors="coerce"
        )
        return "numeric", converted.where(series.notna())
    return "text", series.astype(object).where(series.notna(), np.nan)


def _check_columns(frame, target, keep, drop):
    """Refuse ``--keep`` / ``--drop`` names that are not feature columns."""
    columns = list(frame.columns)
    for option, names in (("--keep", keep), ("--drop", drop)):
        for name in names:
            if name == target:
                raise CLIError(
                    f"{option}: {name!r} is the --target column, never a feature."
                )
            if name not in columns:
                close = difflib.get_close_matches(name, columns, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise CLIError(
                    f"{option}: column {name!r} not found; the columns are "
                    f"{_shorten(columns)}.{hint}"
                )
    both = sorted(set(keep) & set(drop))
    if both:
        raise CLIError(f"--keep and --drop both name {both!r}; choose one.")
    empty = [name for name in keep if frame[name].isna().all()]
    if empty:
        raise CLIError(f"--keep: column(s) {empty!r} are empty; nothing to keep.")


def _features(frame, target, keep=(), drop=()):
    """Feature frame (numbers, and text categories), column kinds and notes."""
    import pandas as pd

    kept, numeric, categorical, commas = {}, [], [], []
    dropped, identifiers, wide = [], [], []
    for name in frame.columns:
        series = frame[name]
        if name == target:
            continue
        if name in drop:
            dropped.append(f"{name!r} (--drop)")
            continue
        if series.isna().all():
            dropped.append(f"{name!r} (empty)")
            continue
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            kind, value = "numeric", series.astype(float)
        else:
            kind, value = _text_column(series)
            if kind == "numeric":
                commas.append(name)
        if name not in keep:
            if _is_identifier(value):
                identifiers.append(name)
                continue
            if kind == "text" and value.nunique() > MAX_CATEGORIES:
                wide.append(name)
                continue
        kept[name] = value
        (numeric if kind == "numeric" else categorical).append(name)
    notes = []
    if commas:
        notes.append(f"read decimal commas as numbers in column(s) {commas!r}")
    if dropped:
        notes.append("dropped column(s) " + ", ".join(dropped))
    if identifiers:
        notes.append(
            f"dropped identifier column(s) {identifiers!r} (a different whole number "
            "or text in every row: row numbers, keys, codes); --keep NAME uses one "
            "as a feature"
        )
    if wide:
        notes.append(
            f"dropped text column(s) {wide!r} (more than {MAX_CATEGORIES} distinct "
            "values: free text or dates, too many to one-hot encode); --keep NAME "
            "encodes one anyway"
        )
    if not kept:
        raise CLIError(
            f"--data: the file has no usable feature column besides {target!r}."
        )
    return pd.DataFrame(kept, index=frame.index), numeric, categorical, notes


def _label_copies(features, y):
    """Notes on features that recode the label one to one (a copy of it?).

    A copy of the label under another name passes every other check and makes
    any model perfect; the command cannot tell it from a real feature that
    predicts the class exactly, so it says so rather than refusing.
    """
    import pandas as pd

    copies = []
    for name in features.columns:
        values = features[name]
        if values.isna().any():
            continue
        pairs = pd.DataFrame({"x": values.to_numpy(), "y": y}).drop_duplicates()
        n_classes = pairs["y"].nunique()
        if len(pairs) == n_classes == pairs["x"].nunique():
            copies.append(name)
    if not copies:
        return []
    return [
        f"feature column(s) {copies!r} take one value per class: each recodes "
        "the label one to one. If that is a copy of the label, leave it out with "
        "--drop."
    ]


def _check_finite(features, numeric):
    infinite = [name for name in numeric if np.isinf(features[name]).any()]
    if infinite:
        raise CLIError(
            f"--data: feature column(s) {infinite!r} hold infinite values (inf); "
            "replace them with numbers, or empty the cells to make them missing "
            "values, which are handled."
        )


def _split_rows(y, test_size, seed):
    """Stratified train/test row indices; one-row classes go to training only."""
    classes, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    single = counts[inverse] == 1
    if (counts > 1).sum() < 2:
        sizes = dict(zip(classes.tolist(), counts.tolist(), strict=True))
        raise CLIError(
            "--target: fewer than 2 classes have 2 rows or more, so no test split "
            f"can hold 2 classes (rows per class: {sizes})."
        )
    rows = np.flatnonzero(~single)
    try:
        train, test = train_test_split(
            rows, test_size=test_size, stratify=y[rows], random_state=seed
        )
    except ValueError as exc:
        raise CLIError(
            f"--test-size {test_size:g}: cannot split {rows.size} rows of "
            f"{(counts > 1).sum()} classes with every class on both sides ({exc})"
        ) from exc
    singletons = classes[counts == 1].tolist()
    return np.sort(np.concatenate([train, np.flatnonzero(single)])), test, singletons


def csv_split(path, target, *, sep, test_size, seed, keep=(), drop=()):
    """Read a CSV, clean it (saying how) and split it stratified."""
    frame, sep, notes = read_csv(path, sep)
    _check_target_column(frame, target, path, sep)
    _check_columns(frame, target, keep, drop)
    labelled, y, target_notes = _target(frame, target)
    features, numeric, categorical, feature_notes = _features(frame, target, keep, drop)
    features = features[labelled].reset_index(drop=True)
    _check_finite(features, numeric)
    notes += target_notes + feature_notes + _label_copies(features, y)
    train, test, singletons = _split_rows(y, test_size, seed)
    if singletons:
        notes.append(
            f"class(es) {singletons!r} have a single row: kept in training, absent "
            "from the test split, so they have no score"
        )
    missing = [name for name in features.columns if features[name].isna().any()]
    description = (
        f"on {Path(path).name}, target {target!r}, stratified split, "
        f"{test_size:g} of the rows for testing"
    )
    return Split(
        description,
        features.iloc[train],
        features.iloc[test],
        y[train],
        y[test],
        notes=notes,
        numeric=numeric,
        categorical=categorical,
        missing=missing,
    )
